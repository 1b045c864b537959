package dev.wgdesk.app.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Delayed tasks that run only when a test says so (virtual time): the test sees each task's delay
 * and runs it. Behind the test schedulers of the UI view models and of the helper's on-demand, so
 * neither package depends on the other's tests.
 */
public final class ManualTasks {
    /** A scheduled task. */
    public static final class Task {
        private final Runnable run;
        private final Duration delay;
        private volatile boolean cancelled;

        private Task(Runnable run, Duration delay) {
            this.run = run;
            this.delay = delay;
        }

        /** The delay it was scheduled with. */
        public Duration delay() {
            return delay;
        }
    }

    private final List<Task> pending = new ArrayList<>();

    /** Schedules {@code task} after {@code delay}; returns what cancels it (if it has not run yet). */
    public synchronized Runnable add(Runnable task, Duration delay) {
        Task t = new Task(task, delay);
        pending.add(t);
        return () -> t.cancelled = true;
    }

    /** Tasks scheduled and not yet run or cancelled, in the order they were scheduled. */
    public synchronized List<Task> pending() {
        pending.removeIf(t -> t.cancelled);
        return List.copyOf(pending);
    }

    /**
     * Runs (and removes) every pending task with this delay, in order; one cancelled meanwhile by
     * another is skipped, one scheduled meanwhile waits. Returns how many ran.
     */
    public int runAll(Duration delay) {
        return run(take(delay)).size();
    }

    /** Runs (and removes) every pending task, in order, as {@link #runAll}; returns their delays. */
    public List<Duration> runPending() {
        return run(take(null));
    }

    private synchronized List<Task> take(Duration delay) {
        List<Task> now = new ArrayList<>();
        for (Task t : pending()) {
            if (delay == null || t.delay.equals(delay)) {
                pending.remove(t);
                now.add(t);
            }
        }
        return now;
    }

    private static List<Duration> run(List<Task> tasks) {
        List<Duration> ran = new ArrayList<>();
        for (Task t : tasks) {
            if (!t.cancelled) {
                ran.add(t.delay);
                t.run.run();
            }
        }
        return ran;
    }
}
