package dev.wgdesk.app.ui.io;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * "Launch an app outside the tunnel…" (Linux): starts {@code wgdesk exclude -- sh -c LINE} with
 * this app's own java and class path, so the launcher JVM has its own pid moved out of the
 * tunnels by the helper and then becomes the shell running the user's command line (as the user:
 * nothing here is privileged). The window only waits a moment to report a launch that failed
 * (no helper, not allowed, command not found); a launch that is still running by then is the
 * user's app.
 */
public final class ExcludedLaunch {
    /** How long a failing launch is waited for (the launcher JVM starts in about a second). */
    public static final Duration FAILURE_WINDOW = Duration.ofSeconds(8);

    private ExcludedLaunch() {}

    /** The launcher's command line: {@code java ... Main --socket SOCKET exclude -- sh -c LINE}. */
    public static List<String> command(String java, String classPath, String socket, String line) {
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath, "dev.wgdesk.app.cli.Main",
                "--socket", socket, "exclude", "--", "sh", "-c", line);
    }

    /** {@link #command} with this JVM's java and class path. */
    public static List<String> command(String socket, String line) {
        return command(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), socket, line);
    }

    /**
     * Starts {@code argv} detached from the window (no input, output discarded, errors to a
     * temporary file) and waits up to {@code window}: returns the launcher's error message if it
     * ended with a failure by then, else null (the app runs, or ended well).
     */
    public static String launch(List<String> argv, Duration window) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("wgdesk-exclude-", ".err");
        try {
            Process p = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(errors.toFile())
                    .start();
            if (!p.waitFor(window.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() == 0) {
                return null;
            }
            String text = Files.readString(errors, StandardCharsets.UTF_8).strip();
            // the launcher's own line ("wgdesk exclude: ...", "wgdesk: ..."), not the JVM's warnings
            String message = text.lines().filter(l -> l.startsWith("wgdesk")).reduce((a, b) -> b).orElse(text);
            return message.isEmpty() ? "exit status " + p.exitValue() : message;
        } finally {
            Files.deleteIfExists(errors); // the launcher holds it open, which is fine on Linux
        }
    }
}
