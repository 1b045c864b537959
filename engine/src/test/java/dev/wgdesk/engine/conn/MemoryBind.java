package dev.wgdesk.engine.conn;

import dev.wgdesk.engine.testing.FakeIo;
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
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    /**
     * A little UDP network: ports to binds. It can misbehave as real paths do, each knob applied
     * to every datagram in transit with a seeded random (so a failing run can be repeated): loss,
     * duplication, reordering (a datagram is held back and delivered after the next one), delay,
     * and receivers whose socket buffer ({@link #inboxCapacity}) is full, which drop.
     */
    public static final class Network {
        private final Map<Integer, MemoryBind> ports = new ConcurrentHashMap<>();
        private final AtomicInteger nextPort = new AtomicInteger(40000);
        /** Datagrams for which this returns false are lost in transit. */
        public volatile Predicate<byte[]> deliver = d -> true;
        /** Fraction of datagrams lost. */
        public volatile double dropRate;
        /** Fraction of datagrams delivered twice. */
        public volatile double duplicateRate;
        /** Fraction of datagrams held back and delivered after the next one to the same network. */
        public volatile double reorderRate;
        /** Delay added to every datagram, in milliseconds (0: delivered during the send). */
        public volatile long delayMillis;
        /** Datagrams a receiver queues before it drops (its socket buffer). */
        public volatile int inboxCapacity = Integer.MAX_VALUE;
        /** What the impairments did. */
        public final AtomicLong dropped = new AtomicLong();
        public final AtomicLong duplicated = new AtomicLong();
        public final AtomicLong reordered = new AtomicLong();
        public final AtomicLong overflowed = new AtomicLong();
        private final Random random;
        private MemoryBind heldTarget; // guarded by this
        private Datagram held; // guarded by this
        private ScheduledExecutorService delayer; // guarded by this

        public Network() {
            this(42);
        }

        public Network(long seed) {
            this.random = new Random(seed);
        }

        /** Delivers a datagram held back for reordering now, if one is. */
        public synchronized void flushHeld() {
            if (held != null) {
                enqueue(heldTarget, held);
                held = null;
                heldTarget = null;
            }
        }

        private void transmit(MemoryBind target, Datagram d) {
            long delay = delayMillis;
            if (delay > 0) {
                ScheduledExecutorService s;
                synchronized (this) {
                    if (delayer == null) {
                        delayer = Executors.newSingleThreadScheduledExecutor(r -> {
                            Thread t = new Thread(r, "memory-network-delay");
                            t.setDaemon(true);
                            return t;
                        });
                    }
                    s = delayer;
                }
                s.schedule(() -> impair(target, d), delay, TimeUnit.MILLISECONDS);
            } else {
                impair(target, d);
            }
        }

        private synchronized void impair(MemoryBind target, Datagram d) {
            if (dropRate > 0 && random.nextDouble() < dropRate) {
                dropped.incrementAndGet();
                return;
            }
            int copies = 1;
            if (duplicateRate > 0 && random.nextDouble() < duplicateRate) {
                duplicated.incrementAndGet();
                copies = 2;
            }
            for (int i = 0; i < copies; i++) {
                if (held == null && reorderRate > 0 && random.nextDouble() < reorderRate) {
                    reordered.incrementAndGet();
                    held = d;
                    heldTarget = target;
                    continue;
                }
                enqueue(target, d);
                flushHeld();
            }
        }

        private void enqueue(MemoryBind target, Datagram d) {
            if (target.inbox.size() >= inboxCapacity) {
                overflowed.incrementAndGet();
                return;
            }
            target.inbox.add(d);
        }
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
    /** Datagrams too large for the receiver's buffer: dropped whole, as Linux's bind drops them. */
    public final AtomicLong oversizedDropped = new AtomicLong();
    private final FakeIo.Faults receiveFaults = new FakeIo.Faults();
    private final FakeIo.Faults receiveIoFaults = new FakeIo.Faults();
    private final FakeIo.Faults sendFaults = new FakeIo.Faults();
    /** Calls to {@link #receive}, including those that failed. */
    public final AtomicLong receiveCalls = new AtomicLong();
    /** Sends wait here while {@link #blockSends} is in force (a full socket buffer). */
    private final FakeIo.Gate sendGate = new FakeIo.Gate();

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

    /** The next {@code count} receive calls throw an unexpected RuntimeException (a broken bind). */
    public void throwOnReceives(int count) {
        receiveFaults.add(count);
    }

    /** The next {@code count} receive calls fail with an IOException (an error that repeats). */
    public void failReceives(int count) {
        receiveIoFaults.add(count);
    }

    /** The next {@code count} send calls throw an unexpected RuntimeException. */
    public void throwOnSends(int count) {
        sendFaults.add(count);
    }

    private volatile String sendError;

    /**
     * Every send fails with an IOException carrying {@code message} (as an OS error such as
     * "Network is unreachable"), until called with null.
     */
    public void failSendsWith(String message) {
        sendError = message;
    }

    /** Back-pressure: sends block, as on a full socket buffer, until {@link #unblockSends}. */
    public void blockSends() {
        sendGate.block();
    }

    public void unblockSends() {
        sendGate.unblock();
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
        receiveCalls.incrementAndGet();
        if (receiveFaults.take()) {
            throw new IllegalStateException("injected fault in MemoryBind.receive");
        }
        if (receiveIoFaults.take()) {
            throw new IOException("injected receive error");
        }
        int n = 0;
        while (n == 0) {
            Datagram d = FakeIo.take(inbox);
            while (true) {
                if (d == CLOSED) {
                    inbox.add(CLOSED);
                    if (n > 0) {
                        return n;
                    }
                    throw new ClosedChannelException();
                }
                ByteBuffer b = bufs[n];
                int pos = b.position();
                if (d.data.length > b.limit() - pos) {
                    oversizedDropped.incrementAndGet(); // dropped whole, never truncated
                } else {
                    b.put(d.data);
                    b.limit(b.position()).position(pos);
                    from[n++] = d.from;
                }
                if (n == count || (d = inbox.poll()) == null) {
                    break;
                }
            }
        }
        return n;
    }

    @Override
    public void send(ByteBuffer[] bufs, int count, UdpEndpoint to) throws IOException {
        if (port == 0) {
            throw new ClosedChannelException();
        }
        if (sendFaults.take()) {
            throw new IllegalStateException("injected fault in MemoryBind.send");
        }
        String error = sendError;
        if (error != null) {
            throw new IOException(error);
        }
        sendGate.pass();
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
                network.transmit(target, new Datagram(data, target.endpoint(new InetSocketAddress(source, port), destination)));
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
