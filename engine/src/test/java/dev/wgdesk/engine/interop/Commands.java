package dev.wgdesk.engine.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external commands with a bounded wait, capturing stdout and stderr together. */
final class Commands {
    /** Default bound for one command (ip, wg, ping). */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private Commands() {}

    /** The outcome of one command; {@code output} is stdout and stderr merged. */
    record Result(List<String> command, int exit, String output) {
        boolean ok() {
            return exit == 0;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exit + (output.isBlank() ? "" : ":\n" + output.strip());
        }
    }

    static Result run(String... command) throws IOException, InterruptedException {
        return run(DEFAULT_TIMEOUT, null, List.of(command));
    }

    /**
     * Runs {@code command}, writes {@code stdin} (may be null) to it and waits at most
     * {@code timeout}; a command that overruns is killed and reported as an {@link AssertionError}.
     */
    static Result run(Duration timeout, String stdin, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("wgdesk-interop-", ".out");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // the command exited without reading its input; its exit code tells why
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                throw new AssertionError("command timed out after " + timeout + ": " + String.join(" ", command));
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Runs a command that must succeed; throws with its output otherwise. */
    static Result check(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (!r.ok()) {
            throw new IllegalStateException("command failed: " + r);
        }
        return r;
    }

    /** Like {@link #check(String...)}, feeding {@code stdin}; the input (a key) is never echoed. */
    static Result checkWithInput(String stdin, String... command) throws IOException, InterruptedException {
        Result r = run(DEFAULT_TIMEOUT, stdin, List.of(command));
        if (!r.ok()) {
            throw new IllegalStateException("command failed: " + r);
        }
        return r;
    }

    /** The absolute path of executable {@code name} in PATH (or /usr/sbin, /sbin), or null. */
    static String locate(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toAbsolutePath().toString();
            }
        }
        return null;
    }
}
