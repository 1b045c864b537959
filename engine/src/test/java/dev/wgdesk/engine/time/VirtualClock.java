package dev.wgdesk.engine.time;

import java.util.PriorityQueue;

/**
 * A deterministic {@link Clock} for tests: time moves only when {@link #advance} is called, and
 * timers fire in deadline order on the calling thread.
 */
public final class VirtualClock implements Clock {
    private static final long EPOCH_OFFSET = 1_750_000_000_000_000_000L; // a plausible wall time

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
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
    public Timer newTimer(String name, Runnable task) {
        return new VirtualTimer(name, task);
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
