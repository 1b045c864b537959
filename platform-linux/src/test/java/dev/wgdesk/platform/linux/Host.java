package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgdesk.engine.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Test helpers: root checks, running {@code ip}, unique names, waiting for a condition. */
final class Host {
    private static final long PID = ProcessHandle.current().pid();

    private Host() {}

    static boolean isRoot() {
        try {
            return "0".equals(run(false, "id", "-u").strip());
        } catch (IOException e) {
            return false;
        }
    }

    /** Skips the test unless running as root with {@code /dev/net/tun} present. */
    static void assumeTunAvailable() {
        Requirements.require(LibC.isAvailable(), "JNA could not bind libc: skipping");
        Requirements.require(isRoot(), "not root: skipping a test that creates TUN devices (needs root or CAP_NET_ADMIN)");
        Requirements.require(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun missing: skipping TUN test (modprobe tun)");
    }

    /** A name unique to this JVM and {@code tag}: {@code wgd<tag><pid % 1000>}, at most 15 chars. */
    static String uniqueName(String tag) {
        String n = "wgd" + tag + (PID % 1000);
        assertEquals(true, n.length() <= 15, "test name too long: " + n);
        return n;
    }

    /** Runs a command (no shell), fails the test on a non-zero exit, returns stdout. */
    static String run(String... command) throws IOException {
        return run(true, command);
    }

    /** Runs a command; returns stdout, or throws if {@code check} and it failed. */
    static String run(boolean check, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + List.of(command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + List.of(command), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check && p.exitValue() != 0) {
            throw new IOException(List.of(command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** Deletes a link if it exists; never throws (for cleanup). */
    static void deleteLink(String name) {
        try {
            run(false, "ip", "link", "del", name);
        } catch (IOException e) {
            // best effort
        }
    }

    static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    static String sys(String name, String attribute) throws IOException {
        return Files.readString(Path.of("/sys/class/net", name, attribute)).strip();
    }

    /** Polls {@code condition} every 10 ms for up to {@code millis}; returns its last value. */
    static boolean await(long millis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Waits (up to 30 s) until the thread named {@code threadName} (at most 15 characters: the kernel's
     * limit for a thread's name, which the JVM sets) sleeps in a read, receive or poll system call:
     * the event a "a pending read stays pending" check needs, instead of a sleep that lets the check
     * pass when the thread has not even started.
     */
    static void awaitBlockedInKernel(String threadName) throws IOException, InterruptedException {
        // x86_64 and aarch64 numbers: read, pread64, readv, poll, ppoll, recvfrom, recvmsg, recvmmsg, epoll_wait/pwait
        java.util.Set<Integer> waiting = "aarch64".equals(System.getProperty("os.arch"))
                ? java.util.Set.of(63, 67, 65, 73, 207, 212, 243, 22)
                : java.util.Set.of(0, 17, 19, 7, 271, 45, 47, 299, 232, 281);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "not found";
        while (System.nanoTime() < deadline) {
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        if (!Files.readString(task.resolve("comm")).strip().equals(threadName)) {
                            continue;
                        }
                        String stat = Files.readString(task.resolve("stat"));
                        char state = stat.charAt(stat.lastIndexOf(')') + 2);
                        String syscall = Files.readString(task.resolve("syscall")).strip();
                        last = "state " + state + ", syscall " + syscall;
                        String nr = syscall.split(" ")[0];
                        if (state == 'S' && nr.matches("\\d+") && waiting.contains(Integer.parseInt(nr))) {
                            return;
                        }
                    } catch (IOException gone) {
                        // a thread that ended meanwhile
                    }
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("thread " + threadName + " did not block in a read within 30 s (" + last + ")");
    }
}
