package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.testsupport.ManualTasks;
import java.time.Duration;
import java.util.List;

/** A {@link Scheduler} whose tasks run only when the test says so. */
public final class ManualScheduler implements Scheduler {
    private final ManualTasks tasks = new ManualTasks();

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        Runnable cancel = tasks.add(task, delay);
        return cancel::run;
    }

    /** Tasks scheduled and not yet run or cancelled. */
    public List<ManualTasks.Task> pending() {
        return tasks.pending();
    }

    /** Runs (and removes) every pending task with this delay; returns how many ran. */
    public int runAll(Duration delay) {
        return tasks.runAll(delay);
    }
}
