package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.crypto.FastChaCha20Poly1305;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.noise.CookieGenerator;
import dev.wgdesk.engine.noise.Handshake;
import dev.wgdesk.engine.noise.HandshakeResult;
import dev.wgdesk.engine.noise.Messages;
import dev.wgdesk.engine.noise.SessionKeys;
import dev.wgdesk.engine.noise.StaticIdentity;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The world the device fuzz targets run in, built once per JVM (a device pair costs threads and
 * buffers, far too much per input): two real devices {@code a} (10.0.0.1, fd00::1) and {@code b}
 * (10.0.0.2, fd00::2) with a live session over in-memory TUNs and UDP, plus:
 * <ul>
 *   <li>on {@code b}, a third peer F (10.0.0.3, fd00::3) whose side this class plays by hand
 *       with the noise package, so a fuzz target can send {@code b} authentic transport packets
 *       with any content and counter;</li>
 *   <li>on {@code a}, a peer C (10.0.0.9, fd00::9) with no endpoint, for which packets are staged.</li>
 * </ul>
 * {@link #assertAlive} checks after each input that the live pair still carries packets both ways,
 * that no device thread died of an exception and that nothing was logged as an error.
 */
final class FuzzedDevices {
    static final byte[] A4 = {10, 0, 0, 1};
    static final byte[] B4 = {10, 0, 0, 2};
    static final byte[] F4 = {10, 0, 0, 3};
    static final byte[] C4 = {10, 0, 0, 9};
    static final byte[] A6 = v6(1);
    static final byte[] B6 = v6(2);
    static final byte[] F6 = v6(3);
    static final byte[] C6 = v6(9);
    private static final long LIVENESS_TIMEOUT_MS = 5000;

    final VirtualClock clock = new VirtualClock();
    final MemoryBind.Network network = new MemoryBind.Network();
    final MemoryTun tunA = new MemoryTun("wgfzA");
    final MemoryTun tunB = new MemoryTun("wgfzB");
    final Device a = new Device(tunA, new MemoryBind(network), clock, 0);
    final Device b = new Device(tunB, new MemoryBind(network), clock, 0);
    /** F's socket, from which the fuzz targets send to {@code b}. */
    final MemoryBind fBind = new MemoryBind(network);
    final UdpEndpoint toB;
    /** F's session with b: F is the initiator. */
    final SessionKeys fKeys;
    final CookieGenerator fMacs;
    private final FastChaCha20Poly1305 fCipher = new FastChaCha20Poly1305();
    long fCounter;
    private long liveness;

    private static final AtomicReference<Throwable> UNCAUGHT = new AtomicReference<>();
    private static final List<String> ERRORS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Held so the logger, and the handler on it, are not collected. */
    private static final Logger DEVICE_LOGGER = Logger.getLogger("wgdesk.device");
    private static FuzzedDevices instance;

    /** The shared world, created on first use. */
    static synchronized FuzzedDevices get() throws Exception {
        if (instance == null) {
            instance = new FuzzedDevices();
        }
        return instance;
    }

    private FuzzedDevices() throws Exception {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (t.getName().contains("wgfz")) { // other tests in this JVM have devices of their own
                UNCAUGHT.compareAndSet(null, new AssertionError("thread " + t.getName() + " died", e));
            }
            if (previous != null) {
                previous.uncaughtException(t, e);
            }
        });
        DEVICE_LOGGER.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                // Only this class's devices: other tests in the same JVM log errors on purpose.
                if (r.getLevel().intValue() >= Level.SEVERE.intValue() && r.getLoggerName().contains("wgfz")) {
                    ERRORS.add(r.getLoggerName() + ": " + r.getMessage()
                            + (r.getParameters() == null ? "" : " " + Arrays.toString(r.getParameters()))
                            + (r.getThrown() == null ? "" : " " + r.getThrown()));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });

        SecureRandom random = new SecureRandom();
        PrivateKey ka = PrivateKey.generate();
        PrivateKey kb = PrivateKey.generate();
        PrivateKey kf = PrivateKey.generate();
        a.setPrivateKey(ka);
        b.setPrivateKey(kb);
        PublicKey pa = ka.publicKey();
        PublicKey pb = kb.publicKey();
        PublicKey pf = kf.publicKey();
        PublicKey pc = PrivateKey.generate().publicKey();
        a.addPeer(pb);
        a.addPeerAllowedIp(pb, B4, 32);
        a.addPeerAllowedIp(pb, B6, 128);
        a.addPeer(pc);
        a.addPeerAllowedIp(pc, C4, 32);
        a.addPeerAllowedIp(pc, C6, 128);
        b.addPeer(pa);
        b.addPeerAllowedIp(pa, A4, 32);
        b.addPeerAllowedIp(pa, A6, 128);
        b.addPeer(pf);
        b.addPeerAllowedIp(pf, F4, 32);
        b.addPeerAllowedIp(pf, F6, 128);
        a.up();
        b.up();
        toB = UdpEndpoint.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.listenPort()));
        a.setPeerEndpoint(pb, toB.remote());
        fBind.open(0);

        // F's handshake with b, by hand.
        StaticIdentity idF = new StaticIdentity(kf);
        Handshake hs = new Handshake(idF, pb, PresharedKey.none(), clock, random);
        fMacs = new CookieGenerator(pb, clock);
        byte[] init = new byte[Protocol.MESSAGE_INITIATION_SIZE];
        assertTrue(hs.createInitiation(0x0f0f0f0f, init, 0));
        fMacs.addMacs(init, 0, init.length);
        fBind.send(new ByteBuffer[] {ByteBuffer.wrap(init)}, 1, toB);
        byte[] response = receiveAtF();
        HandshakeResult r = hs.consumeResponse(response, 0, response.length);
        assertTrue(r.isAccepted(), "b's response to F: " + r);
        fKeys = hs.beginSession();
        // The first transport packet confirms the session on b's side.
        send(transport(fCounter++, new byte[0], 0, 0));

        assertAlive();
    }

    /** The next datagram b sends F (the handshake response), within a few seconds. */
    private byte[] receiveAtF() throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ByteBuffer buf = ByteBuffer.allocate(2048);
                fBind.receive(new ByteBuffer[] {buf}, new UdpEndpoint[1], 1);
                return Arrays.copyOfRange(buf.array(), buf.position(), buf.limit());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** Sends {@code datagram} from F's socket to b. */
    void send(byte[] datagram) throws java.io.IOException {
        fBind.send(new ByteBuffer[] {ByteBuffer.wrap(datagram)}, 1, toB);
    }

    /**
     * An authentic transport message from F: {@code plain[off, off+len)} sealed under F's
     * session key with {@code counter}, followed by {@code padding} zero bytes inside the seal.
     */
    byte[] transport(long counter, byte[] plain, int len, int padding) {
        int body = len + padding;
        byte[] msg = new byte[Protocol.MESSAGE_TRANSPORT_HEADER_SIZE + body + Protocol.AEAD_TAG_LENGTH];
        Messages.writeTransportHeader(msg, 0, fKeys.remoteIndex(), counter);
        System.arraycopy(plain, 0, msg, Protocol.MESSAGE_TRANSPORT_HEADER_SIZE, len);
        fCipher.seal(fKeys.sendKey(), counter, msg, Protocol.MESSAGE_TRANSPORT_HEADER_SIZE, body, null);
        return msg;
    }

    /**
     * Fails unless packets still flow a → b and b → a, no thread died and no error was logged.
     * Packets b delivers meanwhile that are not the probes must satisfy {@code deliveredByB}.
     */
    void assertAlive(Predicate<byte[]> deliveredByB) throws InterruptedException {
        probe(tunA, tunB, A4, B4, deliveredByB);
        probe(tunB, tunA, B4, A4, p -> false);
        Throwable t = UNCAUGHT.get();
        if (t != null) {
            throw new AssertionError("a thread died", t);
        }
        if (!ERRORS.isEmpty()) {
            List<String> copy = new ArrayList<>(ERRORS);
            ERRORS.clear();
            throw new AssertionError("errors logged: " + copy);
        }
    }

    void assertAlive() throws InterruptedException {
        assertAlive(p -> false);
    }

    /** Sends a numbered probe into {@code from} and waits for it at {@code to}. */
    private void probe(MemoryTun from, MemoryTun to, byte[] src, byte[] dst, Predicate<byte[]> others)
            throws InterruptedException {
        long n = ++liveness;
        byte[] payload = ByteBuffer.allocate(16).putLong(0x70726f6265L).putLong(n).array();
        byte[] probe = ipv4Udp(src, dst, payload);
        from.inject(probe);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIVENESS_TIMEOUT_MS);
        while (true) {
            long left = deadline - System.nanoTime();
            byte[] got = left <= 0 ? null : to.poll(left, TimeUnit.NANOSECONDS);
            if (got == null) {
                throw new AssertionError("the live peer stopped working: probe " + n + " from "
                        + from.name() + " did not arrive at " + to.name() + " within " + LIVENESS_TIMEOUT_MS + " ms");
            }
            if (Arrays.equals(got, probe)) {
                return;
            }
            if (!others.test(got)) {
                throw new AssertionError("unexpected packet out of " + to.name() + ": " + got.length + " bytes, "
                        + java.util.HexFormat.of().formatHex(got, 0, Math.min(got.length, 48)) + "...");
            }
        }
    }

    /** A minimal IPv4 UDP packet (header checksum left 0: the engine does not check it). */
    static byte[] ipv4Udp(byte[] src, byte[] dst, byte[] payload) {
        int total = 28 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(src).put(dst).putShort((short) 4000).putShort((short) 5000).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        return b.array();
    }

    private static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[15] = (byte) last;
        return a;
    }
}
