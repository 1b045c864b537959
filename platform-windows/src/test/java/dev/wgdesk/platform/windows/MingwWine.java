package dev.wgdesk.platform.windows;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Cross-compiles a C program with mingw-w64 ({@code x86_64-w64-mingw32-gcc}, Debian
 * {@code gcc-mingw-w64-x86-64-win32}) and runs it under Debian's {@code wine64}. A test calling
 * {@link #requireTools()} is skipped, saying which package is missing, where they are not
 * installed ({@code .ci/run} installs both).
 */
final class MingwWine {
    static final String GCC = "x86_64-w64-mingw32-gcc";

    private MingwWine() {}

    static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static Optional<Path> wine() {
        Path debian = Path.of("/usr/lib/wine/wine64"); // Debian 12's wine64 package
        if (Files.isExecutable(debian)) {
            return Optional.of(debian);
        }
        return onPath("wine64").or(() -> onPath("wine"));
    }

    /** Skips the calling test unless both mingw-w64 gcc and wine are installed. */
    static void requireTools() {
        assumeTrue(onPath(GCC).isPresent(),
                "skipped: " + GCC + " is not installed (apt-get install --no-install-recommends gcc-mingw-w64-x86-64-win32)");
        assumeTrue(wine().isPresent(),
                "skipped: wine64 is not installed (apt-get install --no-install-recommends wine64)");
    }

    /** Compiles {@code source} into {@code dir/name.exe}. */
    static Path compile(Path dir, String name, String source, String... libs) throws IOException, InterruptedException {
        Path c = dir.resolve(name + ".c");
        Files.writeString(c, source);
        Path exe = dir.resolve(name + ".exe");
        List<String> cmd = new ArrayList<>(List.of(GCC, "-Wall", "-Werror", "-O0", "-o", exe.toString(), c.toString()));
        cmd.addAll(List.of(libs));
        Result r = run(cmd, dir, 120);
        if (r.exit != 0) {
            throw new AssertionError("mingw-w64 could not compile " + c + ":\n" + r.output);
        }
        return exe;
    }

    /** Runs {@code exe} under wine in a fresh prefix below {@code dir}; returns exit code and output. */
    static Result runUnderWine(Path dir, Path exe) throws IOException, InterruptedException {
        Path prefix = dir.resolve("wineprefix");
        Files.createDirectories(prefix);
        ProcessBuilder pb = new ProcessBuilder(wine().orElseThrow().toString(), exe.getFileName().toString());
        pb.environment().put("WINEPREFIX", prefix.toString());
        pb.environment().put("WINEDEBUG", "-all");
        pb.environment().put("WINEDLLOVERRIDES", "mscoree,mshtml="); // no Mono/Gecko installer prompts
        pb.environment().remove("DISPLAY");
        Result r = run(pb, dir, 300);
        stopServer(prefix, dir);
        return r;
    }

    /** Stops the wineserver of {@code prefix} (it lingers a few seconds after the last process). */
    static void stopServer(Path prefix, Path dir) throws IOException, InterruptedException {
        Optional<Path> server = Optional.of(Path.of("/usr/lib/wine/wineserver64")).filter(Files::isExecutable)
                .or(() -> onPath("wineserver"));
        if (server.isPresent()) {
            ProcessBuilder k = new ProcessBuilder(server.get().toString(), "-k");
            k.environment().put("WINEPREFIX", prefix.toString());
            run(k, dir, 30);
        }
    }

    record Result(int exit, String output) {}

    /** A temporary directory deleted on close without following links (a wine prefix has many). */
    record WorkDir(Path path) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (var walk = Files.walk(path)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static WorkDir workDir() throws IOException {
        return new WorkDir(Files.createTempDirectory("wgdesk-wine"));
    }

    static Result run(List<String> cmd, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        return run(new ProcessBuilder(cmd), dir, timeoutSeconds);
    }

    static Result run(ProcessBuilder pb, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        pb.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(pb.command() + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).replace("\r", ""));
    }
}
