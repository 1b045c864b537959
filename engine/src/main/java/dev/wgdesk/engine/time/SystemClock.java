package dev.wgdesk.engine.time;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** {@link Clock} backed by {@link System#nanoTime()} and one shared scheduler thread. */
final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock();

    private final ScheduledThreadPoolExecutor scheduler;

    private SystemClock() {
        scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "wgdesk-timers");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public Timer newTimer(String name, Runnable task) {
        return new SystemTimer(task);
    }

    private final class SystemTimer implements Timer {
        private final Runnable task;
        private ScheduledFuture<?> future;
        private long generation;

        SystemTimer(Runnable task) {
            this.task = task;
        }

        @Override
        public synchronized void arm(long delayNanos) {
            if (future != null) {
                future.cancel(false);
            }
            long gen = ++generation;
            future = scheduler.schedule(() -> fire(gen), delayNanos, TimeUnit.NANOSECONDS);
        }

        private void fire(long gen) {
            synchronized (this) {
                if (gen != generation) {
                    return; // re-armed or cancelled after this run was scheduled
                }
                future = null;
            }
            task.run();
        }

        @Override
        public synchronized void cancel() {
            generation++;
            if (future != null) {
                future.cancel(false);
                future = null;
            }
        }

        @Override
        public synchronized boolean isPending() {
            return future != null;
        }
    }
}
