package dev.wgdesk.engine.device;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Supplier;

/**
 * An ordered, parallel crypto stage: packets are sealed or opened by {@code workers} threads in
 * any order, then handed to one sequencer strictly in submission order (wireguard-go's
 * "encryption (parallel) then transmission (sequential)", protocol.md section 4).
 *
 * <p>Callers that need per-peer order (nonce order) must submit a peer's packets under that
 * peer's lock; the sequencer then sees them in the same order.
 *
 * <p>With {@code workers == 0} the stage always runs inline on the submitting thread. With
 * workers, a packet submitted while nothing is queued or in flight is still processed inline, so
 * an idle tunnel (a ping) pays no thread hand-off; once packets queue up, the workers take over.
 * Both paths deliver under {@link #deliverLock}, and the inline path is taken only when no
 * earlier packet is still queued, so delivery order always equals submission order.
 */
final class CryptoPipeline {
    /** The parallel part: seal or open {@code p} in place and set {@code p.ok}. */
    interface Work {
        void process(Packet p, PacketCipher cipher);
    }

    /** The sequential part, called in submission order from one thread at a time. */
    interface Sequencer {
        void deliver(Packet p);

        /** Called when no packet is waiting: time to flush any batch being built. */
        void endOfBurst();
    }

    private final String name;
    private final int workers;
    private final Work work;
    private final Sequencer sequencer;
    private final ArrayBlockingQueue<Packet> workQueue;
    private final ArrayBlockingQueue<Packet> orderQueue;
    private final Supplier<PacketCipher> ciphers;
    private final ThreadLocal<PacketCipher> inlineCipher;
    /** Every inline cipher handed out, so stop() can zero their key state. */
    private final List<PacketCipher> inlineCiphers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final PacketPool pool;
    private volatile boolean running;
    /** Held while delivering; guards the inline path's "nothing in flight" check. */
    private final Object deliverLock = new Object();
    /** Packets queued for the workers and not yet delivered; changed under deliverLock. */
    private int inFlight;

    CryptoPipeline(String name, int workers, int queueSize, PacketPool pool, Supplier<PacketCipher> ciphers,
            Work work, Sequencer sequencer) {
        this.ciphers = ciphers;
        this.inlineCipher = ThreadLocal.withInitial(() -> {
            PacketCipher c = ciphers.get();
            inlineCiphers.add(c);
            return c;
        });
        this.name = name;
        this.workers = workers;
        this.work = work;
        this.sequencer = sequencer;
        this.pool = pool;
        this.workQueue = workers == 0 ? null : new ArrayBlockingQueue<>(queueSize);
        this.orderQueue = workers == 0 ? null : new ArrayBlockingQueue<>(queueSize);
    }

    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        if (workers == 0) {
            return;
        }
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::workerLoop, "wg-" + name + "-crypto-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        Thread s = new Thread(this::sequencerLoop, "wg-" + name + "-sequencer");
        s.setDaemon(true);
        threads.add(s);
        threads.forEach(Thread::start);
    }

    /** Stops the threads and returns every queued packet to the pool. */
    synchronized void stop() {
        running = false;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        if (orderQueue != null) {
            Packet p;
            while ((p = orderQueue.poll()) != null) {
                pool.release(p);
            }
            workQueue.clear();
            synchronized (deliverLock) {
                inFlight = 0;
            }
        }
        // Inline ciphers are used only under deliverLock: zeroing their cached key state under it
        // never pulls it from under a seal or open that a thread still running here (a reader
        // or the handshake thread sending a keepalive) is doing with it.
        synchronized (deliverLock) {
            for (PacketCipher c : inlineCiphers) {
                c.destroy(); // still usable afterwards; only the cached key state is zeroed
            }
        }
    }

    /**
     * Queues {@code p}. Blocks when the queues are full (back-pressure). Inline mode processes
     * and delivers it before returning.
     */
    void submit(Packet p) throws InterruptedException {
        synchronized (deliverLock) {
            if (workers == 0 || inFlight == 0) {
                work.process(p, inlineCipher.get());
                sequencer.deliver(p);
                return;
            }
            inFlight++;
        }
        orderQueue.put(p);
        workQueue.put(p);
    }

    /** Ends a burst of submissions; in inline mode this flushes the sequencer's batch. */
    void flush() {
        synchronized (deliverLock) {
            if (inFlight == 0) {
                sequencer.endOfBurst();
            } // else the sequencer flushes once its queue drains
        }
    }

    private void workerLoop() {
        PacketCipher aead = ciphers.get();
        try {
            while (running) {
                Packet p = workQueue.take();
                try {
                    work.process(p, aead);
                } catch (RuntimeException e) {
                    p.ok = false;
                } finally {
                    p.markDone();
                }
            }
        } catch (InterruptedException e) {
            // stopping
        } finally {
            aead.destroy(); // zero the cached key and keystream
        }
    }

    private void sequencerLoop() {
        try {
            while (running) {
                Packet p = orderQueue.poll();
                if (p == null) {
                    synchronized (deliverLock) {
                        sequencer.endOfBurst();
                    }
                    p = orderQueue.take();
                }
                p.awaitDone();
                synchronized (deliverLock) {
                    sequencer.deliver(p);
                    inFlight--;
                }
            }
        } catch (InterruptedException e) {
            // stopping
        }
    }
}
