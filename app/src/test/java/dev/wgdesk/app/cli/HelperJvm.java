package dev.wgdesk.app.cli;

import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.IpcException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the acceptance tests that run the real helper (and the CLI as other users) in JVMs of
 * their own share: the java and class path to start them with, a copy of the class path that
 * every user can read, waiting for the helper's socket, and removing what a test made.
 */
final class HelperJvm {
    private HelperJvm() {}

    /** The class path of the tests (surefire's, else this JVM's). */
    static String classPath() {
        String p = System.getProperty("surefire.test.class.path");
        return p != null && !p.isBlank() ? p : System.getProperty("java.class.path");
    }

    /** The java launcher of this JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Copies the entries of {@link #classPath()} except test classes into {@code dir} (made
     * readable to all: the users the CLI runs as must be able to load the program); returns
     * the class path of the copies.
     */
    static String copyReadableClassPath(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> copied = new ArrayList<>();
        int i = 0;
        for (String entry : classPath().split(File.pathSeparator)) {
            Path src = Path.of(entry);
            if (!Files.exists(src) || entry.contains("test-classes")) {
                continue;
            }
            Path dst = dir.resolve((i++) + "-" + src.getFileName());
            copyReadable(src, dst);
            copied.add(dst.toString());
        }
        return String.join(File.pathSeparator, copied);
    }

    private static void copyReadable(Path src, Path dst) throws IOException {
        if (Files.isDirectory(src)) {
            try (Stream<Path> s = Files.walk(src)) {
                for (Path p : s.toList()) {
                    Path t = dst.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
        } else {
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(dst, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /**
     * Waits until the helper answers on {@code socket}; fails with its {@code log} if it exits
     * or does not answer within {@code seconds}.
     */
    static void awaitSocket(Process helper, Path socket, Path log, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                IpcClient.connect(socket).close();
                return;
            } catch (IpcException e) {
                if (!helper.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the helper did not start: " + Files.readString(log), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Copies the helper's {@code log}, if there is one, to {@code target/keptAs} for diagnosis. */
    static void keepLog(Path log, String keptAs) throws IOException {
        if (Files.exists(log)) {
            Files.copy(log, Path.of("target", keptAs), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes {@code dir} and everything below it (best effort, deepest first). */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }
}
