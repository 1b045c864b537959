package dev.wgdesk.engine.tun;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An in-memory {@link Tun} for tests: {@link #inject} plays the OS sending a packet into the
 * tunnel; {@link #poll} returns what the device delivered out of it.
 */
public final class MemoryTun implements Tun {
    private static final byte[] CLOSED = new byte[0];

    private final String name;
    private volatile int mtu;
    private final BlockingQueue<byte[]> toDevice = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> fromDevice = new LinkedBlockingQueue<>();
    private final List<Consumer<TunEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile boolean failing;

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
        byte[] first;
        try {
            first = toDevice.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        if (first == CLOSED) {
            toDevice.add(CLOSED);
            if (failing && !closed) {
                throw new IOException("simulated driver failure");
            }
            throw new ClosedChannelException();
        }
        int n = 0;
        byte[] pkt = first;
        while (true) {
            ByteBuffer b = bufs[n];
            int pos = b.position();
            int len = Math.min(pkt.length, b.limit() - pos);
            b.put(pkt, 0, len);
            b.limit(pos + len).position(pos);
            n++;
            if (n == count) {
                break;
            }
            pkt = toDevice.peek();
            if (pkt == null || pkt == CLOSED) {
                break;
            }
            toDevice.poll();
        }
        return n;
    }

    @Override
    public void write(ByteBuffer[] bufs, int count) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        for (int i = 0; i < count; i++) {
            ByteBuffer b = bufs[i];
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
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
