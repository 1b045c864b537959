package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.Bind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keypair lifetime under fire (issue 10 item 1): no packet is sealed or opened with key material
 * that is being, or has been, zeroed. Two devices exchange traffic both ways as fast as they can
 * while a driver thread makes their handshakes collide (both sides initiating at once, then each
 * alone), removes and re-adds the peer on one side or the other, and takes one device down and up
 * again, so keypairs are retired and destroyed all the time with packets in flight under them.
 *
 * <p>The transport cipher is the real one, wrapped to check the key it is given before and after
 * each call: a key that is all zeros (a real key is, with probability 2^-256) means the engine
 * used a destroyed keypair. Every open that fails is an authentication failure; every packet
 * written to a TUN is compared with what the other side sent.
 */
@Timeout(300)
class KeypairLifetimeTest {

    /** The real cipher, counting failed opens and uses of a zeroed key. */
    static final class CheckingCipher implements PacketCipher {
        private final PacketCipher inner = PacketCipher.fast();
        private final AtomicLong authFailures;
        private final AtomicLong zeroedKeyUses;

        CheckingCipher(AtomicLong authFailures, AtomicLong zeroedKeyUses) {
            this.authFailures = authFailures;
            this.zeroedKeyUses = zeroedKeyUses;
        }

        private static boolean isZero(byte[] key) {
            int acc = 0;
            for (byte b : key) {
                acc |= b;
            }
            return acc == 0;
        }

        @Override
        public void seal(byte[] key, long counter, byte[] buf, int off, int len) {
            if (isZero(key)) {
                zeroedKeyUses.incrementAndGet();
            }
            inner.seal(key, counter, buf, off, len);
            if (isZero(key)) {
                zeroedKeyUses.incrementAndGet();
            }
        }

        @Override
        public boolean open(byte[] key, long counter, byte[] buf, int off, int lenWithTag) {
            if (isZero(key)) {
                zeroedKeyUses.incrementAndGet();
            }
            boolean ok = inner.open(key, counter, buf, off, lenWithTag);
            if (isZero(key)) {
                zeroedKeyUses.incrementAndGet();
            }
            if (!ok) {
                authFailures.incrementAndGet();
            }
            return ok;
        }

        @Override
        public void destroy() {
            inner.destroy();
        }
    }

    /**
     * A TUN that offers copies of one packet for as long as it is open (the device reads as fast as
     * its buffers allow), and checks every packet the device writes against the one expected.
     */
    static final class TrafficTun implements Tun {
        private final String name;
        private final byte[] outgoing;
        private final byte[] expected;
        final AtomicLong matched = new AtomicLong();
        final AtomicLong mismatched = new AtomicLong();
        private volatile boolean closed;

        TrafficTun(String name, byte[] outgoing, byte[] expected) {
            this.name = name;
            this.outgoing = outgoing;
            this.expected = expected;
        }

        @Override public String name() { return name; }
        @Override public int mtu() { return 1420; }
        @Override public int batchSize() { return 8; }

        @Override
        public int read(ByteBuffer[] bufs, int count) throws ClosedChannelException {
            if (closed) {
                throw new ClosedChannelException();
            }
            for (int i = 0; i < count; i++) {
                ByteBuffer b = bufs[i];
                int pos = b.position();
                b.put(outgoing);
                b.limit(b.position()).position(pos);
            }
            return count;
        }

        @Override
        public void write(ByteBuffer[] bufs, int count) {
            for (int i = 0; i < count; i++) {
                if (bufs[i].equals(ByteBuffer.wrap(expected))) {
                    matched.incrementAndGet();
                } else {
                    mismatched.incrementAndGet();
                }
            }
        }

        @Override public void onEvent(Consumer<TunEvent> listener) {}
        @Override public void close() { closed = true; }
    }

    /** One end of an in-memory UDP link: a bounded queue per direction, nothing recorded. */
    static final class PipeBind implements Bind {
        private static final byte[] CLOSED = new byte[0];
        final int port;
        final InetSocketAddress self;
        private final ArrayBlockingQueue<byte[]> inbox = new ArrayBlockingQueue<>(4096);
        private PipeBind other;
        private UdpEndpoint otherAsSeen;
        private volatile boolean open;

        PipeBind(int port) {
            this.port = port;
            this.self = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }

