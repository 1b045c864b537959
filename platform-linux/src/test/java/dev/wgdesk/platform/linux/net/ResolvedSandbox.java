package dev.wgdesk.platform.linux.net;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import dev.wgdesk.platform.linux.LinuxTun;
import dev.wgdesk.platform.linux.LinuxTunProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real systemd-resolved, unpacked by {@code fetch-resolved.sh} (never installed), running with
 * a private system D-Bus in private PID, mount and network namespaces
 * ({@code resolved-sandbox.sh}); the host's {@code /run/dbus}, {@code /run/systemd} and
 * {@code /etc/resolv.conf} are never touched. Commands run inside through {@code nsenter};
 * TUN interfaces are created in the namespace by a thread that entered it, and every DNS query
 * the kernel routes into one is recorded. {@link #close()} kills the namespace's process 1 (and
 * with it everything inside) by its pid.
 */
final class ResolvedSandbox implements AutoCloseable {
    /** Where {@code fetch-resolved.sh} unpacks by default. */
    static final Path DEFAULT_DIR = Path.of("/var/tmp/wgdesk-resolved");
    private static final int CLONE_NEWNET = 0x40000000;
    private static final long START_TIMEOUT_MILLIS = 20_000;

    static {
        Native.register(ResolvedSandbox.class, Platform.C_LIBRARY_NAME);
    }

    private static native int open(String path, int flags);

    private static native int close(int fd);

    private static native int setns(int fd, int nstype);

    /** A DNS query seen on a link: the server it was sent to and the name asked for. */
    record Query(String server, String name) {}

    /** A TUN interface in the sandbox, with the DNS queries routed into it. */
    final class Link implements AutoCloseable {
        final String name;
        private final LinuxTun tun;
        private final List<Query> queries = new CopyOnWriteArrayList<>();

        private Link(String name, LinuxTun tun) {
            this.name = name;
            this.tun = tun;
            Thread.ofPlatform().daemon().name("dns-capture-" + name).start(this::capture);
        }

        private void capture() {
            ByteBuffer[] bufs = {ByteBuffer.allocate(65536)};
            try {
                while (true) {
                    bufs[0].clear();
                    tun.read(bufs, 1);
                    Query q = DnsPackets.query(bufs[0]);
                    if (q != null) {
                        queries.add(q);
                    }
                }
            } catch (IOException | RuntimeException closed) {
                // the interface is gone
            }
        }

        /** The queries for {@code name} seen so far. */
        List<Query> queries(String qname) {
            return queries.stream().filter(q -> q.name().equalsIgnoreCase(qname)).toList();
        }

        /** Deletes the interface (the descriptor closes, as when the helper dies). */
        @Override
        public void close() {
            tun.close();
            links.remove(this);
        }
    }

    private final Process unshare;
    private final long initPid;
    private final Path state;
    private final Path resolvectl;
    private final Map<String, String> env;
    private final ExecutorService nsThread;
    private final List<Link> links = new CopyOnWriteArrayList<>();

