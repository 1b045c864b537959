package dev.wgdesk.app.ui.view;

import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.CommandException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A WireGuard peer for a tunnel run by the in-process helper: Debian's {@code wireguard-go} in a
 * network namespace of its own, reached over a veth pair from this (the helper's) namespace.
 * <pre>
 *   [this namespace]  link 10.213.L.1/30 ---------- 10.213.L.2/30  [namespace: wireguard-go]
 *   the tunnel 10.213.T.2/24 (in this namespace)     wg interface 10.213.T.1/24, UDP 51820
 * </pre>
 * Only 10.213.L.0/30 (the link) and the tunnel's own 10.213.T.0/24 are routed in this
 * namespace, so nothing else of the host's routing changes; callers pick different L and T so
 * that the screenshots and the window tests never meet. Names are unique to this JVM and tag.
 * The names and the wireguard-go pid are written to a state directory so that a wrapper script
 * can clean up even if this JVM is killed; {@link #close()} cleans up (by pid and name)
 * whatever happened.
 */
final class PeerNamespace implements AutoCloseable {
    /** The peer's address inside the tunnel. */
    final String peerTunnelAddress;
    /** The tunnel's own address (the helper's side), a /24. */
    final String tunnelAddress;
    /** The tunnel's own address as a /32 (the peer's AllowedIPs for it). */
    final String tunnelHost;
    /** The tunnel's AllowedIPs: the tunnel network only, never a default route. */
    final String allowedIps;
    /** The peer's endpoint, on the veth link. */
    final String endpoint;
    private final int linkNet;

    final String namespace;
    final String hostLink;
    final String peerLink;
    final String wgIface;
    final String peerPublicKey;
    private final String peerPrivateKey;
    private final Path stateDir;
    private final List<String> log = new ArrayList<>();
    private Process wireguardGo;

    private PeerNamespace(Path stateDir, char tag, int tunnelNet, int linkNet) throws CommandException {
        long id = ProcessHandle.current().pid() % 100_000;
        namespace = "wgdesk-" + tag + "-" + id;
        hostLink = "wgd" + tag + "h" + id;
        peerLink = "wgd" + tag + "p" + id;
        wgIface = "wgd" + tag + "w" + id;
        peerTunnelAddress = "10.213." + tunnelNet + ".1";
        tunnelAddress = "10.213." + tunnelNet + ".2/24";
        tunnelHost = "10.213." + tunnelNet + ".2/32";
        allowedIps = "10.213." + tunnelNet + ".0/24";
        endpoint = "10.213." + linkNet + ".2:51820";
        this.linkNet = linkNet;
        this.stateDir = stateDir;
        peerPrivateKey = Command.check("wg", "genkey").strip();
        peerPublicKey = Command.run(List.of("wg", "pubkey"), peerPrivateKey, Map.of(), 10).stdout().strip();
    }

    /** Why the namespace cannot be made here (not root, a tool missing), or null if it can. */
    static String missingPrerequisite() {
        String why = RealHelper.realBackendUnavailable();
        if (why != null) {
            return why;
        }
        try {
            for (String p : List.of("wg", "wireguard-go", "ping")) {
                if (Command.run(List.of("sh", "-c", "command -v " + p), null, Map.of(), 10).exitCode() != 0) {
                    return p + " is not installed";
                }
            }
        } catch (CommandException e) {
            return e.getMessage();
        }
        return null;
    }

    /**
     * Creates the namespace, the link and the peer.
     *
     * @param stateDir  where to record the names and pid for an outside clean-up
     * @param tag       a letter that tells this use's names from another's
     * @param tunnelNet T in 10.213.T.0/24, the tunnel network
     * @param linkNet   L in 10.213.L.0/30, the veth link
     */
    static PeerNamespace create(Path stateDir, char tag, int tunnelNet, int linkNet)
            throws IOException, InterruptedException {
        Files.createDirectories(stateDir);
        PeerNamespace n = new PeerNamespace(stateDir, tag, tunnelNet, linkNet);
        try {
            n.setUp();
        } catch (IOException | InterruptedException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    private void setUp() throws IOException, InterruptedException {
        Files.writeString(stateDir.resolve("netns"), namespace + "\n");
        Files.writeString(stateDir.resolve("link"), hostLink + "\n");
        Command.run(List.of("ip", "netns", "del", namespace), null, Map.of(), 10); // leftovers of a killed run
        Command.run(List.of("ip", "link", "del", "dev", hostLink), null, Map.of(), 10);
        Command.check("ip", "netns", "add", namespace);
        Command.check("ip", "link", "add", hostLink, "type", "veth", "peer", "name", peerLink, "netns", namespace);
        Command.check("ip", "address", "add", "10.213." + linkNet + ".1/30", "dev", hostLink);
        Command.check("ip", "link", "set", hostLink, "up");
        ns("link", "set", "lo", "up");
        ns("address", "add", "10.213." + linkNet + ".2/30", "dev", peerLink);
        ns("link", "set", peerLink, "up");
        Path goLog = stateDir.resolve("wireguard-go.log");
        wireguardGo = new ProcessBuilder("ip", "netns", "exec", namespace, "wireguard-go", "-f", wgIface)
                .redirectErrorStream(true).redirectOutput(goLog.toFile()).start();
        Files.writeString(stateDir.resolve("wireguard-go.pid"), wireguardGo.pid() + "\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Command.run(List.of("ip", "-n", namespace, "link", "show", wgIface), null, Map.of(), 10).exitCode() != 0) {
            if (System.nanoTime() > deadline || !wireguardGo.isAlive()) {
                throw new IOException("wireguard-go did not create " + wgIface + ": " + Files.readString(goLog));
            }
            Thread.sleep(50);
        }
        Path key = stateDir.resolve("peer.key");
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, peerPrivateKey + "\n");
        Command.check("ip", "netns", "exec", namespace, "wg", "set", wgIface, "private-key", key.toString(),
                "listen-port", "51820");
        Files.delete(key);
        ns("address", "add", peerTunnelAddress + "/24", "dev", wgIface);
        ns("link", "set", wgIface, "up");
    }

    /** Lets {@code publicKey} in as the peer with tunnel address {@code address} (a /32). */
    void allowPeer(String publicKey, String address) throws CommandException {
        Command.check("ip", "netns", "exec", namespace, "wg", "set", wgIface, "peer", publicKey, "allowed-ips", address);
    }

    /**
     * Pings the peer through the tunnel from this namespace, a bounded number of times, until
     * one round succeeds.
     *
     * @return ping's output
     * @throws AssertionError if no round got an answer
     */
    String pingPeer(int rounds) throws CommandException, InterruptedException {
        Command.Result r = null;
        for (int i = 0; i < rounds; i++) {
            r = Command.run(List.of("ping", "-c", "3", "-i", "0.2", "-W", "2", peerTunnelAddress), null, Map.of(), 30);
            if (r.exitCode() == 0) {
                return r.stdout();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("ping " + peerTunnelAddress + " through the tunnel failed: " + r.stdout() + r.stderr()
                + "\nwireguard-go: " + peerState());
    }

    /**
     * Sends a little traffic through the tunnel (a bounded number of larger pings), so the
     * transfer counters show more than the handshake.
     */
    void someTraffic() throws CommandException {
        Command.run(List.of("ping", "-c", "12", "-i", "0.2", "-s", "1200", "-W", "2", peerTunnelAddress), null, Map.of(), 30);
    }

    /** {@code wg show} of the peer, for diagnosis. */
    String peerState() {
        try {
            return Command.run(List.of("ip", "netns", "exec", namespace, "wg", "show", wgIface), null, Map.of(), 10).stdout();
        } catch (CommandException e) {
            return e.getMessage();
        }
    }

    private String ns(String... args) throws CommandException {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", namespace));
        argv.addAll(List.of(args));
        return Command.check(argv);
    }

    /** What could not be cleaned up by {@link #close()}, for the caller to report. */
    List<String> problems() {
        return List.copyOf(log);
    }

    /** Kills wireguard-go (by pid), deletes the namespace and the host's end of the link. */
    @Override
    public void close() {
        if (wireguardGo != null) {
            wireguardGo.descendants().forEach(ProcessHandle::destroyForcibly);
            wireguardGo.destroy();
            try {
                if (!wireguardGo.waitFor(10, TimeUnit.SECONDS)) {
                    wireguardGo.destroyForcibly();
                    wireguardGo.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                wireguardGo.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (List<String> cmd : List.of(List.of("ip", "netns", "del", namespace), List.of("ip", "link", "del", "dev", hostLink))) {
            try {
                Command.run(cmd, null, Map.of(), 10);
            } catch (CommandException e) {
                log.add(String.join(" ", cmd) + ": " + e.getMessage());
            }
        }
        try {
            if (Command.run(List.of("ip", "link", "show", "dev", hostLink), null, Map.of(), 10).exitCode() == 0) {
                log.add(hostLink + " still exists");
            }
            if (Command.run(List.of("ip", "netns", "pids", namespace), null, Map.of(), 10).exitCode() == 0) {
                log.add("namespace " + namespace + " still exists");
            }
        } catch (CommandException e) {
            log.add(e.getMessage());
        }
        for (String f : List.of("netns", "link", "wireguard-go.pid")) {
            try {
                Files.deleteIfExists(stateDir.resolve(f));
            } catch (IOException e) {
                log.add("cannot delete " + f + ": " + e.getMessage());
            }
        }
    }
}
