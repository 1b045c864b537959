package dev.wgdesk.app.engine;

import dev.wgdesk.engine.platform.UapiSocket;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Daemon mode without {@code fork(2)}: the JVM starts a second copy of itself in the foreground
 * (same java, JVM options and class path, {@code --foreground}, {@code WG_PROCESS_FOREGROUND=1},
 * working directory {@code /}),
 * detached from the terminal's session with {@code setsid} when it is installed, waits until the
 * interface and its UAPI socket exist, and exits 0; or reports the child's error and exits 1.
 * This is what {@code wg-quick} expects of {@code wireguard-go}.
 *
 * <p>The child tells this process its interface's real name (on macOS the {@code utunN} the
 * kernel picked for {@code utun}) once its UAPI socket listens, by writing it to a private file
 * ({@link #READY_FILE_ENV}); this process then checks that {@code REAL.sock} accepts connections
 * (and on Linux that the interface exists) before it returns 0.
 *
 * <p>macOS has no {@code setsid} command, so there the child stays in the caller's session, as
 * wireguard-go's own child does on every OS (it starts its child without a new session).
 *
 * <p>Output: as in wireguard-go, a child started with {@code LOG_LEVEL} set (and not
 * {@code silent}) keeps the caller's stdout and stderr; otherwise its output is discarded once it
 * is running, and only its start-up errors are shown (through a private temporary file).
 */
final class Daemon {
    /** Set for the child when it should log only until it is running. */
    static final String STARTUP_LOG_ONLY_ENV = "WGDESK_ENGINE_STARTUP_LOG_ONLY";
    /** wireguard-go's variable: run in the foreground. */
    static final String FOREGROUND_ENV = "WG_PROCESS_FOREGROUND";
    /**
     * Set for the child: a file, in a directory only this process's user can enter, to which the
     * child writes its interface's real name and a line end once its UAPI socket listens.
     */
    static final String READY_FILE_ENV = "WGDESK_ENGINE_READY_FILE";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 50;
    private static final int MAX_ERROR_OUTPUT = 64 * 1024;

    private Daemon() {}

    /**
     * Starts the engine for {@code interfaceName} in a detached child and waits until it runs.
     *
     * @param inheritOutput whether the child keeps this process's stdout and stderr
     * @param err where this process reports failures
     * @param os whose rules apply (on Linux the interface must also show in /proc/self/net/dev)
     * @param mainClass what the child runs: {@link EngineMain}, or a test's main with a simulated TUN
     * @return the exit status for this process: 0 when the child runs, 1 otherwise
     */
    static int launch(String interfaceName, Path socketDirectory, boolean inheritOutput, PrintStream err, HostOs os,
            Class<?> mainClass) throws InterruptedException {
        Path socket = UapiSocket.socketPath(socketDirectory, interfaceName);
        if (UapiSocket.isListening(socket)) {
            error(err, interfaceName, "Failed to listen on uapi socket: unix socket in use: " + socket);
            return 1;
        }
        Path errorLog = null;
        Path readyDir;
        try {
            readyDir = Files.createTempDirectory("wgdesk-engine-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            error(err, interfaceName, "Failed to start the engine process: " + e.getMessage());
            return 1;
        }
        Path readyFile = readyDir.resolve("ready");
        Process child;
        try {
            ProcessBuilder pb = new ProcessBuilder(command(interfaceName, mainClass)).directory(new File("/"));
            pb.environment().put(FOREGROUND_ENV, "1");
            pb.environment().put(READY_FILE_ENV, readyFile.toString());
            String nameFile = pb.environment().get(EngineMain.TUN_NAME_FILE_ENV);
            if (nameFile != null && !nameFile.isEmpty()) { // the child runs in "/": keep a relative path's meaning
                pb.environment().put(EngineMain.TUN_NAME_FILE_ENV, Path.of(nameFile).toAbsolutePath().toString());
            }
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (inheritOutput) {
                pb.environment().remove(STARTUP_LOG_ONLY_ENV);
                pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
                pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            } else {
                errorLog = Files.createTempFile("wgdesk-engine-", ".log",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                pb.environment().put(STARTUP_LOG_ONLY_ENV, "1");
                pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
                pb.redirectError(ProcessBuilder.Redirect.appendTo(errorLog.toFile()));
            }
            child = pb.start();
        } catch (IOException e) {
            error(err, interfaceName, "Failed to start the engine process: " + e.getMessage());
            deleteQuietly(errorLog);
            deleteTree(readyDir);
            return 1;
        }
        try {
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            while (true) {
                if (!child.isAlive()) {
                    copyErrors(errorLog, err);
                    if (errorLog == null || child.exitValue() == 0) {
                        error(err, interfaceName, "The engine process exited with status " + child.exitValue());
                    }
                    return 1;
                }
                if (running(readyFile, socketDirectory, os)) {
                    return 0;
                }
                if (System.nanoTime() - deadline > 0) {
                    kill(child);
                    copyErrors(errorLog, err);
                    error(err, interfaceName, "The engine did not start within " + STARTUP_TIMEOUT.toSeconds() + " seconds; stopped it");
                    return 1;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } finally {
            deleteQuietly(errorLog);
            deleteTree(readyDir);
        }
    }

    /**
     * True once the child has written its interface's real name to {@code readyFile}, that
     * interface's UAPI socket accepts connections and, on Linux, the interface exists. (On macOS
     * {@link NetworkInterface} may not list a utun without addresses; the child wrote the file
     * only after creating it.)
     */
    static boolean running(Path readyFile, Path socketDirectory, HostOs os) {
        String real = readReadyFile(readyFile);
        if (real == null) {
            return false;
        }
        return (os != HostOs.LINUX || interfaceExists(real))
                && UapiSocket.isListening(UapiSocket.socketPath(socketDirectory, real));
    }

    /** The valid interface name in {@code readyFile}, or null if there is none (yet). */
    static String readReadyFile(Path readyFile) {
        try {
            String s = Files.readString(readyFile, StandardCharsets.US_ASCII);
            if (!s.endsWith("\n")) {
                return null;
            }
            String name = s.substring(0, s.length() - 1);
            return InterfaceName.isValid(name) ? name : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Writes {@code interfaceName} and a line end to {@code readyFile}: a temporary file, then a rename. */
    static void writeReadyFile(Path readyFile, String interfaceName) throws IOException {
        Path temp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
        Files.writeString(temp, interfaceName + "\n", StandardCharsets.US_ASCII);
        Files.move(temp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        for (String f : List.of("ready", "ready.tmp")) {
            deleteQuietly(dir.resolve(f));
        }
        deleteQuietly(dir);
    }

    private static void error(PrintStream err, String interfaceName, String message) {
        err.println(EngineLog.format(interfaceName, Level.SEVERE, LocalDateTime.now(), message));
        err.flush();
    }

    /** The command that runs this program in the foreground with the same JVM and class path. */
    static List<String> command(String interfaceName) {
        return command(interfaceName, EngineMain.class);
    }

    /** The command that runs {@code mainClass} in the foreground with the same JVM and class path. */
    static List<String> command(String interfaceName, Class<?> mainClass) {
        List<String> cmd = new ArrayList<>();
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                cmd.add(setsid);
                cmd.add("--wait"); // if setsid must fork, it still reports the engine's exit
                break;
            }
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(absoluteClassPath()); // the child runs in "/"
        cmd.add(mainClass.getName());
        cmd.add("--foreground");
        cmd.add(interfaceName);
        return cmd;
    }

    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(Path.of(e).toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * True if the interface exists in this process's network namespace. Reads
     * {@code /proc/self/net/dev}, which lists every interface, unlike {@link NetworkInterface},
     * which misses interfaces without addresses.
     */
    static boolean interfaceExists(String name) {
        Path dev = Path.of("/proc/self/net/dev");
        if (Files.isReadable(dev)) {
            try {
                for (String line : Files.readAllLines(dev, StandardCharsets.US_ASCII)) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                // fall through
            }
        }
        try {
            return NetworkInterface.getByName(name) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static void kill(Process child) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(child.descendants().toList());
        all.add(child.toHandle());
        all.forEach(ProcessHandle::destroy);
        if (!child.waitFor(3, TimeUnit.SECONDS)) {
            all.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static void copyErrors(Path log, PrintStream err) {
        if (log == null) {
            return;
        }
        try (InputStream in = Files.newInputStream(log)) {
            byte[] b = in.readNBytes(MAX_ERROR_OUTPUT);
            if (b.length > 0) {
                err.print(new String(b, StandardCharsets.UTF_8));
                err.flush();
            }
        } catch (IOException e) {
            // nothing more to show
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temporary file
            }
        }
    }
}
