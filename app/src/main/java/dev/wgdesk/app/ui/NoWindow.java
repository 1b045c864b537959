package dev.wgdesk.app.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns JavaFX's failure to start its windowing toolkit into one line for a person: what is missing
 * and how to get it, instead of a stack trace. The two failures a new user meets on Linux are a
 * machine without GTK 3 (JavaFX: {@code UnsupportedOperationException: Unable to load glass GTK library})
 * and a session without a graphical display ({@code Unable to open DISPLAY}); any other toolkit start
 * failure gets a line with JavaFX's own words. Exceptions thrown by the app's own start-up code are not
 * recognised here (they are bugs and keep their stack trace).
 */
public final class NoWindow {
    /** The exit status of a start that could not open a window: 1, "failed", as the CLI's exit codes have it. */
    public static final int EXIT_STATUS = 1;

    private NoWindow() {}

    /**
     * The line to print when {@code failure} (thrown by {@code Application.launch}) means the toolkit
     * could not start, or empty when it is something else.
     *
     * @param failure   what launch threw
     * @param display   the DISPLAY variable (null when unset)
     * @param osRelease the contents of /etc/os-release (empty when unknown), to name the package manager
     */
    public static Optional<String> explain(Throwable failure, String display, String osRelease) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof UnsupportedOperationException || t instanceof UnsatisfiedLinkError
                    || t instanceof ExceptionInInitializerError) {
                if (m.contains("glass GTK library")) {
                    return Optional.of("wgdesk: cannot open a window: the GTK 3 library is missing (install it: "
                            + gtkInstallCommand(osRelease) + "); the command line works without it: wgdesk --help");
                }
                if (m.contains("DISPLAY")) {
                    String which = display == null || display.isBlank()
                            ? "no graphical display (DISPLAY is not set)"
                            : "cannot connect to the display DISPLAY=" + display;
                    return Optional.of("wgdesk: cannot open a window: " + which
                            + "; start it from a desktop session (on Wayland with XWayland), or use the command"
                            + " line: wgdesk --help");
                }
                if (isToolkitFrame(t)) {
                    return Optional.of("wgdesk: cannot open a window: " + (m.isEmpty() ? t.getClass().getName() : m)
                            + "; the command line works without a window: wgdesk --help");
                }
            }
        }
        return Optional.empty();
    }

    /** {@link #explain(Throwable, String, String)} with this process's environment. */
    public static Optional<String> explain(Throwable failure) {
        String osRelease;
        try {
            osRelease = Files.readString(Path.of("/etc/os-release"));
        } catch (IOException | RuntimeException e) {
            osRelease = "";
        }
        return explain(failure, System.getenv("DISPLAY"), osRelease);
    }

    /** Thrown from the toolkit's start-up (glass, prism, quantum), not from the app's code. */
    private static boolean isToolkitFrame(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        if (st.length == 0) {
            return false;
        }
        String c = st[0].getClassName();
        return c.startsWith("com.sun.glass.") || c.startsWith("com.sun.prism.") || c.startsWith("com.sun.javafx.tk.");
    }

    private static final Map<String, String> GTK_PACKAGE = Map.of(
            "debian", "sudo apt install libgtk-3-0",
            "ubuntu", "sudo apt install libgtk-3-0",
            "fedora", "sudo dnf install gtk3",
            "rhel", "sudo dnf install gtk3",
            "suse", "sudo zypper install libgtk-3-0",
            "arch", "sudo pacman -S gtk3",
            "alpine", "sudo apk add gtk+3.0");

    /** The install command for GTK 3 on the distribution /etc/os-release names (ID, then ID_LIKE). */
    static String gtkInstallCommand(String osRelease) {
        String id = "";
        String like = "";
        for (String line : osRelease.split("\n")) {
            String l = line.strip();
            if (l.startsWith("ID=")) {
                id = unquote(l.substring(3));
            } else if (l.startsWith("ID_LIKE=")) {
                like = unquote(l.substring(8));
            }
        }
        for (String candidate : (id + " " + like).split("\\s+")) {
            String cmd = GTK_PACKAGE.get(candidate.toLowerCase(Locale.ROOT));
            if (cmd != null) {
                return cmd;
            }
            if (candidate.toLowerCase(Locale.ROOT).contains("suse")) {
                return GTK_PACKAGE.get("suse");
            }
        }
        return "the package with libgtk-3.so.0, e.g. sudo apt install libgtk-3-0";
    }

    private static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("\"") || s.startsWith("'")) ? s.substring(1, s.length() - 1) : s;
    }
}
