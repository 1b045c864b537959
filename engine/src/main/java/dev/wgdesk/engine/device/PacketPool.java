package dev.wgdesk.engine.device;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded pool of {@link Packet}s, created lazily. At most {@code max} packets are ever out;
 * {@code reserve} of them can only be had through {@link #pollReserve()}, so keepalives still
 * find a buffer while bulk traffic has taken every other one. {@link #take()} blocks until a
 * packet is returned, which is how a flood is kept from growing memory.
 *
 * <p>Every packet has one owner at a time. A packet released twice is not put back twice: the
 * second release is counted ({@link #doubleReleases()}) and ignored, so two later takers can never
 * share one buffer.
 */
final class PacketPool {
    private final ArrayBlockingQueue<Packet> free;
    private final Semaphore bulk;
    private final Semaphore reserved;
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicLong doubleReleases = new AtomicLong();
    private final int max;
    private final int capacity;

    PacketPool(int max, int capacity) {
        this(max, 0, capacity);
    }

    PacketPool(int max, int reserve, int capacity) {
        if (reserve < 0 || reserve >= max) {
            throw new IllegalArgumentException("reserve " + reserve + " of " + max);
        }
        this.max = max;
        this.capacity = capacity;
        this.free = new ArrayBlockingQueue<>(max);
        this.bulk = new Semaphore(max - reserve);
        this.reserved = new Semaphore(reserve);
    }

    /** A packet for bulk traffic; blocks while every bulk packet is out. */
    Packet take() throws InterruptedException {
        bulk.acquire();
        return get(false);
    }

    /** Like {@link #take()} but returns null instead of blocking. */
    Packet poll() {
        return bulk.tryAcquire() ? get(false) : null;
    }

    /** A packet from bulk or, when bulk is exhausted, from the reserve; null if both are. */
    Packet pollReserve() {
        if (bulk.tryAcquire()) {
            return get(false);
        }
        return reserved.tryAcquire() ? get(true) : null;
    }

    private Packet get(boolean fromReserve) {
        Packet p = free.poll();
        if (p == null) {
            created.incrementAndGet();
            p = new Packet(capacity);
        }
        p.reset();
        p.fromReserve = fromReserve;
        p.inPool = false;
        return p;
    }

    /** Returns {@code p}, and the keypair reference it holds (see {@link Keypair}), to the pool. */
    void release(Packet p) {
        synchronized (p) {
            if (p.inPool) {
                doubleReleases.incrementAndGet();
                return;
            }
            p.inPool = true;
        }
        Keypair kp = p.keypair;
        if (kp != null) {
            p.keypair = null;
            kp.release();
        }
        p.peer = null;
        p.endpoint = null;
        boolean reserve = p.fromReserve;
        free.offer(p);
        (reserve ? reserved : bulk).release();
    }

    int capacity() {
        return capacity;
    }

    int max() {
        return max;
    }

    /** Packets not out: the pool's full size ({@link #max()}) when every packet is back. */
    int available() {
        return bulk.availablePermits() + reserved.availablePermits();
    }

    int created() {
        return created.get();
    }

    long doubleReleases() {
        return doubleReleases.get();
    }
}