        static void link(PipeBind x, PipeBind y) {
            x.other = y;
            y.other = x;
            x.otherAsSeen = UdpEndpoint.of(y.self, InetAddress.getLoopbackAddress(), 1);
            y.otherAsSeen = UdpEndpoint.of(x.self, InetAddress.getLoopbackAddress(), 1);
        }

        @Override
        public synchronized int open(int requested) {
            inbox.clear();
            open = true;
            return port;
        }

        @Override public int port() { return open ? port : 0; }
        @Override public int batchSize() { return 8; }

        @Override
        public int receive(ByteBuffer[] bufs, UdpEndpoint[] from, int count) throws ClosedChannelException {
            byte[] d;
            try {
                d = inbox.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedChannelException();
            }
            if (d == CLOSED) {
                throw new ClosedChannelException();
            }
            int n = 0;
            while (true) {
                ByteBuffer b = bufs[n];
                int pos = b.position();
                b.put(d);
                b.limit(b.position()).position(pos);
                from[n++] = otherAsSeen;
                if (n == count || (d = inbox.peek()) == null || d == CLOSED) {
                    return n;
                }
                inbox.poll();
            }
        }

        @Override
        public void send(ByteBuffer[] bufs, int count, UdpEndpoint to) throws ClosedChannelException {
            for (int i = 0; i < count; i++) {
                byte[] d = new byte[bufs[i].remaining()];
                bufs[i].get(d);
                try {
                    // Back-pressure while the other side is busy; lost (as UDP) once it is closed.
                    while (!other.inbox.offer(d, 10, TimeUnit.MILLISECONDS)) {
                        if (!open) {
                            throw new ClosedChannelException();
                        }
                        if (!other.open) {
                            break;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClosedChannelException();
                }
            }
        }

        @Override public void setMark(int mark) {}

        @Override
        public synchronized void close() {
            if (open) {
                open = false;
                inbox.clear();
                inbox.offer(CLOSED);
            }
        }
    }

    private static void configurePeer(Device d, PublicKey key, String allowed, InetSocketAddress endpoint)
            throws Exception {
        d.addPeer(key);
        d.addPeerAllowedIp(key, InetAddress.getByName(allowed), 32);
        d.setPeerEndpoint(key, endpoint);
    }

    /**
     * With crypto workers (hundreds of packets in flight under one keypair): 10^6 packets in all.
     * Inline crypto (on the TUN reader and UDP receiver, where a zeroed key used to kill the TUN
     * reader) is slower on two cores, so fewer packets keep the test's run time reasonable.
     *
     * @param cryptoWorkers 0 (inline) or the number of workers per direction
     * @param perDirection packets that must arrive in each direction
     */
    @ParameterizedTest(name = "cryptoWorkers={0}, {1} packets each way")
    @CsvSource({"2, 500000", "0, 150000"})
    void noPacketUsesAZeroedKeyWhileHandshakesCollideAndPeersComeAndGo(int cryptoWorkers, int perDirection)
            throws Exception {
        // Hundreds of handshakes and removals: keep their INFO lines out of the test output.
        List<java.util.logging.Logger> quiet = List.of(java.util.logging.Logger.getLogger("wgdesk.device.ka"),
                java.util.logging.Logger.getLogger("wgdesk.device.kb"));
        quiet.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
        AtomicLong authFailures = new AtomicLong();
        AtomicLong zeroedKeyUses = new AtomicLong();
        List<Throwable> died = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> died.add(new AssertionError(t.getName() + " died", e)));

        byte[] aToB = TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[64]);
        byte[] bToA = TestPackets.udp("10.0.0.2", "10.0.0.1", new byte[48]);
        TrafficTun tunA = new TrafficTun("ka", aToB, bToA);
        TrafficTun tunB = new TrafficTun("kb", bToA, aToB);
        PipeBind bindA = new PipeBind(51001);
        PipeBind bindB = new PipeBind(51002);
        PipeBind.link(bindA, bindB);
        VirtualClock clock = new VirtualClock();
        Device a = new Device(tunA, bindA, clock, cryptoWorkers, () -> new CheckingCipher(authFailures, zeroedKeyUses));
        Device b = new Device(tunB, bindB, clock, cryptoWorkers, () -> new CheckingCipher(authFailures, zeroedKeyUses));
        PrivateKey ka = PrivateKey.generate();
        PrivateKey kb = PrivateKey.generate();
        a.setPrivateKey(ka);
        b.setPrivateKey(kb);
        configurePeer(a, kb.publicKey(), "10.0.0.2", bindB.self);
        configurePeer(b, ka.publicKey(), "10.0.0.1", bindA.self);

