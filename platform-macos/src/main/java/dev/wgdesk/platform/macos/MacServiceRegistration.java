package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.platform.LaunchdPlist;
import dev.wgdesk.engine.platform.ServiceRegistration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The helper as a launchd LaunchDaemon: {@code /Library/LaunchDaemons/dev.wgdesk.helper.plist},
 * label {@code dev.wgdesk.helper}, run as root at boot and restarted when it exits
 * ({@code KeepAlive}), {@code umask 077}, its output in {@code /Library/Logs/wgdesk/helper.log}.
 * The .pkg's postinstall installs the same file (installers/src/macos/launchd, checked against
 * {@link #plist} by a test); {@link #install} is for a helper installed by hand.
 *
 * <ul>
 *   <li>install: the plist written (0644), the log and state directories made, then
 *       {@code launchctl bootout system/dev.wgdesk.helper} (an older copy; failure ignored) and
 *       {@code launchctl bootstrap system PLIST}, which loads and starts it;
 *   <li>uninstall: {@code launchctl bootout system/dev.wgdesk.helper} (stops it; "not loaded"
 *       is fine) and the plist removed. The state directory stays (tunnels the user imported);
 *       the .pkg's uninstall script removes it;
 *   <li>isInstalled: {@code launchctl print system/dev.wgdesk.helper} succeeds;
 *   <li>run: the body started, then waits for launchd's SIGTERM (at unload or shutdown; it sends
 *       SIGKILL {@code ExitTimeOut} = 30 s later), which stops the body. launchd needs no
 *       readiness message. Sleep and wake are not reported to the body.
 * </ul>
 * Commands go through a {@link MacTunnel.Runner} and files under a root directory, so tests check
 * the exact argv and files on Linux. Never run on a Mac yet.
 */
public final class MacServiceRegistration implements ServiceRegistration {
    /** The launchd label. */
    public static final String LABEL = "dev.wgdesk.helper";
    /** The daemon's plist. */
    public static final Path PLIST = Path.of("/Library/LaunchDaemons/" + LABEL + ".plist");
    /** Where launchd writes the helper's standard output and error. */
    public static final Path LOG = Path.of("/Library/Logs/wgdesk/helper.log");

    /** Calls back once when the process is told to terminate (SIGTERM, SIGINT). */
    @FunctionalInterface
    interface Termination {
        /** Registers {@code r}; closing the result unregisters it. */
        AutoCloseable onTerminate(Runnable r);
    }

    /** A JVM shutdown hook: the JVM runs it on SIGTERM and waits for it to finish. */
    static final Termination SHUTDOWN_HOOK = r -> {
        Thread t = Thread.ofPlatform().name("wgdesk-helper-stop").unstarted(r);
        Runtime.getRuntime().addShutdownHook(t);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(t);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        };
    };

    private final MacTunnel.Runner runner;
    private final Path root;
    private final Termination termination;

    /** launchd on this Mac. */
    public MacServiceRegistration() {
        this(new ProcessRunner(60), Path.of("/"), SHUTDOWN_HOOK);
    }

    /**
     * @param runner      runs launchctl
     * @param root        prefix of every file path ({@code /} outside tests)
     * @param termination how termination is noticed
     */
    MacServiceRegistration(MacTunnel.Runner runner, Path root, Termination termination) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.root = Objects.requireNonNull(root, "root");
        this.termination = Objects.requireNonNull(termination, "termination");
    }

    @Override
    public String howToStart() {
        return "sudo launchctl kickstart system/" + LABEL;
    }

    @Override
    public String serviceName() {
        return LABEL;
    }

    /** {@code path} under the root directory. */
    private Path under(Path path) {
        return root.resolve(Path.of("/").relativize(path));
    }

    /**
     * The LaunchDaemon's plist for the helper launcher {@code executable}: the arguments give the
     * socket, state directory and policy file explicitly (the same paths as {@link MacHelperPlatform}).
     */
    public static String plist(Path executable) {
        return job(executable).text();
    }

    private static LaunchdPlist job(Path executable) {
        return new LaunchdPlist(2)
                .string("Label", LABEL)
                .strings("ProgramArguments", List.of(executable.toString(), "helper",
                        "--socket", MacHelperPlatform.SOCKET.toString(),
                        "--state-dir", MacHelperPlatform.STATE_DIRECTORY.toString(),
                        "--policy", MacHelperPlatform.POLICY_FILE.toString()))
                .string("UserName", "root")
                .string("GroupName", "wheel")
                .bool("RunAtLoad", true)
                .bool("KeepAlive", true)
                .integer("ThrottleInterval", 5)
                .integer("ExitTimeOut", 30)
                .integer("Umask", 63)
                .string("StandardOutPath", LOG.toString())
                .string("StandardErrorPath", LOG.toString());
    }

    @Override
    public void install(Path executable) throws IOException {
        if (!executable.isAbsolute()) {
            throw new IOException("the helper launcher must be an absolute path, not " + executable);
        }
        Path plist = under(PLIST);
        job(executable).write(plist, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(under(LOG.getParent()));
        Path state = under(MacHelperPlatform.STATE_DIRECTORY);
        Files.createDirectories(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        runner.run(List.of("launchctl", "bootout", "system/" + LABEL)); // an older copy, if loaded
        check(List.of("launchctl", "bootstrap", "system", plist.toString()));
    }

    @Override
    public void uninstall() throws IOException {
        MacTunnel.Result r = runner.run(List.of("launchctl", "bootout", "system/" + LABEL));
        if (r.exitCode() != 0 && !notLoaded(r)) {
            throw failed(List.of("launchctl", "bootout", "system/" + LABEL), r);
        }
        Files.deleteIfExists(under(PLIST));
    }

    @Override
    public boolean isInstalled() throws IOException {
        List<String> argv = List.of("launchctl", "print", "system/" + LABEL);
        MacTunnel.Result r = runner.run(argv);
        if (r.exitCode() == 0) {
            return true;
        }
        if (notLoaded(r)) {
            return false;
        }
        throw failed(argv, r);
    }

    /**
     * launchctl's answers for a label it does not know: {@code print} exits 113 ("Could not find
     * service"), {@code bootout} exits 3 ("No such process") or 113, depending on the release.
     */
    private static boolean notLoaded(MacTunnel.Result r) {
        String text = r.stdout() + r.stderr();
        return r.exitCode() == 113 || r.exitCode() == 3 || text.contains("Could not find service")
                || text.contains("No such process");
    }

    @Override
    public void run(Body body) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        AutoCloseable registration = termination.onTerminate(() -> {
            if (stopping.compareAndSet(false, true)) {
                try {
                    body.stop();
                } finally {
                    stopped.countDown();
                }
            }
        });
        try {
            body.start();
        } catch (Exception | Error e) {
            registration.close();
            throw e;
        }
        stopped.await();
    }

    private void check(List<String> argv) throws IOException {
        MacTunnel.Result r = runner.run(argv);
        if (r.exitCode() != 0) {
            throw failed(argv, r);
        }
    }

    private static IOException failed(List<String> argv, MacTunnel.Result r) {
        String err = (r.stderr() + " " + r.stdout()).strip();
        return new IOException(String.join(" ", argv) + " failed (exit " + r.exitCode() + ")"
                + (err.isEmpty() ? "" : ": " + err));
    }
}
