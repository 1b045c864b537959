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

    /**
     * The sequential part, called in submission order from one thread at a time. Neither method
     * may throw: a sequencer drops (and returns to the pool) a packet it fails on itself, since
     * only it knows whether it still owns it.
     */
    interface Sequencer {
        void deliver(Packet p);

        /** Called when no packet is waiting: time to flush any batch being built. */
        void endOfBurst();

        /** Returns every packet held in a batch being built to the pool, unsent (stopping). */
        void abandon();
    }

    /** Where unexpected exceptions are reported (the device's rate-limited error log). */
    interface Errors {
        void unexpected(String stage, Throwable e);
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
    private final Errors errors;
    private final java.util.function.Consumer<String> onFatal;
    private volatile boolean running;
    /** Held while delivering; guards the inline path's "nothing in flight" check. */
    private final Object deliverLock = new Object();
    /** Packets queued for the workers and not yet delivered; changed under deliverLock. */
    private int inFlight;
    /** The packet the sequencer thread took off the order queue and has not delivered yet. */
    private volatile Packet sequencing;

    CryptoPipeline(String name, int workers, int queueSize, PacketPool pool, Supplier<PacketCipher> ciphers,
            Work work, Sequencer sequencer, Errors errors, java.util.function.Consumer<String> fatal) {
        this.errors = errors;
        this.onFatal = fatal;
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
            Thread t = new Thread(guarded("crypto worker", this::workerLoop), "wg-" + name + "-crypto-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        Thread s = new Thread(guarded("sequencer", this::sequencerLoop), "wg-" + name + "-sequencer");
        s.setDaemon(true);
        threads.add(s);
        threads.forEach(Thread::start);
    }

    /** A thread body that, should it die of something past the per-packet guards, says so. */
    private Runnable guarded(String what, Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable e) {
                if (running) {
                    onFatal.accept("the " + name + " " + what + " thread died: " + e);
                }
            }
        };
    }

    /**
     * Stops the threads and returns every packet the stage holds to the pool: queued, being
     * sequenced, and in the sequencer's unsent batch. Producers must have stopped before.
     */
    synchronized void stop() {
        synchronized (deliverLock) {
            running = false; // from now on submit() refuses packets
        }
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
        synchronized (deliverLock) {
            Packet s = sequencing;
            sequencing = null;
            if (s != null) {
                pool.release(s);
            }
            if (orderQueue != null) {
                Packet p;
                while ((p = orderQueue.poll()) != null) {
                    pool.release(p); // workQueue holds only packets that are also here
                }
                workQueue.clear();
                inFlight = 0;
            }
            sequencer.abandon();
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
            if (!running) {
                pool.release(p); // stopped (going down): dropped
                return;
            }
            if (workers == 0 || inFlight == 0) {
                process(p, inlineCipher.get());
                deliver(p);
                return;
            }
            inFlight++;
        }
        try {
            orderQueue.put(p);
        } catch (InterruptedException e) {
            synchronized (deliverLock) {
                inFlight--;
            }
            throw e; // not queued: the caller still owns p
        }
        // From here the order queue owns p. The work queue never holds more than the order queue
        // (a packet leaves the order queue only once a worker is done with it), so this succeeds.
        if (!workQueue.offer(p)) {
            throw new IllegalStateException("work queue longer than the order queue");
        }
    }

    /*
     * process, deliver and endOfBurst are the stage boundaries of the data path: the launchers
     * (app/src/dist/bin, the installers' jpackage options) keep the JIT from inlining them
     * (-XX:CompileCommand=dontinline,dev.wgdesk.engine.device.CryptoPipeline::process and so
     * on), so the crypto, the sequencer and the send or TUN write are each compiled on their
     * own. Inlined into the TUN reader and UDP receiver loops, the whole data path made one C2
     * compilation of 14-18,000 nodes that took 25-37 MB of compiler memory at once, the peak
     * resident size of a loaded engine (README, Benchmarks). Renaming them means changing the
     * launchers too.
     */

    /** The parallel work on one packet; an exception costs only that packet. */
    private void process(Packet p, PacketCipher cipher) {
        try {
            work.process(p, cipher);
        } catch (RuntimeException e) {
            p.ok = false;
            errors.unexpected(name + " crypto stage", e);
        }
    }

    /** Hands {@code p} to the sequencer; holds {@link #deliverLock}. */
    private void deliver(Packet p) {
        sequencer.deliver(p);
    }

    /** Tells the sequencer that no packet is waiting; holds {@link #deliverLock}. */
    private void endOfBurst() {
        sequencer.endOfBurst();
    }

    /** Ends a burst of submissions; in inline mode this flushes the sequencer's batch. */
    void flush() {
        synchronized (deliverLock) {
            if (inFlight == 0 && running) {
                endOfBurst();
            } // else the sequencer flushes once its queue drains
        }
    }

    private void workerLoop() {
        PacketCipher aead = ciphers.get();
        try {
            while (running) {
                Packet p = workQueue.take();
                try {
                    process(p, aead);
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
                        endOfBurst();
                    }
                    p = orderQueue.take();
                }
                sequencing = p; // if stopped while waiting for it, stop() returns it to the pool
                p.awaitDone();
                synchronized (deliverLock) {
                    if (sequencing != p) {
                        return; // stop() took it back
                    }
                    sequencing = null;
                    deliver(p);
                    inFlight--;
                }
            }
        } catch (InterruptedException e) {
            // stopping
        }
    }
}
