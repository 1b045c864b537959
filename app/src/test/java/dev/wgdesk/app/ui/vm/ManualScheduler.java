package dev.wgdesk.app.ui.vm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link Scheduler} whose tasks run only when the test says so. */
public final class ManualScheduler implements Scheduler {
    /** A scheduled task. */
    public static final class Task {
        final Runnable run;
        final Duration delay;
        boolean cancelled;

        Task(Runnable run, Duration delay) {
            this.run = run;
            this.delay = delay;
        }

        /** The delay it was scheduled with. */
        public Duration delay() {
            return delay;
        }
    }

    private final List<Task> pending = new ArrayList<>();

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        Task t = new Task(task, delay);
        pending.add(t);
        return () -> t.cancelled = true;
    }

    /** Tasks scheduled and not yet run or cancelled. */
    public List<Task> pending() {
        pending.removeIf(t -> t.cancelled);
        return List.copyOf(pending);
    }

    /** Runs (and removes) every pending task with this delay; returns how many ran. */
    public int runAll(Duration delay) {
        int n = 0;
        for (Task t : pending()) {
            if (t.delay.equals(delay)) {
                pending.remove(t);
                t.run.run();
                n++;
            }
        }
        return n;
    }
}
