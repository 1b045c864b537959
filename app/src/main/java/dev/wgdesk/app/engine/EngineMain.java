package dev.wgdesk.app.engine;

import dev.wgdesk.engine.platform.UapiSocket;
import dev.wgdesk.engine.tun.TunProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Entry point of {@code wgdesk-engine}, a drop-in replacement for {@code wireguard-go}:
 * <pre>
 * wgdesk-engine [-f|--foreground] INTERFACE
 * wgdesk-engine --version | --help
 * </pre>
 * Creates the TUN interface, runs the WireGuard device on it, and serves the UAPI socket
 * {@code /var/run/wireguard/INTERFACE.sock} for {@code wg} and {@code wg-quick}. Without
 * {@code -f} (and without {@code WG_PROCESS_FOREGROUND=1}) it starts itself in the background and
 * returns once the interface is ready: the launcher script does that with one JVM (it starts this
 * class in the foreground and waits for {@link #READY_FIFO_ENV}); run directly, {@link Daemon}
 * starts a second JVM. {@code LOG_LEVEL=verbose|error|silent} selects the log
 * level (default {@code error}); log lines go to standard error.
 *
 * <p>Exit status: 0 after a clean shutdown (interface deleted, socket removed, SIGINT) or a
 * successful daemon start; 1 on usage errors and start-up failures. SIGTERM and SIGINT shut the
 * engine down cleanly through a shutdown hook (the JVM then reports 128 + signal).
 */
public final class EngineMain {
    /**
     * Set by the launcher script ({@code bin/wgdesk-engine}) when it starts the engine in daemon
     * mode itself (one JVM instead of two): a FIFO to which the engine writes a line once it is
     * ready; the launcher then returns 0.
     */
    static final String READY_FIFO_ENV = "WGDESK_ENGINE_READY_FIFO";

    private EngineMain() {}

    public static void main(String[] args) throws InterruptedException {
        skipJnaLibrarySearchPath();
        int status = run(List.of(args), System.out, System.err);
        System.exit(status);
    }

    /**
     * The engine loads one native library through JNA, the C library, which JNA takes from the
     * process itself (already loaded, found without a search). Without {@code
     * jna.platform.library.path} JNA's first use on Linux computes a search path for other
     * libraries by running {@code ldconfig -p} in a child process (a fork and exec at every start, 10-30 ms,
     * and a "process reaper" thread that stays): an empty path skips that. A path given on the
     * command line is kept. The helper and the CLI ({@code wgdesk}) load only the C library too on
     * Linux and call this as well.
     */
    public static void skipJnaLibrarySearchPath() {
        if (System.getProperty(JNA_PLATFORM_LIBRARY_PATH) == null) {
            System.setProperty(JNA_PLATFORM_LIBRARY_PATH, "");
        }
    }

    static final String JNA_PLATFORM_LIBRARY_PATH = "jna.platform.library.path";

    /**
     * wireguard-go's variable on macOS: where to write the name of the {@code utunN} the kernel
     * picked when the interface name given is {@code utun}. wg-quick's darwin.bash sets it to
     * {@code /var/run/wireguard/<config name>.name} and reads it back.
     */
    static final String TUN_NAME_FILE_ENV = "WG_TUN_NAME_FILE";

    /** Runs the command line; returns the exit status. */
    static int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        return run(args, out, err, HostOs.current());
    }

    /** Runs the command line with the rules of {@code os}; returns the exit status. */
    static int run(List<String> args, PrintStream out, PrintStream err, HostOs os) throws InterruptedException {
        return run(args, out, err, os, null, EngineMain.class);
    }

    /**
     * Runs the command line with the rules of {@code os}, creating the interface with {@code tuns}
     * (null: the {@link TunProvider} found for this OS); daemon mode starts {@code mainClass} in
     * the child JVM. Tests pass a simulated provider and their own main class.
     */
    static int run(List<String> args, PrintStream out, PrintStream err, HostOs os, TunProvider tuns,
            Class<?> mainClass) throws InterruptedException {
        CommandLine cl = CommandLine.parse(args, os);
        // instanceof rather than a pattern switch: a pattern switch's class is generated at run time
        // (SwitchBootstraps, with the class-file API) at every start, also with an AOT cache.
        if (cl instanceof CommandLine.Run r) {
            String logLevelEnv = System.getenv("LOG_LEVEL");
            LogLevel level = LogLevel.fromEnvironment(logLevelEnv);
            boolean foreground = r.foreground() || "1".equals(System.getenv(Daemon.FOREGROUND_ENV));
            if (!foreground) {
                EngineLog.install(r.interfaceName(), level, err);
                boolean inherit = logLevelEnv != null && level != LogLevel.SILENT;
                return Daemon.launch(r.interfaceName(), UapiSocket.DEFAULT_DIRECTORY, inherit, err, os, mainClass);
            }
            return runForeground(r.interfaceName(), level, err, os, tuns);
        }
        if (cl instanceof CommandLine.Version) {
            out.println(versionText());
            return 0;
        }
        if (cl instanceof CommandLine.Help) {
            out.println(CommandLine.USAGE);
            out.println();
            out.println(helpText());
            return 0;
        }
        CommandLine.Invalid inv = (CommandLine.Invalid) cl; // the last kind of the sealed CommandLine
        err.println("wgdesk-engine: " + inv.message());
        err.println(CommandLine.USAGE);
        return 1;
    }

    private static int runForeground(String name, LogLevel level, PrintStream err, HostOs os, TunProvider tuns)
            throws InterruptedException {
        EngineLog.install(name, level, err);
        System.Logger log = System.getLogger(EngineMain.class.getName());
        log.log(Level.DEBUG, "Starting wgdesk-engine version {0}", version());
        String readyFifo = System.getenv(READY_FIFO_ENV);
        if (readyFifo != null) { // started by the launcher script in daemon mode: as Daemon.launch
            Path socket = UapiSocket.socketPath(UapiSocket.DEFAULT_DIRECTORY, name);
            if (UapiSocket.isListening(socket)) {
                log.log(Level.ERROR, "Failed to listen on uapi socket: unix socket in use: " + socket);
                return 1;
            }
        }
        String nameFile = os == HostOs.MACOS ? System.getenv(TUN_NAME_FILE_ENV) : null;
        Engine engine;
        try {
            engine = Engine.start(name, UapiSocket.DEFAULT_DIRECTORY, os,
                    nameFile == null || nameFile.isEmpty() ? null : Path.of(nameFile), tuns);
        } catch (Engine.StartupException e) {
            log.log(Level.ERROR, e.getMessage());
            return 1;
        }
        if (!engine.name().equals(name)) {
            log.log(Level.DEBUG, "Interface {0} is {1}", name, engine.name());
            EngineLog.setInterfaceName(engine.name());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            engine.requestStop("received a signal");
            engine.close();
        }, "wgdesk-engine-shutdown"));
        if ("1".equals(System.getenv(Daemon.STARTUP_LOG_ONLY_ENV))) {
            EngineLog.setLevel(LogLevel.SILENT); // as wireguard-go's detached child without LOG_LEVEL
        }
        if (readyFifo != null) {
            signalReady(Path.of(readyFifo));
        }
        String readyFile = System.getenv(Daemon.READY_FILE_ENV);
        if (readyFile != null && !readyFile.isEmpty()) { // started by Daemon.launch
            try {
                Daemon.writeReadyFile(Path.of(readyFile), engine.name());
            } catch (IOException e) {
                log.log(Level.ERROR, "Failed to tell the starting process that the engine runs: " + e.getMessage());
                engine.close();
                return 1;
            }
        }
        String reason = engine.awaitStop();
        log.log(Level.DEBUG, "Shutting down: {0}", reason);
        engine.close();
        return 0;
    }

    /**
     * Tells the launcher that started this engine in daemon mode that the interface and its UAPI
     * socket are ready: writes a line to its FIFO. On a daemon thread, since opening a FIFO blocks
     * until it has a reader, and a launcher killed meanwhile must not keep the engine from
     * stopping.
     */
    private static void signalReady(Path fifo) {
        Thread.ofPlatform().daemon().name("wgdesk-engine-ready").stackSize(64 * 1024).start(() -> {
            try (OutputStream o = Files.newOutputStream(fifo, StandardOpenOption.WRITE)) {
                o.write("ready\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the launcher is gone: nobody to tell
            }
        });
    }

    /** The implementation version from the jar manifest, or "development". */
    static String version() {
        String v = EngineMain.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /**
     * Which runtime this engine runs on: "native image" in a GraalVM native image (the builder
     * sets {@code org.graalvm.nativeimage.imagecode} to "runtime" in the image), else the JVM's
     * name ("OpenJDK 64-Bit Server VM" for HotSpot).
     */
    static String runtimeKind() {
        if ("runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"))) {
            return "native image";
        }
        return "JVM: " + System.getProperty("java.vm.name", "unknown");
    }

    static String versionText() {
        return "wgdesk-engine v" + version() + "\n\n"
                + "Userspace WireGuard daemon (pure Java) for " + System.getProperty("os.name").toLowerCase()
                + "-" + System.getProperty("os.arch") + ", Java " + Runtime.version() + ", " + runtimeKind() + ".\n"
                + "A drop-in replacement for wireguard-go, configured with wg(8) and wg-quick(8).";
    }

    private static String helpText() {
        return """
                Runs a WireGuard interface in user space, configured through
                /var/run/wireguard/INTERFACE-NAME.sock with wg(8) and wg-quick(8).

                  -f, --foreground   stay in the foreground (also: WG_PROCESS_FOREGROUND=1)
                      --version      print the version and exit
                      --help         print this help and exit

                On macOS the interface name must be utun (the kernel picks utunN; its name is
                written to the file WG_TUN_NAME_FILE names, if set) or utunN; the socket is
                /var/run/wireguard/utunN.sock.

                Environment:
                  LOG_LEVEL=verbose|error|silent   log level (default: error), to standard error
                  WGDESK_ENGINE_OPTS               extra JVM options for the launcher script
                  JAVA_HOME                        the JDK 25 to run on""";
    }
}
