package dev.wgdesk.app.cli;

import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.CommandException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, for acceptance tests:
 * <pre>
 *   [ns A: helper]  vA 10.99.0.1/24 ---- vB 10.99.0.2/24  [ns B: wireguard-go "wgp"]
 *   default via 10.99.0.2                     wgp 10.200.0.2/24 fd20::2/64, lo 198.51.100.1/32
 * </pre>
 * B runs Debian's {@code wireguard-go} as the peer; 198.51.100.1 stands for "the rest of the
 * internet". Names are unique to this JVM. {@link #close()} kills the processes it started (by
 * pid) and deletes both namespaces, whatever happened.
 */
final class NetnsTopology implements AutoCloseable {
    final String nsA;
    final String nsB;
    final String vethA;
    final String vethB;
    final String wgIface;
    final Path dir;
    final String peerPrivateKey;
    final String peerPublicKey;
    private final List<Process> processes = new ArrayList<>();
    private Process wireguardGo;

    private NetnsTopology(Path dir) throws CommandException {
        long id = ProcessHandle.current().pid() % 100_000;
        nsA = "wgdesk-a-" + id;
        nsB = "wgdesk-b-" + id;
        vethA = "wgva" + id;
        vethB = "wgvb" + id;
        wgIface = "wgp" + id;
        this.dir = dir;
        peerPrivateKey = Command.check("wg", "genkey").strip();
        peerPublicKey = Command.run(List.of("wg", "pubkey"), peerPrivateKey, Map.of(), 10).stdout().strip();
    }

    /**
     * Null if everything the tests need is here (root, ip, wg, wireguard-go, setpriv, ping, nft,
     * /dev/net/tun), else what is missing.
     */
    static String missingPrerequisite() {
        try {
            if (!Command.check("id", "-u").strip().equals("0")) {
                return "not root";
            }
            for (String p : List.of("ip", "wg", "wireguard-go", "setpriv", "ping", "nft")) {
                if (Command.run(List.of("sh", "-c", "command -v " + p), null, Map.of(), 10).exitCode() != 0) {
                    return p + " is not installed";
                }
            }
        } catch (CommandException e) {
            return e.getMessage();
        }
        return Files.exists(Path.of("/dev/net/tun")) ? null : "/dev/net/tun is missing";
    }

    static NetnsTopology create(Path dir) throws IOException, InterruptedException {
        NetnsTopology t = new NetnsTopology(dir);
        try {
            t.setUp();
        } catch (IOException | InterruptedException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void setUp() throws IOException, InterruptedException {
        Command.run(List.of("ip", "netns", "del", nsA), null, Map.of(), 10); // leftovers of a killed run
        Command.run(List.of("ip", "netns", "del", nsB), null, Map.of(), 10);
        Command.check("ip", "netns", "add", nsA);
        Command.check("ip", "netns", "add", nsB);
        Command.check("ip", "link", "add", vethA, "netns", nsA, "type", "veth", "peer", "name", vethB, "netns", nsB);
        a("link", "set", "lo", "up");
        b("link", "set", "lo", "up");
        a("address", "add", "10.99.0.1/24", "dev", vethA);
        b("address", "add", "10.99.0.2/24", "dev", vethB);
        a("link", "set", vethA, "up");
        b("link", "set", vethB, "up");
        a("route", "add", "default", "via", "10.99.0.2");
        b("address", "add", "198.51.100.1/32", "dev", "lo");
        Path log = dir.resolve("wireguard-go.log");
        wireguardGo = new ProcessBuilder("ip", "netns", "exec", nsB, "wireguard-go", "-f", wgIface)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(wireguardGo);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Command.run(List.of("ip", "-n", nsB, "link", "show", wgIface), null, Map.of(), 10).exitCode() != 0) {
            if (System.nanoTime() > deadline || !wireguardGo.isAlive()) {
                throw new IOException("wireguard-go did not create " + wgIface + ": " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        Path key = dir.resolve("peer.key");
        Files.writeString(key, peerPrivateKey + "\n");
        Command.check("ip", "netns", "exec", nsB, "wg", "set", wgIface, "private-key", key.toString(), "listen-port", "51820");
        b("address", "add", "10.200.0.2/24", "dev", wgIface);
        b("address", "add", "fd20::2/64", "dev", wgIface, "nodad");
        b("link", "set", wgIface, "up");
    }

    /** Allows {@code publicKey} as a peer of wireguard-go with the given allowed IPs. */
    void addPeerToWireguardGo(String publicKey, String allowedIps) throws CommandException {
        Command.check("ip", "netns", "exec", nsB, "wg", "set", wgIface, "peer", publicKey, "allowed-ips", allowedIps);
    }

    /** Bytes wireguard-go has received from all peers. */
    long peerRxBytes() throws CommandException {
        long sum = 0;
        for (String line : Command.check("ip", "netns", "exec", nsB, "wg", "show", wgIface, "transfer").split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 3) {
                sum += Long.parseLong(f[1]);
            }
        }
        return sum;
    }

    /** {@code ip -n A args}. */
    String a(String... args) throws CommandException {
        return ip(nsA, args);
    }

    /** {@code ip -n B args}. */
    String b(String... args) throws CommandException {
        return ip(nsB, args);
    }

    private static String ip(String ns, String... args) throws CommandException {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        return Command.check(argv);
    }

    /** Runs a command inside namespace A. */
    Command.Result inA(String... cmd) throws CommandException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", nsA));
        argv.addAll(List.of(cmd));
        return Command.run(argv, null, Map.of(), 30);
    }

    /** Runs a command inside namespace B. */
    Command.Result inB(String... cmd) throws CommandException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", nsB));
        argv.addAll(List.of(cmd));
        return Command.run(argv, null, Map.of(), 30);
    }

    /** {@code nft args} inside namespace A; throws unless it exits 0. */
    String nftA(String... args) throws CommandException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", nsA, "nft"));
        argv.addAll(List.of(args));
        return Command.check(argv);
    }

    /** Everything routing-related in A, for before/after comparisons. */
    String routingState() throws CommandException {
        // The kernel adds the local route of an IPv6 link-local address only once duplicate
        // address detection has finished; wait for that so two snapshots compare like for like.
        for (int i = 0; i < 100 && !a("-6", "addr", "show", "tentative").isBlank(); i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "== rules v4\n" + a("-4", "rule") + "== rules v6\n" + a("-6", "rule")
                + "== routes v4\n" + a("-4", "route", "show", "table", "all")
                + "== routes v6\n" + a("-6", "route", "show", "table", "all")
                + "== links\n" + a("-br", "link");
    }

    /** Starts a process inside namespace A (killed by {@link #close()}). */
    Process startInA(List<String> cmd, Map<String, String> env, Path log) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", nsA));
        argv.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : List.of(nsA, nsB)) {
            try {
                Command.run(List.of("ip", "netns", "del", ns), null, Map.of(), 10);
            } catch (CommandException ignored) {
                // best effort
            }
        }
    }
}
