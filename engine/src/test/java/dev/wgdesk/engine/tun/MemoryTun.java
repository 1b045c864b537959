package dev.wgdesk.engine.tun;

import dev.wgdesk.engine.testing.FakeIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An in-memory {@link Tun} for tests: {@link #inject} plays the OS sending a packet into the
 * tunnel; {@link #poll} returns what the device delivered out of it.
 *
 * <p>It misbehaves as a real TUN can: a packet longer than the reader's room is dropped whole
 * and counted ({@link #oversizedDropped}), as Linux's TUN read drops it, never truncated; writes
 * past {@link #setWriteCapacity} are dropped (a full transmit queue); {@link #blockWrites} makes
 * writes wait (back-pressure); and reads or writes can be made to throw.
 */
public final class MemoryTun implements Tun {
    private static final byte[] CLOSED = new byte[0];
    private static final byte[] WAKE = new byte[0]; // wakes a blocked reader to see injected faults

    private final String name;
    private volatile int mtu;
    private final BlockingQueue<byte[]> toDevice = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> fromDevice = new LinkedBlockingQueue<>();
    private final List<Consumer<TunEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile boolean failing;
    /** Packets the reader had no room for: dropped whole. */
    public final AtomicLong oversizedDropped = new AtomicLong();
    /** Packets written while the output queue was full: dropped. */
    public final AtomicLong writeOverflows = new AtomicLong();
    private volatile int writeCapacity = Integer.MAX_VALUE;
    private final FakeIo.Faults readFaults = new FakeIo.Faults();
    private final FakeIo.Faults writeFaults = new FakeIo.Faults();
    private final FakeIo.Gate writeGate = new FakeIo.Gate();

    public MemoryTun(String name, int mtu) {
        this.name = name;
        this.mtu = mtu;
    }

    public MemoryTun(String name) {
        this(name, 1420);
    }

    /** Queues a packet for the device to read, as if the OS routed it into the tunnel. */
    public void inject(byte[] packet) {
        toDevice.add(packet.clone());
    }

    /** The next packet the device wrote, or null after the timeout. */
    public byte[] poll(long timeout, TimeUnit unit) throws InterruptedException {
        return fromDevice.poll(timeout, unit);
    }

    public byte[] poll() {
        return fromDevice.poll();
    }

    public int delivered() {
        return fromDevice.size();
    }

    /** Changes the MTU and tells the listeners, as {@code ip link set mtu} would. */
    public void setMtu(int newMtu) {
        mtu = newMtu;
        fire(new TunEvent.MtuChanged(newMtu));
    }

    /** Simulates {@code ip link set up|down}. */
    public void setLink(boolean up) {
        fire(up ? new TunEvent.Up() : new TunEvent.Down());
    }

    /** Makes the next (and every later) read fail, as a broken driver would. */
    public void failReads() {
        failing = true;
        toDevice.add(CLOSED);
    }

    /** The next {@code count} reads throw an unexpected RuntimeException (a broken driver binding). */
    public void throwOnReads(int count) {
        readFaults.add(count);
        toDevice.add(WAKE);
    }

    /** The next {@code count} writes throw an unexpected RuntimeException. */
    public void throwOnWrites(int count) {
        writeFaults.add(count);
    }

    /** Packets the device may have written and nobody polled yet before more are dropped. */
    public void setWriteCapacity(int packets) {
        writeCapacity = packets;
    }

    /** Back-pressure: writes block until {@link #unblockWrites}. */
    public void blockWrites() {
        writeGate.block();
    }

    public void unblockWrites() {
        writeGate.unblock();
    }

    /** Simulates {@code ip link del}. */
    public void remove() {
        fire(new TunEvent.Removed());
    }

    private void fire(TunEvent e) {
        for (Consumer<TunEvent> l : listeners) {
            l.accept(e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int batchSize() {
        return 8;
    }

    @Override
    public int read(ByteBuffer[] bufs, int count) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (readFaults.take()) {
            throw new IllegalStateException("injected fault in MemoryTun.read");
        }
        int n = 0;
        while (n == 0) {
            byte[] pkt = FakeIo.take(toDevice);
            while (true) {
                if (pkt == CLOSED) {
                    toDevice.add(CLOSED);
                    if (n > 0) {
                        return n;
                    }
                    if (failing && !closed) {
                        throw new IOException("simulated driver failure");
                    }
                    throw new ClosedChannelException();
                }
                if (pkt == WAKE) {
                    if (n == 0 && readFaults.take()) {
                        throw new IllegalStateException("injected fault in MemoryTun.read");
                    }
                } else {
                    ByteBuffer b = bufs[n];
                    int pos = b.position();
                    if (pkt.length > b.limit() - pos) {
                        oversizedDropped.incrementAndGet(); // as Linux: dropped whole, never truncated
                    } else {
                        b.put(pkt);
                        b.limit(pos + pkt.length).position(pos);
                        n++;
                    }
                }
                if (n == count || (pkt = toDevice.poll()) == null) {
                    break;
                }
            }
        }
        return n;
    }

    @Override
    public void write(ByteBuffer[] bufs, int count) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (writeFaults.take()) {
            throw new IllegalStateException("injected fault in MemoryTun.write");
        }
        writeGate.pass();
        for (int i = 0; i < count; i++) {
            ByteBuffer b = bufs[i];
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
            if (fromDevice.size() >= writeCapacity) {
                writeOverflows.incrementAndGet();
                continue;
            }
            fromDevice.add(out);
        }
    }

    @Override
    public void onEvent(Consumer<TunEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            toDevice.add(CLOSED);
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
