package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No silent death (issue 10 item 2, issue 15 item 3): an unexpected exception injected into each
 * stage of the data path — TUN read, routing and staging, seal, the outbound sequencer's send, UDP
 * receive, open, the inbound sequencer's TUN write, a timer expiry — costs the packet it happened
 * on, never the loop: traffic keeps flowing, the device stays up, and no buffer is lost.
 */
@Timeout(60)
class DataPathFaultTest {
    private final VirtualClock clock = new VirtualClock();
    private final MemoryBind.Network net = new MemoryBind.Network();
    private MemoryTun tunA;
    private MemoryTun tunB;
    private MemoryBind bindA;
    private MemoryBind bindB;
    private Device a;
    private Device b;

    /** A cipher that works (the stand-in XOR cipher) but throws when told to. */
    static final class FaultyCipher implements PacketCipher {
        final AtomicInteger sealFaults;
        final AtomicInteger openFaults;
        private final PacketCipher real = new SteadyStateAllocationTest.XorCipher();

        FaultyCipher(AtomicInteger sealFaults, AtomicInteger openFaults) {
            this.sealFaults = sealFaults;
            this.openFaults = openFaults;
        }

        @Override
        public void seal(byte[] key, long counter, byte[] buf, int off, int len) {
            if (sealFaults.getAndDecrement() > 0) {
                throw new IllegalStateException("injected fault in seal");
            }
            real.seal(key, counter, buf, off, len);
        }

        @Override
        public boolean open(byte[] key, long counter, byte[] buf, int off, int lenWithTag) {
            if (openFaults.getAndDecrement() > 0) {
                throw new IllegalStateException("injected fault in open");
            }
            return real.open(key, counter, buf, off, lenWithTag);
        }
    }

    private final AtomicInteger sealFaults = new AtomicInteger();
    private final AtomicInteger openFaults = new AtomicInteger();

    private void start(int workers) throws Exception {
        tunA = new MemoryTun("fa");
        tunB = new MemoryTun("fb");
        bindA = new MemoryBind(net);
        bindB = new MemoryBind(net);
        Supplier<PacketCipher> ciphers = () -> new FaultyCipher(sealFaults, openFaults);
        a = new Device(tunA, bindA, clock, workers, ciphers);
        b = new Device(tunB, bindB, clock, workers, ciphers);
        DevicePair.connect(a, b, new InetSocketAddress("127.0.0.1", 1));
    }

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    static byte[] packet(int i) {
        return TestPackets.udp("10.0.0.1", "10.0.0.2", ("packet " + i).getBytes());
    }

    static byte[] reply(int i) {
        return TestPackets.udp("10.0.0.2", "10.0.0.1", ("reply " + i).getBytes());
    }

