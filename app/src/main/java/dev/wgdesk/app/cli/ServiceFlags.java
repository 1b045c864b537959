package dev.wgdesk.app.cli;

import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.ServiceRegistration;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The launcher flags that register the helper with the OS's service manager, as the Windows
 * installer runs them (as SYSTEM): {@code --install-service} and {@code --uninstall-service}.
 * Platform-neutral: the work is {@link HelperPlatform#current()}'s {@link ServiceRegistration}.
 */
public final class ServiceFlags {
    public static final String INSTALL = "--install-service";
    public static final String UNINSTALL = "--uninstall-service";

    private ServiceFlags() {}

    /** Whether {@code args} is one of the flags (alone). */
    public static boolean matches(List<String> args) {
        return args.size() == 1 && (args.get(0).equals(INSTALL) || args.get(0).equals(UNINSTALL));
    }

    /**
     * Runs the flag and returns the exit code: 0 done, 1 failed (the reason on {@code err}), 2
     * when no helper platform for this OS is on the class path.
     *
     * @param executable the launcher to register (the running one)
     */
    public static int run(List<String> args, Optional<HelperPlatform> platform, Path executable, PrintStream out,
                          PrintStream err) {
        if (!matches(args)) {
            err.println("usage: " + INSTALL + " | " + UNINSTALL);
            return 2;
        }
        if (platform.isEmpty()) {
            err.println("no helper platform for " + System.getProperty("os.name") + " on the class path");
            return 2;
        }
        ServiceRegistration reg = platform.get().serviceRegistration();
        try {
            if (args.get(0).equals(INSTALL)) {
                reg.install(executable);
                out.println("installed and started the service " + reg.serviceName() + " (" + executable + ")");
            } else {
                reg.uninstall();
                out.println("stopped and removed the service " + reg.serviceName());
            }
            return 0;
        } catch (Exception e) {
            err.println(args.get(0) + " failed: " + e.getMessage());
            return 1;
        }
    }

    /** The running launcher: the process's own executable. */
    public static Path currentExecutable() {
        return Path.of(ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("cannot tell which executable is running")));
    }
}
