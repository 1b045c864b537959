package dev.wgdesk.engine.testing;

import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the in-memory fakes ({@code MemoryTun}, {@code MemoryBind}) share: a count of injected
 * faults, a gate that makes calls wait (back-pressure), and blocking as real I/O blocks, where an
 * interrupt ends the call with an {@link InterruptedIOException} and keeps the interrupt status.
 */
public final class FakeIo {
    private FakeIo() {}

    /** Takes the head of {@code queue}, waiting for one; an interrupt becomes an {@link InterruptedIOException}. */
    public static <T> T take(BlockingQueue<T> queue) throws InterruptedIOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** How many of the next calls should fail; thread-safe. */
    public static final class Faults {
        private final AtomicInteger pending = new AtomicInteger();

        /** The next {@code count} calls (on top of those already pending) fail. */
        public void add(int count) {
            pending.addAndGet(count);
        }

        /** True (and one fewer pending) if this call should fail. */
        public boolean take() {
            while (true) {
                int n = pending.get();
                if (n <= 0) {
                    return false;
                }
                if (pending.compareAndSet(n, n - 1)) {
                    return true;
                }
            }
        }
    }

    /** Open unless {@link #block}ed: then {@link #pass} waits until {@link #unblock}; thread-safe. */
    public static final class Gate {
        private volatile Semaphore permits;

        /** Calls to {@link #pass} from now on wait. */
        public void block() {
            permits = new Semaphore(0);
        }

        /** Lets every waiting and later call pass. */
        public void unblock() {
            Semaphore g = permits;
            permits = null;
            if (g != null) {
                g.release(Integer.MAX_VALUE / 2);
            }
        }

        /** Returns at once unless blocked, else once unblocked; an interrupt becomes an {@link InterruptedIOException}. */
        public void pass() throws InterruptedIOException {
            Semaphore g = permits;
            if (g != null) {
                try {
                    g.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
            }
        }
    }
}
