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
 * port; everything sent is also recorded, and a filter can drop datagrams.
 *
 * <p>Sticky sources are modelled: each bind owns a set of local addresses (127.0.0.1 unless
 * changed), a datagram is delivered only to a bind owning its destination address, the receiver
 * learns which of its addresses it arrived on (interface index 1), and the sender's address is
 * the endpoint's source when it has one, else the bind's first address. A source the bind no
 * longer owns is refused with {@link StaleSourceException}, as Linux refuses a removed address.
 */
public final class MemoryBind implements Bind {
    /** A little UDP network: ports to binds. */
    public static final class Network {
        private final Map<Integer, MemoryBind> ports = new ConcurrentHashMap<>();
        private final AtomicInteger nextPort = new AtomicInteger(40000);
        /** Datagrams for which this returns false are lost in transit. */
        public volatile Predicate<byte[]> deliver = d -> true;
    }

    private record Datagram(byte[] data, UdpEndpoint from) {}

    /** One datagram this bind sent: its bytes, the endpoint it was given, the address it left from. */
    public record Sent(byte[] data, UdpEndpoint to, InetAddress from) {}

    /** The interface index receivers report with their local address. */
    public static final int INTERFACE = 1;

    private static final Datagram CLOSED = new Datagram(new byte[0], null);

    private final Network network;
    private final BlockingQueue<Datagram> inbox = new LinkedBlockingQueue<>();
    /** Every datagram this bind sent, in order. */
    public final List<byte[]> sent = new CopyOnWriteArrayList<>();
    /** Every datagram this bind sent, with its addressing, in order. */
    public final List<Sent> sentLog = new CopyOnWriteArrayList<>();
    /** Sends refused because of a stale source. */
    public final AtomicInteger staleRefusals = new AtomicInteger();
    private final List<InetAddress> addresses = new CopyOnWriteArrayList<>(List.of(InetAddress.getLoopbackAddress()));
    /** One endpoint instance per (remote, local) pair, as a real bind caches them. */
    private final Map<List<Object>, UdpEndpoint> endpoints = new ConcurrentHashMap<>();
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

    /** Adds a local address (its first address is the default source). */
    public void addAddress(InetAddress a) {
        addresses.add(a);
    }

    /** Removes a local address: datagrams to it are lost and sends from it are refused. */
    public void removeAddress(InetAddress a) {
        addresses.remove(a);
    }

    @Override
    public boolean supportsStickySource() {
        return true;
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
    public int receive(ByteBuffer[] bufs, UdpEndpoint[] from, int count) throws IOException {
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
    public void send(ByteBuffer[] bufs, int count, UdpEndpoint to) throws IOException {
        if (port == 0) {
            throw new ClosedChannelException();
        }
        InetAddress source = to.source();
        if (source != null && !addresses.contains(source)) {
            staleRefusals.incrementAndGet();
            throw new StaleSourceException(to, "EINVAL (no longer a local address)");
        }
        if (source == null) {
            source = addresses.isEmpty() ? InetAddress.getLoopbackAddress() : addresses.get(0);
        }
        InetAddress destination = to.remote().getAddress();
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bufs[i].remaining()];
            bufs[i].get(data);
            sent.add(data);
            sentLog.add(new Sent(data, to, source));
            MemoryBind target = network.ports.get(to.remote().getPort());
            if (target != null && target.addresses.contains(destination) && network.deliver.test(data)) {
                target.inbox.add(new Datagram(data, target.endpoint(new InetSocketAddress(source, port), destination)));
            }
        }
    }

    private UdpEndpoint endpoint(InetSocketAddress remote, InetAddress local) {
        return endpoints.computeIfAbsent(List.of(remote, local), k -> UdpEndpoint.of(remote, local, INTERFACE));
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
