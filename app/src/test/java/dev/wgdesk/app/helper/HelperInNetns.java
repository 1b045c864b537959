package dev.wgdesk.app.helper;

import dev.wgdesk.engine.resilience.SleepDetector;
import dev.wgdesk.engine.resilience.HostResolver;
import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.platform.linux.helper.LinuxTunnelBackend;
import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.CommandException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real helper ({@link Helper}, in this JVM) with the real {@link LinuxTunnelBackend}, whose
 * tunnels live in network namespace A ({@link NetnsBackend}); a Debian {@code wireguard-go}
 * peer in namespace B:
 * <pre>
 *   [ns A: tunnels]  vA 10.99.0.1/24 ---- vB 10.99.0.2/24  [ns B: wireguard-go "wgp"]
 *   default via 10.99.0.2                     wgp 10.200.0.2/24 fd20::2/64
 *                                             lo 198.51.100.1/32, 2001:db8:ffff::1/128 ("the internet")
 * </pre>
 * Programs run through a {@link FaultyRunner}, so a test can make one step fail. Namespace and
 * interface names carry this JVM's pid. {@link #close()} stops the helper, kills wireguard-go
 * (by pid) and deletes both namespaces, whatever happened.
 */
final class HelperInNetns implements AutoCloseable {
    final String nsA;
    final String nsB;
    final String vethA;
    final String vethB;
    final String wgIface;
    final String peerPublicKey;
    final Path dir;
    final FaultyRunner runner = new FaultyRunner();
    private final String peerPrivateKey;
    private Process wireguardGo;
    private NetnsBackend backend;
    private Helper helper;
    final HelperLog log = new HelperLog(null);
    /** The suspend detector the next {@link #start()} gives the backend (null: the system's clocks). */
    SleepDetector sleep;
    /** The cgroup of apps run outside the tunnel that the next {@link #start()} uses (null: the default one). */
    String exclusionGroup;

    private HelperInNetns(Path dir, String tag) throws CommandException {
        long id = ProcessHandle.current().pid() % 100_000;
        nsA = "wgdh-a" + tag + "-" + id;
        nsB = "wgdh-b" + tag + "-" + id;
        vethA = "wgha" + tag + id;
        vethB = "whb" + tag + id;
        wgIface = "whp" + tag + id;
        this.dir = dir;
        peerPrivateKey = Command.check("wg", "genkey").strip();
        peerPublicKey = Command.run(List.of("wg", "pubkey"), peerPrivateKey, Map.of(), 10).stdout().strip();
    }

    /** Null when root with ip, wg, wireguard-go, nft, ping and /dev/net/tun; else what is missing. */
    static String missingPrerequisite() {
        try {
            if (!Command.check("id", "-u").strip().equals("0")) {
                return "not root";
            }
            for (String p : List.of("ip", "wg", "wireguard-go", "nft", "ping", "python3")) {
                if (Command.run(List.of("sh", "-c", "command -v " + p), null, Map.of(), 10).exitCode() != 0) {
                    return p + " is not installed";
                }
            }
        } catch (CommandException e) {
            return e.getMessage();
        }
        return Files.exists(Path.of("/dev/net/tun")) ? null : "/dev/net/tun is missing";
    }

    /**
     * Sets up both namespaces (files in a new temporary directory, deleted by {@link #close()}),
     * the peer, and starts the helper.
     *
     * @param tag  one letter or two, to tell the namespaces of several test classes apart
     * @param allowScripts the helper's policy
     */
    static HelperInNetns create(String tag, boolean allowScripts) throws Exception {
        return create(tag, allowScripts, null);
    }

    /** As {@link #create(String, boolean)}, the backend detecting suspend with {@code sleep} (null: the system's clocks). */
    static HelperInNetns create(String tag, boolean allowScripts, SleepDetector sleep) throws Exception {
        return create(tag, allowScripts, sleep, null);
    }

