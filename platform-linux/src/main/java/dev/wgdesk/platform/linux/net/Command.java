package dev.wgdesk.platform.linux.net;

import dev.wgdesk.platform.linux.RouteLookup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an external program (no shell) with a time limit, feeding optional standard input and
 * collecting standard output and error; a non-zero exit is a {@link CommandException} carrying
 * the command line and what it printed. Thread-safe (stateless).
 */
public final class Command {
    /** What a finished command printed. */
    public record Result(int exitCode, String stdout, String stderr) {}

    /** Default time limit for {@code ip} and friends. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 20;
    private static final int MAX_OUTPUT = 1 << 20;

    /**
     * How {@link LinuxTunnel} runs programs and looks them up: {@link #SYSTEM} in the helper; the
     * helper's tests put a runner in between to make one chosen step fail (fault injection) or
     * to hide a tool, and check that everything done before it was undone.
     */
    public interface Runner {
        /** As {@link Command#run(List, String, Map, long)}. */
        Result run(List<String> argv, String stdin, Map<String, String> env, long timeoutSeconds) throws CommandException;

        /** True if {@code program} is an executable in a directory of {@code PATH}. */
        default boolean onPath(String program) {
            return Dns.onPath(program);
        }

        /**
         * The MTU of the path towards {@code destination} as wg-quick reads it from {@code ip route
         * get} (and {@code ip link show}): the route's MTU, else its output interface's; 0 without
         * a route. Asked of the kernel over rtnetlink ({@link RouteLookup}) rather than by running
         * {@code ip}: two forks fewer before the first handshake. A failure names the {@code ip
         * route get} command it stands for.
         */
        default int pathMtu(InetAddress destination) throws CommandException {
            try {
                return RouteLookup.pathMtu(destination);
            } catch (IOException | RuntimeException e) {
                throw new CommandException(List.of("ip", "route", "get", destination.getHostAddress()),
                        "rtnetlink route look-up failed: " + e.getMessage());
            }
        }

        /** Runs {@code argv} with the default time limit; throws unless it exits 0; returns its output. */
        default String check(List<String> argv) throws CommandException {
            Result r = run(argv, null, Map.of(), DEFAULT_TIMEOUT_SECONDS);
            if (r.exitCode() != 0) {
                throw new CommandException(argv, r);
            }
            return r.stdout();
        }
    }

    /** Runs programs on this system. */
    public static final Runner SYSTEM = Command::run;

    private Command() {}

    /** Runs {@code argv}; throws unless it exits 0. Returns its standard output. */
    public static String check(List<String> argv) throws CommandException {
        Result r = run(argv, null, Map.of(), DEFAULT_TIMEOUT_SECONDS);
        if (r.exitCode() != 0) {
            throw new CommandException(argv, r);
        }
        return r.stdout();
    }

    /** {@link #check(List)} with varargs. */
    public static String check(String... argv) throws CommandException {
        return check(List.of(argv));
    }

    /**
     * Runs {@code argv} and returns how it ended, whatever the exit code.
     *
     * @param stdin   text for standard input, or null for none
     * @param env     extra environment variables
     * @throws CommandException if it cannot be started or does not finish in time (it is killed)
     */
    public static Result run(List<String> argv, String stdin, Map<String, String> env, long timeoutSeconds)
            throws CommandException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CommandException(argv, "cannot run " + argv.getFirst() + ": " + e.getMessage());
        }
        // Short-lived platform threads, not virtual ones: in the all-day helper a virtual thread
        // keeps the JDK's scheduler, poller and timer threads alive after the command (issue 13).
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()),
                r -> Thread.ofPlatform().name("wgdesk-cmd-stdout").daemon().start(r));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()),
                r -> Thread.ofPlatform().name("wgdesk-cmd-stderr").daemon().start(r));
        // The input is written on its own thread, so a program that never reads it (a full pipe
        // blocks the writer) is still killed at the time limit, which covers writing too.
        Thread.ofPlatform().name("wgdesk-cmd-stdin").daemon().start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the program did not read its input (or was killed); its exit code tells the rest
            }
        });
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new CommandException(argv, "did not finish within " + timeoutSeconds + " s and was killed");
            }
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandException(argv, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            // A grandchild kept the pipes open; the exit code is all we have.
            return new Result(p.exitValue(), "", "");
        }
    }

    private static String drain(InputStream s) {
        try (s) {
            byte[] all = s.readNBytes(MAX_OUTPUT);
            s.transferTo(OutputStream.nullOutputStream());
            return new String(all, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
