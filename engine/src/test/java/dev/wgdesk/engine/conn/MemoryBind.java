package dev.wgdesk.engine.conn;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An in-memory {@link Bind}. Binds created from the same {@link Network} reach each other by
 * port on 127.0.0.1; everything sent is also recorded, and a filter can drop datagrams.
 */
public final class MemoryBind implements Bind {
    /** A little UDP network: ports to binds. */
    public static final class Network {
        private final Map<Integer, MemoryBind> ports = new ConcurrentHashMap<>();
        private final AtomicInteger nextPort = new AtomicInteger(40000);
        /** Datagrams for which this returns false are lost in transit. */
        public volatile Predicate<byte[]> deliver = d -> true;
    }

    private record Datagram(byte[] data, InetSocketAddress from) {}

    private static final Datagram CLOSED = new Datagram(new byte[0], null);

    private final Network network;
    private final BlockingQueue<Datagram> inbox = new LinkedBlockingQueue<>();
    /** Every datagram this bind sent, in order. */
    public final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private volatile int port;

    public MemoryBind(Network network) {
        this.network = network;
    }

    @Override
    public synchronized int open(int requested) throws IOException {
        close();
        int p = requested == 0 ? network.nextPort.getAndIncrement() : requested;
        if (network.ports.putIfAbsent(p, this) != null) {
            throw new BindException("port " + p + " in use");
        }
        inbox.clear();
        port = p;
        return p;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public int batchSize() {
        return 4;
    }

    @Override
    public int receive(ByteBuffer[] bufs, InetSocketAddress[] from, int count) throws IOException {
        Datagram d;
        try {
            d = inbox.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
        if (d == CLOSED) {
            throw new ClosedChannelException();
        }
        int n = 0;
        while (true) {
            ByteBuffer b = bufs[n];
            int pos = b.position();
            b.put(d.data);
            b.limit(b.position()).position(pos);
            from[n++] = d.from;
            if (n == count || (d = inbox.peek()) == null || d == CLOSED) {
                return n;
            }
            inbox.poll();
        }
    }

    @Override
    public void send(ByteBuffer[] bufs, int count, InetSocketAddress to) throws IOException {
        if (port == 0) {
            throw new ClosedChannelException();
        }
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bufs[i].remaining()];
            bufs[i].duplicate().get(data);
            sent.add(data);
            MemoryBind target = network.ports.get(to.getPort());
            if (target != null && network.deliver.test(data)) {
                target.inbox.add(new Datagram(data, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            }
        }
    }

    @Override
    public void setMark(int mark) {}

    @Override
    public synchronized void close() {
        if (port != 0) {
            network.ports.remove(port, this);
            port = 0;
            inbox.add(CLOSED);
        }
    }
}