    private ResolvedSandbox(Process unshare, long initPid, Path state, Path root, Map<String, String> env) {
        this.unshare = unshare;
        this.initPid = initPid;
        this.state = state;
        this.resolvectl = root.resolve("usr/bin/resolvectl");
        this.env = env;
        this.nsThread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("resolved-netns").unstarted(r));
    }

    /**
     * Why the sandbox cannot run here, or empty if it can: root, the unpacked package in
     * {@code dir}, and unshare, nsenter, setpriv, dbus-daemon and ip on the PATH.
     */
    static Optional<String> unavailable(Path dir) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("needs root (namespaces, TUN, systemd-resolved's capabilities)");
        }
        Path root = dir.resolve("root");
        if (!Files.isExecutable(root.resolve("lib/systemd/systemd-resolved")) || !Files.isExecutable(root.resolve("usr/bin/resolvectl"))) {
            return Optional.of("systemd-resolved is not unpacked in " + dir + ": run (as root, installs nothing) "
                    + "platform-linux/src/test/resources/dev/wgdesk/platform/linux/net/fetch-resolved.sh " + dir);
        }
        for (String tool : List.of("unshare", "nsenter", "setpriv", "dbus-daemon", "ip")) {
            if (!Dns.onPath(tool)) {
                return Optional.of(tool + " is not installed");
            }
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return Optional.of("no /dev/net/tun");
        }
        return Optional.empty();
    }

    /** Starts dbus-daemon and systemd-resolved in new namespaces; waits (bounded) until resolved is on the bus. */
    static ResolvedSandbox start(Path dir) throws IOException, InterruptedException {
        Path root = dir.resolve("root");
        Path state = Files.createTempDirectory("wgdesk-resolved-");
        Path script = script("resolved-sandbox.sh");
        Process p = new ProcessBuilder("unshare", "--mount", "--net", "--pid", "--fork", "--mount-proc", "--kill-child",
                "bash", script.toString(), root.toString(), state.toString())
                .redirectErrorStream(true).redirectOutput(state.resolve("sandbox.log").toFile()).start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        long init = -1;
        try {
            while (System.currentTimeMillis() < deadline) {
                if (init < 0) {
                    init = p.toHandle().children().mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
                }
                if (Files.exists(state.resolve("failed"))) {
                    throw new IOException("the systemd-resolved sandbox failed: " + Files.readString(state.resolve("failed")));
                }
                if (init > 0 && Files.exists(state.resolve("ready"))) {
                    break;
                }
                if (!p.isAlive()) {
                    throw new IOException("the systemd-resolved sandbox exited " + p.exitValue() + ": "
                            + Files.readString(state.resolve("sandbox.log")));
                }
                Thread.sleep(50);
            }
            if (init < 0 || !Files.exists(state.resolve("ready"))) {
                throw new IOException("systemd-resolved did not come up within " + START_TIMEOUT_MILLIS + " ms");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            kill(p, init);
            deleteTree(state);
            throw e;
        }
        String libDir;
        try (Stream<Path> s = Files.find(root, 8, (f, a) -> f.getFileName().toString().startsWith("libsystemd-shared-"))) {
            libDir = s.findFirst().map(f -> f.getParent().toString()).orElse("");
        }
        ResolvedSandbox sb = new ResolvedSandbox(p, init, state, root, libDir.isEmpty() ? Map.of() : Map.of("LD_LIBRARY_PATH", libDir));
        try {
            sb.enterNetns();
        } catch (IOException | RuntimeException e) {
            sb.close();
            throw e;
        }
        return sb;
    }

    private static Path script(String name) throws IOException {
        try {
            return Path.of(ResolvedSandbox.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("test resource " + name + " not found", e);
        }
    }

    private void enterNetns() throws IOException {
        onNsThread(() -> {
            int fd = open("/proc/" + initPid + "/ns/net", 0x80000 /* O_RDONLY|O_CLOEXEC */);
            if (fd < 0) {
                throw new IOException("open /proc/" + initPid + "/ns/net: errno " + Native.getLastError());
            }
            try {
                if (setns(fd, CLONE_NEWNET) != 0) {
                    throw new IOException("setns: errno " + Native.getLastError());
                }
            } finally {
                close(fd);
            }
            return null;
        });
    }

    private <T> T onNsThread(java.util.concurrent.Callable<T> task) throws IOException {
        try {
            return nsThread.submit(task).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    /** The unpacked {@code resolvectl} the sandbox runs (a host path, visible inside too). */
    Path resolvectl() {
        return resolvectl;
    }

    /** The file {@code path} (absolute) as the sandbox sees it. */
    Path file(String path) {
        return Path.of("/proc/" + initPid + "/root" + path);
    }

    /** systemd-resolved's log so far (debug level). */
    String resolvedLog() {
        try {
            return Files.readString(state.resolve("resolved.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Creates a TUN interface in the sandbox (up, as the engine leaves it) with {@code addresses}. */
    Link tun(String name, String... addresses) throws IOException {
        LinuxTun tun = onNsThread(() -> new LinuxTunProvider(1).create(name, 1420));
        Link link = new Link(name, tun);
        links.add(link);
        for (String a : addresses) {
            check("ip", "address", "add", a, "dev", name, "nodad");
        }
        return link;
    }

    /** Runs {@code argv} in the sandbox ({@code resolvectl} is the unpacked one). */
    Command.Result run(List<String> argv, String stdin) throws CommandException {
        List<String> full = new ArrayList<>(List.of("nsenter", "--target", Long.toString(initPid), "--mount", "--net", "--pid", "--"));
        full.add(argv.getFirst().equals("resolvectl") ? resolvectl.toString() : argv.getFirst());
        full.addAll(argv.subList(1, argv.size()));
        return Command.run(full, stdin, env, Command.DEFAULT_TIMEOUT_SECONDS);
    }

    /** {@link #run} that throws unless the command exits 0; returns its output. */
    String check(String... argv) throws CommandException {
        Command.Result r = run(List.of(argv), null);
        if (r.exitCode() != 0) {
            throw new CommandException(List.of(argv), r);
        }
        return r.stdout();
    }

    /** Runs the plan's commands in the sandbox, as the helper runs them on the host. */
    Dns.Runner runner() {
        return this::run;
    }

    /**
     * Asks resolved for {@code name} ({@code resolvectl query}, nothing answers; first
     * {@code resolvectl reset-server-features}) and waits
     * (bounded) until the query reached one of {@code links}, then a little longer so that a
     * query sent to several links in parallel is seen on all of them.
     */
    void probe(String name, Link... watched) throws IOException, InterruptedException {
        // Nothing answers, so after a few timeouts resolved would fall back to TCP for a server
        // (whose SYNs carry no name to recognise); forget what it learned, every probe is UDP.
        check("resolvectl", "reset-server-features");
        List<String> argv = new ArrayList<>(List.of("nsenter", "--target", Long.toString(initPid), "--mount", "--net", "--pid", "--",
                "timeout", "-s", "KILL", "10", resolvectl.toString(), "query", "--cache=no", "--legend=no", name));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            long deadline = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < deadline && Stream.of(watched).allMatch(l -> l.queries(name).isEmpty())) {
                if (!p.isAlive()) {
                    break; // failed at once: the caller's assertions say so
                }
                Thread.sleep(20);
            }
            Thread.sleep(700);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Kills everything in the namespaces (by the pid of their process 1), pass or fail. */
    @Override
    public void close() {
        for (Link l : links) {
            try {
                l.tun.close();
            } catch (RuntimeException ignored) {
                // going anyway
            }
        }
        links.clear();
        nsThread.shutdownNow();
        kill(unshare, initPid);
        deleteTree(state);
    }

    private static void kill(Process unshare, long initPid) {
        if (initPid > 0) {
            ProcessHandle.of(initPid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL: the whole PID namespace dies
        }
        try {
            if (!unshare.waitFor(5, TimeUnit.SECONDS)) {
                unshare.destroyForcibly(); // --kill-child takes process 1 with it
                unshare.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            unshare.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // a temp dir left behind
        }
    }

    /** Reads the question of a DNS query to port 53 out of an IPv4 or IPv6 UDP packet. */
    static final class DnsPackets {
        private DnsPackets() {}

        static Query query(ByteBuffer pkt) {
            int start = pkt.position();
            int len = pkt.limit() - start;
            if (len < 1) {
                return null;
            }
            int version = (pkt.get(start) & 0xff) >> 4;
            int udp;
            String dst;
            if (version == 4 && len >= 20) {
                if ((pkt.get(start + 9) & 0xff) != 17) {
                    return null;
                }
                udp = start + (pkt.get(start) & 0x0f) * 4;
                dst = (pkt.get(start + 16) & 0xff) + "." + (pkt.get(start + 17) & 0xff) + "."
                        + (pkt.get(start + 18) & 0xff) + "." + (pkt.get(start + 19) & 0xff);
            } else if (version == 6 && len >= 40) {
                if ((pkt.get(start + 6) & 0xff) != 17) {
                    return null;
                }
                udp = start + 40;
                byte[] a = new byte[16];
                pkt.get(start + 24, a);
                try {
                    dst = java.net.InetAddress.getByAddress(a).getHostAddress();
                } catch (java.net.UnknownHostException e) {
                    return null;
                }
            } else {
                return null;
            }
            int end = pkt.limit();
            if (udp + 8 + 12 > end || (pkt.getShort(udp + 2) & 0xffff) != 53) {
                return null;
            }
            int i = udp + 8 + 12;
            StringBuilder name = new StringBuilder();
            while (i < end) {
                int l = pkt.get(i) & 0xff;
                if (l == 0 || l > 63 || i + 1 + l > end) {
                    break;
                }
                byte[] label = new byte[l];
                pkt.get(i + 1, label);
                name.append(name.isEmpty() ? "" : ".").append(new String(label, StandardCharsets.US_ASCII));
                i += 1 + l;
            }
            return new Query(dst, name.toString());
        }
    }
}
