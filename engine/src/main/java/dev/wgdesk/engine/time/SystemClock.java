package dev.wgdesk.engine.time;

import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@link Clock} backed by {@link System#nanoTime()} and one shared scheduler thread. The time
 * source and the scheduler are injectable so that tests can drive the timers' logic in virtual
 * time.
 */
final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock(System::nanoTime, sharedScheduler());

    /** Runs {@code task} once after {@code delayNanos}; the returned future cancels it. */
    @FunctionalInterface
    interface Scheduler {
        Future<?> schedule(Runnable task, long delayNanos);
    }

    private final LongSupplier nanos;
    private final Scheduler scheduler;

    SystemClock(LongSupplier nanos, Scheduler scheduler) {
        this.nanos = nanos;
        this.scheduler = scheduler;
    }

    private static Scheduler sharedScheduler() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "wgdesk-timers");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return (task, delayNanos) -> executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public long nanoTime() {
        return nanos.getAsLong();
    }

    @Override
    public long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public Timer newTimer(String name, Runnable task) {
        return new LazyTimer(task);
    }

    /**
     * A timer whose {@link #arm} and {@link #cancel} are cheap and allocation-free in the common
     * case, because the data path calls them for every packet (as the kernel calls
     * {@code mod_timer}). Only the deadline is recorded; one wake-up is kept scheduled, and it is
     * replaced only when the deadline moves earlier. A wake-up that finds the deadline moved later
     * reschedules itself; one that finds the timer cancelled does nothing.
     */
    private final class LazyTimer implements Timer {
        private final Runnable task;
        private boolean pending; // guarded by this
        private long deadline; // guarded by this
        private Future<?> wakeup; // guarded by this
        private long wakeupAt; // guarded by this
        private long token; // guarded by this: identifies the current wake-up

        LazyTimer(Runnable task) {
            this.task = task;
        }

        @Override
        public synchronized void arm(long delayNanos) {
            long d = nanos.getAsLong() + Math.max(0, delayNanos);
            deadline = d;
            pending = true;
            if (wakeup == null || wakeupAt - d > 0) {
                if (wakeup != null) {
                    wakeup.cancel(false);
                }
                scheduleLocked(d, Math.max(0, delayNanos));
            }
        }

        private void scheduleLocked(long at, long delay) {
            long t = ++token;
            wakeupAt = at;
            wakeup = scheduler.schedule(() -> wake(t), delay);
        }

        private void wake(long t) {
            synchronized (this) {
                if (t != token) {
                    return; // superseded by an earlier wake-up
                }
                wakeup = null;
                if (!pending) {
                    return;
                }
                long now = nanos.getAsLong();
                if (deadline - now > 0) {
                    scheduleLocked(deadline, deadline - now);
                    return;
                }
                pending = false;
            }
            task.run();
        }

        @Override
        public synchronized void cancel() {
            pending = false;
        }

        @Override
        public synchronized void release() {
            pending = false;
            if (wakeup != null) {
                wakeup.cancel(false); // removed from the scheduler's queue (remove-on-cancel)
                wakeup = null;
                token++; // a wake-up already running finds itself superseded
            }
        }

        @Override
        public synchronized boolean isPending() {
            return pending;
        }
    }
}