    /** Sends packets A to B one at a time until one arrives (the first waits for the handshake). */
    static void flows(MemoryTun from, MemoryTun to, boolean forward) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            from.inject(forward ? packet(i) : reply(i));
            if (to.poll(200, TimeUnit.MILLISECONDS) != null) {
                return;
            }
        }
        throw new AssertionError("no packet got through " + (forward ? "A to B" : "B to A"));
    }

    /** Then 20 packets in a row arrive, each within a second. */
    static void keepsFlowing(MemoryTun from, MemoryTun to, boolean forward) throws InterruptedException {
        flows(from, to, forward);
        while (to.poll() != null) {
            // drain
        }
        for (int i = 0; i < 20; i++) {
            from.inject(forward ? packet(i) : reply(i));
            assertNotNull(to.poll(2, TimeUnit.SECONDS), "packet " + i + " after the fault did not arrive");
        }
    }

    private void connectEndpoints() throws Exception {
        // DevicePair gave A a placeholder endpoint; point it at B's real port.
        a.setPeerEndpoint(b.publicKey(), new InetSocketAddress("127.0.0.1", b.listenPort()));
    }

    private void assertSurvived() throws InterruptedException {
        keepsFlowing(tunA, tunB, true);
        keepsFlowing(tunB, tunA, false);
        assertTrue(a.isUp() && !a.isClosed(), "device A went down");
        assertTrue(b.isUp() && !b.isClosed(), "device B went down");
        assertTrue(a.stats().internalErrors() + b.stats().internalErrors() > 0, "the injected faults were not counted");
        assertEquals(null, a.failureReason());
        assertEquals(null, b.failureReason());
    }

    private void assertNoBufferLost() {
        a.down();
        b.down();
        assertEquals(a.outboundPool.max(), a.outboundPool.available(), "A's outbound buffers lost");
        assertEquals(a.inboundPool.max(), a.inboundPool.available(), "A's inbound buffers lost");
        assertEquals(b.outboundPool.max(), b.outboundPool.available(), "B's outbound buffers lost");
        assertEquals(b.inboundPool.max(), b.inboundPool.available(), "B's inbound buffers lost");
        assertEquals(0, a.outboundPool.doubleReleases() + a.inboundPool.doubleReleases()
                + b.outboundPool.doubleReleases() + b.inboundPool.doubleReleases(), "a buffer had two owners");
    }

    /** A loop that cannot go on closes the device with a reason the embedder can read. */
    @ParameterizedTest(name = "crypto workers: {0}")
    @ValueSource(ints = {0, 2})
    void aReaderThatKeepsFailingClosesTheDeviceWithAReason(int workers) throws Exception {
        start(workers);
        connectEndpoints();
        flows(tunA, tunB, true);
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        a.onClosed(closed::countDown);
        tunA.throwOnReads(1_000_000);
        assertTrue(closed.await(30, TimeUnit.SECONDS), "the device did not close");
        String reason = a.failureReason();
        assertNotNull(reason);
        assertTrue(reason.contains("reading from TUN fa failed 100 times in a row"), reason);
        assertTrue(a.isClosed());
        assertEquals(null, b.failureReason());
    }

    /** A TUN that fails with an I/O error (deleted, broken) closes the device with that reason. */
    @Test
    void aBrokenTunClosesTheDeviceWithTheReason() throws Exception {
        start(0);
        connectEndpoints();
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        a.onClosed(closed::countDown);
        tunA.failReads();
        assertTrue(closed.await(30, TimeUnit.SECONDS), "the device did not close");
        assertNotNull(a.failureReason());
        assertTrue(a.failureReason().contains("simulated driver failure"), a.failureReason());
    }

    /** A device closed on purpose has no failure reason. */
    @Test
    void aDeviceClosedOnPurposeHasNoFailureReason() throws Exception {
        start(0);
        a.close();
        assertEquals(null, a.failureReason());
    }

    @ParameterizedTest(name = "crypto workers: {0}")
    @ValueSource(ints = {0, 2})
    void tunReaderSurvivesAThrowingRead(int workers) throws Exception {
        start(workers);
        connectEndpoints();
        flows(tunA, tunB, true);
        tunA.throwOnReads(3);
        assertSurvived();
        assertNoBufferLost();
    }

    @ParameterizedTest(name = "crypto workers: {0}")
    @ValueSource(ints = {0, 2})
    void udpReceiverSurvivesAThrowingReceive(int workers) throws Exception {
        start(workers);
        connectEndpoints();
        flows(tunA, tunB, true);
        bindB.throwOnReceives(3);
        assertSurvived();
        assertNoBufferLost();
    }

    @ParameterizedTest(name = "crypto workers: {0}")
    @ValueSource(ints = {0, 2})
    void outboundSequencerSurvivesAThrowingSend(int workers) throws Exception {
        start(workers);
        connectEndpoints();
        flows(tunA, tunB, true);
        bindA.throwOnSends(3);
        assertSurvived();
        assertNoBufferLost();
    }

    @ParameterizedTest(name = "crypto workers: {0}")
    @ValueSource(ints = {0, 2})
    void inboundSequencerSurvivesAThrowingTunWrite(int workers) throws Exception {
        start(workers);
        connectEndpoints();
        flows(tunA, tunB, true);
        tunB.throwOnWrites(3);
        assertSurvived();
        assertNoBufferLost();
    }

    @ParameterizedTest(name = "crypto workers: {0}")
    @ValueSource(ints = {0, 2})
    void sealAndOpenFaultsCostOnlyTheirPacket(int workers) throws Exception {
        start(workers);
        connectEndpoints();
        flows(tunA, tunB, true);
        sealFaults.set(3);
        openFaults.set(3);
        assertSurvived();
        assertNoBufferLost();
    }

    @Test
    void timerExpirySurvivesAThrowingSend() throws Exception {
        start(0);
        connectEndpoints();
        flows(tunA, tunB, true);
        // A persistent keepalive is sent by a timer expiry: make its sends throw.
        a.setPeerPersistentKeepalive(b.publicKey(), 1);
        bindA.throwOnSends(3);
        for (int i = 0; i < 5; i++) {
            clock.advanceSeconds(1); // must not throw out of the expiry
        }
        assertSurvived();
        assertNoBufferLost();
    }
}
