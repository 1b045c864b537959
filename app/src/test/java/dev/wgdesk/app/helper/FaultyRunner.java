package dev.wgdesk.app.helper;

import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.CommandException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A {@link Command.Runner} for the real backend's unhappy paths: it runs every program for real
 * ({@link Command#SYSTEM}) except the one a test chose to fail (once, with exit code 1 and
 * "injected failure" on standard error, as a failing {@code ip} would), can hide installed tools
 * from the backend's detection, and can stand in for a program the machine lacks (answering 0).
 * It records every command it was asked to run. Thread-safe.
 */
final class FaultyRunner implements Command.Runner {
    private final List<List<String>> ran = new ArrayList<>();
    private final Set<String> hidden = ConcurrentHashMap.newKeySet();
    private final Set<String> standIns = ConcurrentHashMap.newKeySet();
    private Predicate<List<String>> failOnce;
    private boolean throwInstead;

    /** The next command matching {@code which} exits 1 instead of running. */
    synchronized void failNext(Predicate<List<String>> which) {
        failOnce = which;
        throwInstead = false;
    }

    /** The next command matching {@code which} cannot even be started (a {@link CommandException}). */
    synchronized void cannotStartNext(Predicate<List<String>> which) {
        failOnce = which;
        throwInstead = true;
    }

    /** True if the failure set with {@link #failNext} has not happened yet. */
    synchronized boolean failurePending() {
        return failOnce != null;
    }

    /** Detection no longer sees {@code program} (as if it were not installed); it still runs if called. */
    void hide(String program) {
        hidden.add(program);
    }

    /** Shows {@code program} again. */
    void unhide(String program) {
        hidden.remove(program);
    }

    /** {@code program} counts as installed and every call of it succeeds without running anything. */
    void standIn(String program) {
        standIns.add(program);
    }

    /** Every command asked for so far, in order. */
    synchronized List<List<String>> ran() {
        return List.copyOf(ran);
    }

    /** Forgets the recorded commands. */
    synchronized void clearRecord() {
        ran.clear();
    }

    @Override
    public Command.Result run(List<String> argv, String stdin, Map<String, String> env, long timeoutSeconds)
            throws CommandException {
        synchronized (this) {
            ran.add(List.copyOf(argv));
            if (failOnce != null && failOnce.test(argv)) {
                failOnce = null;
                if (throwInstead) { // what a program that cannot be started gives: a CommandException
                    Command.SYSTEM.run(List.of("/nonexistent/injected-failure"), null, Map.of(), 5);
                    throw new AssertionError("/nonexistent/injected-failure ran");
                }
                return new Command.Result(1, "", "injected failure");
            }
        }
        if (standIns.contains(argv.getFirst())) {
            return new Command.Result(0, "", "");
        }
        return Command.SYSTEM.run(argv, stdin, env, timeoutSeconds);
    }

    /**
     * The rtnetlink route look-up counts as the {@code ip route get DEST} it stands for: recorded;
     * an injected failure matching that command makes it fail as that command would (cannot start:
     * a {@link CommandException}; exits 1: no route, 0).
     */
    @Override
    public int pathMtu(InetAddress destination) throws CommandException {
        List<String> argv = List.of("ip", "route", "get", destination.getHostAddress());
        synchronized (this) {
            ran.add(argv);
            if (failOnce != null && failOnce.test(argv)) {
                failOnce = null;
                if (throwInstead) {
                    Command.SYSTEM.run(List.of("/nonexistent/injected-failure"), null, Map.of(), 5);
                    throw new AssertionError("/nonexistent/injected-failure ran");
                }
                return 0;
            }
        }
        return Command.Runner.super.pathMtu(destination);
    }

    @Override
    public boolean onPath(String program) {
        if (hidden.contains(program)) {
            return false;
        }
        return standIns.contains(program) || Command.SYSTEM.onPath(program);
    }

    /** A predicate matching commands that start with {@code prefix}. */
    static Predicate<List<String>> startsWith(String... prefix) {
        List<String> p = List.of(prefix);
        return argv -> argv.size() >= p.size() && argv.subList(0, p.size()).equals(p);
    }

    /** A predicate matching commands that contain every one of {@code words}. */
    static Predicate<List<String>> contains(String... words) {
        return argv -> argv.containsAll(List.of(words));
    }
}