    /** As {@link #create(String, boolean, SleepDetector)}, apps outside the tunnel going into the cgroup {@code exclusionGroup}. */
    static HelperInNetns create(String tag, boolean allowScripts, SleepDetector sleep, String exclusionGroup)
            throws Exception {
        Path dir = Files.createTempDirectory("wgdesk-helper-netns-");
        HelperInNetns h = new HelperInNetns(dir, tag);
        h.sleep = sleep;
        h.exclusionGroup = exclusionGroup;
        try {
            h.setUp();
            Files.writeString(dir.resolve("helper.conf"), "allow-scripts = " + allowScripts + "\n");
            h.start();
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
        return h;
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
        b("-6", "address", "add", "2001:db8:ffff::1/128", "dev", "lo");
        Path wgLog = dir.resolve("wireguard-go.log");
        wireguardGo = new ProcessBuilder("ip", "netns", "exec", nsB, "wireguard-go", "-f", wgIface)
                .redirectErrorStream(true).redirectOutput(wgLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Command.run(List.of("ip", "-n", nsB, "link", "show", wgIface), null, Map.of(), 10).exitCode() != 0) {
            if (System.nanoTime() > deadline || !wireguardGo.isAlive()) {
                throw new IOException("wireguard-go did not create " + wgIface + ": " + Files.readString(wgLog));
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

    Helper.Options options() {
        return new Helper.Options(dir.resolve("run/helper.sock"), dir.resolve("state"), dir.resolve("helper.conf"), 8);
    }

    /** Starts the helper (again) on the same socket and state directory. */
    void start() throws IOException {
        backend = new NetnsBackend(nsA, new LinuxTunnelBackend(runner, HostResolver.system(),
                sleep != null ? sleep : LinuxTunnelBackend.systemSleepDetector(), LinuxTunnelBackend.systemUapi(),
                exclusionGroup == null ? null : new dev.wgdesk.platform.linux.helper.LinuxAppExclusion(runner,
                        Path.of("/proc/self/mountinfo"), Path.of("/proc"), exclusionGroup, line -> { })));
        helper = Helper.start(options(), backend, peer -> Optional.empty(), log);
    }

    /** Stops the helper as its service would (tunnels down, still recorded as active). */
    void stop() {
        if (helper != null) {
            helper.close();
            helper = null;
        }
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    IpcClient client() throws dev.wgdesk.app.ipc.IpcException {
        return IpcClient.connect(options().socket());
    }

    /** Lets wireguard-go accept {@code publicKey} with {@code allowedIps}. */
    void addPeerToWireguardGo(String publicKey, String allowedIps) throws CommandException {
        Command.check("ip", "netns", "exec", nsB, "wg", "set", wgIface, "peer", publicKey, "allowed-ips", allowedIps);
    }

    /** {@code ip -n A args}; throws unless it exits 0. */
    String a(String... args) throws CommandException {
        return ip(nsA, args);
    }

    /** {@code ip -n B args}; throws unless it exits 0. */
    String b(String... args) throws CommandException {
        return ip(nsB, args);
    }

    private static String ip(String ns, String... args) throws CommandException {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        return Command.check(argv);
    }

    /** Runs a command inside namespace A, whatever its exit code. */
    Command.Result inA(String... cmd) throws CommandException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", nsA));
        argv.addAll(List.of(cmd));
        return Command.run(argv, null, Map.of(), 30);
    }

    /** True if namespace A has a link named {@code name}. */
    boolean linkExists(String name) throws CommandException {
        return Command.run(List.of("ip", "-n", nsA, "link", "show", "dev", name), null, Map.of(), 10).exitCode() == 0;
    }

    /** {@code nft list tables} in A. */
    String nftTables() throws CommandException {
        return Command.check("ip", "netns", "exec", nsA, "nft", "list", "tables");
    }

    /** Pings from A until an answer comes (an IPv6 address is tentative for a moment); fails after 10 tries. */
    void ping(String address) throws Exception {
        Command.Result r = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            r = inA("ping", "-c", "2", "-i", "0.2", "-W", "2", address);
            if (r.exitCode() == 0) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("ping " + address + " from " + nsA + " failed: " + r.stdout() + r.stderr());
    }

    /** Bytes wireguard-go received from all its peers. */
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

    /** Rules, routes of every table and links of A, for before/after comparisons. */
    String routingState() throws CommandException, InterruptedException {
        // A fresh link-local address gets its local route only after duplicate address detection.
        for (int i = 0; i < 100 && !a("-6", "addr", "show", "tentative").isBlank(); i++) {
            Thread.sleep(50);
        }
        return "== rules v4\n" + a("-4", "rule") + "== rules v6\n" + a("-6", "rule")
                + "== routes v4\n" + a("-4", "route", "show", "table", "all")
                + "== routes v6\n" + a("-6", "route", "show", "table", "all")
                + "== links\n" + a("-br", "link");
    }

    /** The journals the helper holds now (tunnel names). */
    List<String> journals() throws IOException {
        Path d = dir.resolve("state").resolve(RuntimeJournal.DIR);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (wireguardGo != null) {
                wireguardGo.destroy();
                try {
                    if (!wireguardGo.waitFor(10, TimeUnit.SECONDS)) {
                        wireguardGo.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    wireguardGo.destroyForcibly();
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
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }
}
