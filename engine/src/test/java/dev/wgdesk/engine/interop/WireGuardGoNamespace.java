package dev.wgdesk.engine.interop;


import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.testing.Requirements;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace joined to the test's own namespace by a veth pair, with Debian's
 * {@code wireguard-go} running inside it as a child process tracked by pid.
 *
 * <p>Every name carries the JVM's pid and a counter, so concurrent runs never share a namespace,
 * a link, an address block or a UAPI socket ({@code /var/run/wireguard} is shared by every
 * namespace). Addresses: the veth gets 172.31.a.b/30 and a ULA /64 from fdd7:6764:6900::/48; the
 * tunnel uses 10.213.0.0/24 and fdd7:6764:6901::/64, which exist only inside the namespace (the
 * Java side of the tunnel is an in-memory TUN). {@link #close()} kills wireguard-go by pid and
 * deletes the namespace and the links, whatever state set-up reached.
 */
final class WireGuardGoNamespace implements AutoCloseable {
    /** wireguard-go's UDP port inside the namespace (which has its own port space). */
    static final int LISTEN_PORT = 51820;
    private static final Path UAPI_DIR = Path.of("/var/run/wireguard");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(5);

    private static final String IP = Commands.locate("ip");
    private static final String WG = Commands.locate("wg");
    private static final String WIREGUARD_GO = Commands.locate("wireguard-go");
    private static final String PING = Commands.locate("ping");

    final String namespace;
    final String ifname;
    final String hostVeth;
    final String nsVeth;
    /** Outer addresses: the host (test) side of the veth, and the namespace side. */
    final InetAddress hostV4;
    final InetAddress nsV4;
    final InetAddress hostV6;
    final InetAddress nsV6;
    /** Inner addresses: wireguard-go's interface, and the Java device's (in its MemoryTun). */
    final InetAddress wgV4 = literal("10.213.0.2");
    final InetAddress wgV6 = literal("fdd7:6764:6901::2");
    final InetAddress javaV4 = literal("10.213.0.1");
    final InetAddress javaV6 = literal("fdd7:6764:6901::1");
    final PrivateKey privateKey = PrivateKey.generate();
    final PublicKey publicKey = privateKey.publicKey();

    private final Path log;
    private boolean namespaceCreated;
    private boolean vethCreated;
    private Process wireguardGo;

    /** Skips the calling test unless this is Linux, we are root and the tools are installed. */
    static void assumeAvailable() {
        Requirements.require(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
                "wireguard-go interop tests need Linux network namespaces");
        Requirements.require(isRoot(), "wireguard-go interop tests need root (network namespaces, veth, TUN); skipped");
        Requirements.require(IP != null, "`ip` (iproute2) is not installed; skipped");
        Requirements.require(WG != null, "`wg` (wireguard-tools) is not installed; skipped");
        Requirements.require(WIREGUARD_GO != null, "`wireguard-go` is not installed; skipped");
        Requirements.require(PING != null, "`ping` (iputils-ping) is not installed; skipped");
        Requirements.require(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun is missing; skipped");
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1].equals("0"); // effective uid
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Creates the namespace and veth, starts and configures wireguard-go (no peer yet). */
    static WireGuardGoNamespace start() throws Exception {
        WireGuardGoNamespace n = new WireGuardGoNamespace();
        try {
            n.setUp();
            return n;
        } catch (Throwable t) {
            try {
                n.close();
            } catch (Exception e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    private WireGuardGoNamespace() throws IOException {
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.getAndIncrement();
        String tag = pid + Character.toString('a' + n % 26); // at most 7 + 1 chars: names fit IFNAMSIZ
        namespace = "wgdi" + tag;
        ifname = "wgdi" + tag;
        hostVeth = "wgdh" + tag;
        nsVeth = "wgdn" + tag;
        int block = (int) ((pid * 31 + n) % 16384); // one /30 of 172.31.0.0/16 and one /64
        int third = block >>> 6;
        int fourth = (block & 63) << 2;
        hostV4 = literal("172.31." + third + "." + (fourth + 1));
        nsV4 = literal("172.31." + third + "." + (fourth + 2));
        hostV6 = literal("fdd7:6764:6900:" + Integer.toHexString(block) + "::1");
        nsV6 = literal("fdd7:6764:6900:" + Integer.toHexString(block) + "::2");
        log = Files.createTempFile("wgdesk-wireguard-go-", ".log");
    }

    private void setUp() throws Exception {
        Commands.check(IP, "netns", "add", namespace);
        namespaceCreated = true;
        Commands.check(IP, "link", "add", hostVeth, "type", "veth", "peer", "name", nsVeth, "netns", namespace);
        vethCreated = true;
        Commands.check(IP, "addr", "add", hostV4.getHostAddress() + "/30", "dev", hostVeth);
        Commands.check(IP, "addr", "add", hostV6.getHostAddress() + "/64", "dev", hostVeth, "nodad");
        Commands.check(IP, "link", "set", hostVeth, "up");
        Commands.check(IP, "-n", namespace, "link", "set", "lo", "up");
        Commands.check(IP, "-n", namespace, "addr", "add", nsV4.getHostAddress() + "/30", "dev", nsVeth);
        Commands.check(IP, "-n", namespace, "addr", "add", nsV6.getHostAddress() + "/64", "dev", nsVeth, "nodad");
        Commands.check(IP, "-n", namespace, "link", "set", nsVeth, "up");

        ProcessBuilder pb = new ProcessBuilder(IP, "netns", "exec", namespace, WIREGUARD_GO, "-f", ifname)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("LOG_LEVEL", "verbose");
        wireguardGo = pb.start(); // `ip netns exec` execs, so this pid is wireguard-go's
        awaitWireGuardGo();

        String wgPublic = Commands.checkWithInput(privateKey.toBase64() + "\n", WG, "pubkey").output().strip();
        if (!wgPublic.equals(publicKey.toBase64())) {
            throw new AssertionError("`wg pubkey` derived " + wgPublic + " but the engine derived " + publicKey.toBase64());
        }
        Commands.checkWithInput(privateKey.toBase64() + "\n",
                wg("set", ifname, "private-key", "/dev/stdin", "listen-port", Integer.toString(LISTEN_PORT)));
        Commands.check(IP, "-n", namespace, "addr", "add", wgV4.getHostAddress() + "/24", "dev", ifname);
        Commands.check(IP, "-n", namespace, "addr", "add", wgV6.getHostAddress() + "/64", "dev", ifname, "nodad");
        Commands.check(IP, "-n", namespace, "link", "set", ifname, "up");
    }

    /** Waits (bounded) until wireguard-go has made its TUN and UAPI socket, or fails with its log. */
    private void awaitWireGuardGo() throws Exception {
        Path socket = UAPI_DIR.resolve(ifname + ".sock");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!wireguardGo.isAlive()) {
                throw new IllegalStateException("wireguard-go exited with " + wireguardGo.exitValue() + ":\n" + logText());
            }
            if (Files.exists(socket) && Commands.run(IP, "-n", namespace, "link", "show", ifname).ok()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("wireguard-go did not create " + ifname + " within " + START_TIMEOUT
                        + ":\n" + logText());
            }
            Thread.sleep(20);
        }
    }

    /** {@code ip netns exec NS wg ARGS...}. */
    private String[] wg(String... args) {
        List<String> cmd = new ArrayList<>(List.of(IP, "netns", "exec", namespace, WG));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    /**
     * Adds (or updates) the Java device as wireguard-go's peer, routing the Java inner addresses to
     * it.
     *
     * @param endpoint where wireguard-go sends to, or null to leave it to learn the endpoint
     * @param psk a preshared key, or null for none
     */
    void setPeer(PublicKey peer, InetSocketAddress endpoint, PresharedKey psk) throws Exception {
        List<String> args = new ArrayList<>(List.of("set", ifname, "peer", peer.toBase64(), "allowed-ips",
                javaV4.getHostAddress() + "/32," + javaV6.getHostAddress() + "/128"));
        if (endpoint != null) {
            args.add("endpoint");
            args.add(endpointText(endpoint));
        }
        Commands.check(wg(args.toArray(String[]::new)));
        if (psk != null) {
            Commands.checkWithInput(psk.toBase64() + "\n", wg("set", ifname, "peer", peer.toBase64(), "preshared-key", "/dev/stdin"));
        }
    }

    /** {@code wg set IFNAME peer KEY remove}: wireguard-go forgets the peer and every session with it. */
    void removePeer(PublicKey peer) throws Exception {
        Commands.check(wg("set", ifname, "peer", peer.toBase64(), "remove"));
    }

    /** {@code wg set IFNAME listen-port PORT}: wireguard-go rebinds and sends from the new port. */
    void setListenPort(int port) throws Exception {
        Commands.check(wg("set", ifname, "listen-port", Integer.toString(port)));
    }

    /** {@code wg set IFNAME peer KEY persistent-keepalive SECONDS}. */
    void setPersistentKeepalive(PublicKey peer, int seconds) throws Exception {
        Commands.check(wg("set", ifname, "peer", peer.toBase64(), "persistent-keepalive", Integer.toString(seconds)));
    }

    /** {@code wg show IFNAME dump}, parsed. */
    WgDump dump() throws Exception {
        return WgDump.parse(Commands.check(wg("show", ifname, "dump")).output());
    }

    /** {@code ip netns exec NS ping -c COUNT -i 0.2 -W 2 DST}. */
    Commands.Result ping(InetAddress dst, int count) throws Exception {
        return ping(dst, count, "-i", "0.2", "-W", "2");
    }

    /** {@code ip netns exec NS ping -4|-6 -n -c COUNT OPTIONS... DST}, bounded by 5 s + 3 s per echo (30 s at most). */
    Commands.Result ping(InetAddress dst, int count, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(IP, "netns", "exec", namespace, PING,
                dst instanceof Inet6Address ? "-6" : "-4", "-n", "-c", Integer.toString(count)));
        cmd.addAll(List.of(options));
        cmd.add(dst.getHostAddress());
        return Commands.run(Duration.ofSeconds(Math.min(30, 5L + 3L * count)), null, cmd);
    }

    /** The endpoint as {@code wg} writes it: {@code a.b.c.d:port} or {@code [v6]:port}. */
    static String endpointText(InetSocketAddress ep) {
        String host = ep.getAddress().getHostAddress();
        return (ep.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + ep.getPort();
    }

    /** Parses an endpoint as {@code wg show dump} prints it; null for {@code (none)}. */
    static InetSocketAddress parseEndpoint(String text) {
        if (text.equals("(none)")) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(literal(host), Integer.parseInt(text.substring(colon + 1)));
    }

    /** wireguard-go's output so far (verbose; it never prints keys in full). */
    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Kills wireguard-go by pid, deletes the namespace and the veth; safe at any stage of set-up. */
    @Override
    public void close() throws Exception {
        List<Exception> errors = new ArrayList<>();
        if (wireguardGo != null) {
            try {
                wireguardGo.destroy(); // SIGTERM to this pid: wireguard-go removes its TUN and socket
                if (!wireguardGo.waitFor(3, TimeUnit.SECONDS)) {
                    wireguardGo.destroyForcibly();
                    wireguardGo.waitFor(2, TimeUnit.SECONDS);
                }
                if (!wireguardGo.isAlive()) {
                    Files.deleteIfExists(UAPI_DIR.resolve(ifname + ".sock")); // ours, if it was killed hard
                }
            } catch (Exception e) {
                errors.add(e);
            }
        }
        if (namespaceCreated) {
            try {
                Commands.check(IP, "netns", "del", namespace);
            } catch (Exception e) {
                errors.add(e);
            }
        }
        if (vethCreated) {
            try {
                // Deleting the namespace removes the pair asynchronously; delete our end if still there.
                if (Commands.run(IP, "link", "show", hostVeth).ok()) {
                    Commands.Result r = Commands.run(IP, "link", "del", hostVeth);
                    if (!r.ok() && Commands.run(IP, "link", "show", hostVeth).ok()) {
                        errors.add(new IllegalStateException("could not delete " + hostVeth + ": " + r));
                    }
                }
            } catch (Exception e) {
                errors.add(e);
            }
        }
        privateKey.destroy();
        Files.deleteIfExists(log);
        if (!errors.isEmpty()) {
            Exception first = errors.getFirst();
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP literal: " + text, e);
        }
    }

    @Override
    public String toString() {
        return "wireguard-go " + ifname + " in netns " + namespace + " (pid "
                + (wireguardGo == null ? "-" : wireguardGo.pid()) + ")";
    }
}
