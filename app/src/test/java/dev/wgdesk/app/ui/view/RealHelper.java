package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.helper.FakeBackend;
import dev.wgdesk.app.helper.Helper;
import dev.wgdesk.app.helper.HelperLog;
import dev.wgdesk.platform.linux.helper.LinuxTunnelBackend;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.CommandException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The real helper daemon ({@link Helper}) in this JVM on a socket in a temporary directory, for
 * the window tests and the screenshots. As root (with {@code /dev/net/tun} and {@code ip}) it
 * runs tunnels with the real {@link LinuxTunnelBackend}, exactly as {@code wgdesk helper} does,
 * so activation creates a real TUN interface named after the tunnel; otherwise it falls back to
 * {@link FakeBackend}. It can be stopped and started again on the same socket and state
 * directory. {@link #close()} stops it (which brings every tunnel down) and then deletes any
 * interface named after a tunnel it ever activated that still exists, whatever happened.
 */
final class RealHelper implements AutoCloseable {
    private final Path socket;
    private final Path stateDir;
    private final Path policy;
    private final boolean realBackend;
    private final TunnelBackend backend;
    private final Set<String> activated = ConcurrentHashMap.newKeySet();
    private final List<String> swept = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Helper helper;
    private java.util.logging.Handler deviceLogBridge;

    /**
     * A helper (not started yet) keeping its socket, state and policy under {@code base}.
     *
     * @param realBackend use the Linux backend (see {@link #realBackendUnavailable()})
     */
    RealHelper(Path base, boolean realBackend) {
        this.socket = base.resolve("run/helper.sock");
        this.stateDir = base.resolve("state");
        this.policy = base.resolve("helper.conf"); // absent: the defaults (no scripts)
        this.realBackend = realBackend;
        TunnelBackend inner = realBackend ? new LinuxTunnelBackend() : new FakeBackend();
        this.backend = new TunnelBackend() {
            @Override
            public Active activate(String name, TunnelConfig config, boolean allowScripts,
                                   Consumer<List<List<String>>> journal, Consumer<String> log) throws ActivationException {
                activated.add(name);
                return inner.activate(name, config, allowScripts, journal, log);
            }

            @Override
            public java.util.Set<String> journalPrograms() {
                return inner.journalPrograms();
            }

            @Override
            public List<String> cleanupStale(String name, List<List<String>> undo) {
                return inner.cleanupStale(name, undo);
            }
        };
    }

    /**
     * Why the real Linux backend cannot be used here, or null if it can: needs root,
     * {@code /dev/net/tun} and the {@code ip} command ({@code -Dwgdesk.fakeBackend=true} forces the
     * fake, to try the fallback as root).
     */
    static String realBackendUnavailable() {
        if (Boolean.getBoolean("wgdesk.fakeBackend")) {
            return "-Dwgdesk.fakeBackend=true";
        }
        try {
            if (!Command.check("id", "-u").strip().equals("0")) {
                return "not root";
            }
            if (Command.run(List.of("sh", "-c", "command -v ip"), null, Map.of(), 10).exitCode() != 0) {
                return "the ip command is not installed";
            }
        } catch (CommandException e) {
            return e.getMessage();
        }
        return Files.exists(Path.of("/dev/net/tun")) ? null : "/dev/net/tun is missing";
    }

    /** True when tunnels run on real TUN interfaces. */
    boolean realBackend() {
        return realBackend;
    }

    /** The IPC socket. */
    Path socket() {
        return socket;
    }

    /** Where a tunnel's configuration is stored on disk. */
    Path storedFile(String name) {
        return stateDir.resolve("tunnels").resolve(name + ".conf");
    }

    /** Starts the helper (again) on the same socket and state directory. */
    synchronized void start() throws IOException {
        if (helper != null) {
            throw new IllegalStateException("already running");
        }
        HelperLog log = new HelperLog(null);
        // The engines' own lines (session up, retries), as the daemon's log has them; only the
        // wgdesk.device loggers, so the test JVM's console logging stays as it is.
        deviceLogBridge = log.bridge();
        java.util.logging.Logger.getLogger("wgdesk.device").addHandler(deviceLogBridge);
        helper = Helper.start(new Helper.Options(socket, stateDir, policy, 8), backend, peer -> Optional.empty(), log);
    }

    /** True while started. */
    synchronized boolean running() {
        return helper != null;
    }

    /**
     * Stops the helper as its service would: clients are disconnected, the socket goes away and
     * the tunnels go down (recorded as active, so the next start restores them).
     */
    synchronized void stop() {
        if (helper != null) {
            helper.close();
            helper = null;
        }
        if (deviceLogBridge != null) {
            java.util.logging.Logger.getLogger("wgdesk.device").removeHandler(deviceLogBridge);
            deviceLogBridge = null;
        }
    }

    /** A new IPC connection of its own (the test's view of the helper, beside the app's). */
    IpcClient connect() throws IpcException {
        return IpcClient.connect(socket);
    }

    /** True if a network interface named {@code name} exists (real backend only). */
    static boolean interfaceExists(String name) {
        try {
            return Command.run(List.of("ip", "link", "show", "dev", name), null, Map.of(), 10).exitCode() == 0;
        } catch (CommandException e) {
            throw new AssertionError("cannot run ip: " + e.getMessage(), e);
        }
    }

    /** The interface's details ({@code ip address show dev NAME}), for assertions and messages. */
    static String interfaceAddresses(String name) {
        try {
            return Command.run(List.of("ip", "-o", "address", "show", "dev", name), null, Map.of(), 10).stdout();
        } catch (CommandException e) {
            throw new AssertionError("cannot run ip: " + e.getMessage(), e);
        }
    }

    /**
     * Stops the helper and makes sure no interface named after a tunnel it activated is left.
     *
     * @return the interfaces that had to be deleted by hand (empty when the helper cleaned up)
     */
    List<String> closeAndSweep() {
        try {
            stop();
        } finally {
            if (realBackend) {
                for (String n : activated) {
                    if (interfaceExists(n)) {
                        swept.add(n);
                        try {
                            Command.run(List.of("ip", "link", "del", "dev", n), null, Map.of(), 10);
                        } catch (CommandException ignored) {
                            // reported through the returned list
                        }
                    }
                }
            }
        }
        return List.copyOf(swept);
    }

    @Override
    public void close() {
        closeAndSweep();
    }
}
