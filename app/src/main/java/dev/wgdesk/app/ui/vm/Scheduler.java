package dev.wgdesk.app.ui.vm;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs something later (reconnect attempts, periodic status refresh). Tests use a manual one. */
@FunctionalInterface
public interface Scheduler {
    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Stops the task if it has not run yet. */
        void cancel();
    }

    /** Runs {@code task} once after {@code delay}, on some thread (not necessarily the UI thread). */
    Cancellable schedule(Runnable task, Duration delay);

    /** A scheduler on one daemon thread. */
    static Scheduler daemon(String threadName) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        return (task, delay) -> {
            var f = s.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        };
    }
}
