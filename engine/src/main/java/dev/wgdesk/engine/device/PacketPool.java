package dev.wgdesk.engine.device;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of {@link Packet}s. Packets are created lazily up to {@code max}; past that,
 * {@link #take()} blocks until one is returned, which is how a flood is kept from growing memory.
 */
final class PacketPool {
    private final ArrayBlockingQueue<Packet> free;
    private final AtomicInteger created = new AtomicInteger();
    private final int max;
    private final int capacity;

    PacketPool(int max, int capacity) {
        this.max = max;
        this.capacity = capacity;
        this.free = new ArrayBlockingQueue<>(max);
    }

    Packet take() throws InterruptedException {
        Packet p = free.poll();
        if (p == null) {
            if (created.incrementAndGet() <= max) {
                p = new Packet(capacity);
            } else {
                created.decrementAndGet();
                p = free.take();
            }
        }
        p.reset();
        return p;
    }

    /** Like {@link #take()} but returns null instead of blocking. */
    Packet poll() {
        Packet p = free.poll();
        if (p == null) {
            if (created.incrementAndGet() <= max) {
                p = new Packet(capacity);
            } else {
                created.decrementAndGet();
                return null;
            }
        }
        p.reset();
        return p;
    }

    /** Returns {@code p}, and the keypair reference it holds (see {@link Keypair}), to the pool. */
    void release(Packet p) {
        Keypair kp = p.keypair;
        if (kp != null) {
            p.keypair = null;
            kp.release();
        }
        p.peer = null;
        p.endpoint = null;
        free.offer(p);
    }

    int capacity() {
        return capacity;
    }

    int created() {
        return created.get();
    }
}