        AtomicLong handshakeRounds = new AtomicLong();
        AtomicLong removals = new AtomicLong();
        AtomicLong downs = new AtomicLong();
        Thread driver = new Thread(() -> {
            try {
                for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                    // Past REKEY_TIMEOUT, so each side may initiate again (timers fire here too).
                    clock.advance(Protocol.REKEY_TIMEOUT_NANOS + 1_000_000);
                    Peer pa = a.peerByKey(kb.publicKey());
                    Peer pb = b.peerByKey(ka.publicKey());
                    // Both at once (the initiations cross: a collision), then each side alone.
                    if (i % 3 != 2 && pa != null) {
                        pa.sendHandshakeInitiation(false);
                    }
                    if (i % 3 != 1 && pb != null) {
                        pb.sendHandshakeInitiation(false);
                    }
                    handshakeRounds.incrementAndGet();
                    if (i % 5 == 4) {
                        // Remove and re-add the peer under traffic, alternating sides.
                        boolean onA = (i / 5) % 2 == 0;
                        Device d = onA ? a : b;
                        PublicKey key = onA ? kb.publicKey() : ka.publicKey();
                        d.removePeer(key);
                        Thread.sleep(1);
                        configurePeer(d, key, onA ? "10.0.0.2" : "10.0.0.1", onA ? bindB.self : bindA.self);
                        removals.incrementAndGet();
                    }
                    if (i % 11 == 10) {
                        // Down and up again under traffic: every session is zeroed at once.
                        Device d = (i / 11) % 2 == 0 ? a : b;
                        d.down();
                        d.up();
                        downs.incrementAndGet();
                    }
                    Thread.sleep(2);
                }
            } catch (InterruptedException e) {
                // done
            } catch (Throwable t) {
                died.add(t);
            }
        }, "key-churn");

        long start = System.nanoTime();
        try {
            a.up();
            b.up();
            driver.start();
            long deadline = start + TimeUnit.SECONDS.toNanos(240);
            while ((tunA.matched.get() < perDirection || tunB.matched.get() < perDirection) && died.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(20);
            }
        } finally {
            driver.interrupt();
            driver.join(10_000);
            a.close();
            b.close();
            Thread.setDefaultUncaughtExceptionHandler(previousHandler);
            quiet.forEach(l -> l.setLevel(null));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("keypair churn (workers %d): %d + %d packets delivered in %.1f s, %d handshake rounds,"
                        + " %d peer removals, %d down/up, %d + %d handshakes completed, %d auth failures, %d zeroed-key uses,"
                        + " dropped unknown index %d/%d, decrypt %d/%d%n",
                cryptoWorkers, tunA.matched.get(), tunB.matched.get(), seconds, handshakeRounds.get(), removals.get(), downs.get(),
                a.stats().handshakesCompleted(), b.stats().handshakesCompleted(), authFailures.get(), zeroedKeyUses.get(),
                a.stats().droppedUnknownIndex(), b.stats().droppedUnknownIndex(), a.stats().droppedDecrypt(),
                b.stats().droppedDecrypt());
        if (!died.isEmpty()) {
            AssertionError e = new AssertionError(died.size() + " thread(s) died");
            died.forEach(e::addSuppressed);
            throw e;
        }
        assertEquals(0, zeroedKeyUses.get(), "a packet was sealed or opened with a zeroed key");
        assertEquals(0, authFailures.get(), "packets failed authentication");
        assertEquals(0, tunA.mismatched.get() + tunB.mismatched.get(), "a packet arrived altered");
        assertTrue(tunA.matched.get() >= perDirection && tunB.matched.get() >= perDirection,
                "only " + tunB.matched.get() + " (A to B) and " + tunA.matched.get() + " (B to A) of " + perDirection
                        + " each way arrived in time");
        assertTrue(removals.get() >= 10, "the peers were removed only " + removals.get() + " times");
        assertTrue(downs.get() >= 5, "the devices went down only " + downs.get() + " times");
        assertTrue(a.stats().handshakesCompleted() + b.stats().handshakesCompleted() >= 20,
                "too few handshakes completed to exercise anything");
    }
}
