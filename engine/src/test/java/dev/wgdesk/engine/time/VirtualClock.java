package dev.wgdesk.engine.time;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A deterministic {@link Clock} for tests: time moves only when {@link #advance} is called, and
 * timers fire in deadline order on the calling thread.
 */
public final class VirtualClock implements Clock {
    private static final long EPOCH_OFFSET = 1_750_000_000_000_000_000L; // a plausible wall time

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private final List<VirtualTimer> timers = new ArrayList<>(); // guarded by this
    private final List<Firing> firings = new ArrayList<>(); // guarded by this

    /** A timer that fired: its name and the virtual time ({@link #nanoTime}) it fired at. */
    public record Firing(String timer, long nanos) {}
    private long now = 1_000_000_000L;
    private long sequence;

    private record Entry(long deadline, long seq, VirtualTimer timer, long generation)
            implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized long epochNanos() {
        return EPOCH_OFFSET + now;
    }

    @Override
    public synchronized Timer newTimer(String name, Runnable task) {
        VirtualTimer t = new VirtualTimer(name, task);
        timers.add(t);
        return t;
    }

    /** Moves time forward, firing every timer whose deadline is reached, in order. */
    public void advance(long nanos) {
        long target;
        synchronized (this) {
            target = now + nanos;
        }
        while (true) {
            Entry e;
            synchronized (this) {
                e = queue.peek();
                if (e == null || e.deadline > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = Math.max(now, e.deadline);
                if (!e.timer.consume(e.generation)) {
                    continue;
                }
                firings.add(new Firing(e.timer.name, now));
            }
            e.timer.task.run();
        }
    }

    public void advanceMillis(long ms) {
        advance(ms * 1_000_000L);
    }

    public void advanceSeconds(long s) {
        advance(s * 1_000_000_000L);
    }

    /**
     * The virtual times at which the timer named {@code name} fired, in order. Recorded when it
     * fires, on the thread that calls {@link #advance}: a test can tell what did <em>not</em>
     * fire without waiting for other threads.
     */
    public synchronized List<Long> firings(String name) {
        return firings.stream().filter(f -> f.timer().equals(name)).map(Firing::nanos).toList();
    }

    /** True if a timer named {@code name} is armed. */
    public synchronized boolean isPending(String name) {
        return timers.stream().anyMatch(t -> t.name.equals(name) && t.pending);
    }

    /** Number of timers currently armed. */
    public synchronized int pendingTimers() {
        int n = 0;
        for (Entry e : queue) {
            if (e.timer.generation == e.generation && e.timer.pending) {
                n++;
            }
        }
        return n;
    }

    private final class VirtualTimer implements Timer {
        final String name;
        final Runnable task;
        long generation;
        boolean pending;

        VirtualTimer(String name, Runnable task) {
            this.name = name;
            this.task = task;
        }

        /** Called with the clock's lock held. */
        boolean consume(long gen) {
            if (gen != generation || !pending) {
                return false;
            }
            pending = false;
            return true;
        }

        @Override
        public void arm(long delayNanos) {
            synchronized (VirtualClock.this) {
                generation++;
                pending = true;
                queue.add(new Entry(now + Math.max(0, delayNanos), sequence++, this, generation));
            }
        }

        @Override
        public void cancel() {
            synchronized (VirtualClock.this) {
                generation++;
                pending = false;
            }
        }

        @Override
        public void release() {
            synchronized (VirtualClock.this) {
                generation++;
                pending = false;
                queue.removeIf(e -> e.timer == this);
            }
        }

        @Override
        public boolean isPending() {
            synchronized (VirtualClock.this) {
                return pending;
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
