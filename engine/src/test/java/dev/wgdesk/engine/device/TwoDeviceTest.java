package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two engines in one JVM over real UDP sockets on 127.0.0.1, with in-memory TUNs and a virtual
 * clock for the timers (issue 2, acceptance item 2).
 */
@Timeout(60)
class TwoDeviceTest {
    private final VirtualClock clock = new VirtualClock();
    private final PrivateKey keyA = PrivateKey.generate();
    private final PrivateKey keyB = PrivateKey.generate();
    private MemoryTun tunA;
    private MemoryTun tunB;
    private RecordingBind bindA;
    private RecordingBind bindB;
    private Device a;
    private Device b;

    @BeforeEach
    void setUp() throws Exception {
        tunA = new MemoryTun("wgA");
        tunB = new MemoryTun("wgB");
        bindA = new RecordingBind();
        bindB = new RecordingBind();
        a = new Device(tunA, bindA, clock, cryptoWorkers());
        b = new Device(tunB, bindB, clock, cryptoWorkers());
        PresharedKey psk = PresharedKey.generate();
        a.setPrivateKey(keyA);
        b.setPrivateKey(keyB);
        a.up();
        b.up();
        a.addPeer(keyB.publicKey());
        a.setPeerPresharedKey(keyB.publicKey(), psk);
        a.addPeerAllowedIp(keyB.publicKey(), InetAddress.getByName("10.0.0.2"), 32);
        a.addPeerAllowedIp(keyB.publicKey(), InetAddress.getByName("fd00::2"), 128);
        a.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress("127.0.0.1", b.listenPort()));
        b.addPeer(keyA.publicKey());
        b.setPeerPresharedKey(keyA.publicKey(), psk);
        b.addPeerAllowedIp(keyA.publicKey(), InetAddress.getByName("10.0.0.1"), 32);
        b.addPeerAllowedIp(keyA.publicKey(), InetAddress.getByName("fd00::1"), 128);
    }

    /** Inline crypto (the default on two cores); {@link TwoDeviceParallelTest} uses workers. */
    int cryptoWorkers() {
        return 0;
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    private static byte[] payload(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends one packet into {@code from}'s TUN and expects it, unchanged, out of {@code to}'s. */
    private static void assertDelivered(MemoryTun from, MemoryTun to, byte[] packet) throws InterruptedException {
        from.inject(packet);
        byte[] got = to.poll(10, TimeUnit.SECONDS);
        assertNotNull(got, "packet was not delivered");
        assertArrayEquals(packet, got);
    }

    @Test
    void handshakeThenIpv4AndIpv6BothWays() throws Exception {
        assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("hello over v4")));
        assertDelivered(tunB, tunA, TestPackets.udp("10.0.0.2", "10.0.0.1", payload("reply over v4")));
        assertDelivered(tunA, tunB, TestPackets.udp("fd00::1", "fd00::2", payload("hello over v6")));
        assertDelivered(tunB, tunA, TestPackets.udp("fd00::2", "fd00::1", payload("reply over v6")));
        // B learned A's endpoint from the handshake (roaming), and both record the handshake.
        PeerSnapshot seenByB = b.snapshot().peers().getFirst();
        assertEquals(a.listenPort(), seenByB.endpoint().getPort());
        assertTrue(seenByB.lastHandshakeEpochNanos() > 0);
        assertTrue(seenByB.rxBytes() > 0 && seenByB.txBytes() > 0);
        assertEquals(1, a.stats().handshakesCompleted());
    }

    @Test
    void rekeyAfterRekeyAfterTimeLosesNoPacket() throws Exception {
        java.util.List<String> infoLines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.INFO.intValue()) {
                    infoLines.add(r.getLoggerName() + " " + java.text.MessageFormat.format(r.getMessage(),
                            r.getParameters() == null ? new Object[0] : r.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger deviceLog = java.util.logging.Logger.getLogger("wgdesk.device");
        deviceLog.addHandler(capture);
        try {
            rekeyWithoutLoss();
        } finally {
            deviceLog.removeHandler(capture);
        }
        // What a user reads in the log: one "session is up" per side, not one per rekey.
        assertEquals(1, infoLines.stream().filter(l -> l.startsWith("wgdesk.device.wgA ")
                && l.contains("handshake completed, session with")).count(), String.join("\n", infoLines));
        assertEquals(1, infoLines.stream().filter(l -> l.startsWith("wgdesk.device.wgB ")
                && l.contains("handshake completed, session with")).count(), String.join("\n", infoLines));
    }

    private void rekeyWithoutLoss() throws Exception {
        assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("first")));
        Peer peerOfA = a.peerByKey(keyB.publicKey());
        Keypair first = peerOfA.currentKeypair();
        assertNotNull(first);
        assertTrue(first.initiator);

        // Past REKEY_AFTER_TIME, before REJECT_AFTER_TIME, in steps; B's keepalive at 10 s must
        // reach A before A's 15 s new-handshake timer would fire: wait for it, not for luck.
        Peer peerOfB = b.peerByKey(keyA.publicKey());
        String bKeepalive = peerOfB + " send-keepalive";
        await("B's keepalive timer armed by the data, A's new-handshake timer by sending it",
                () -> clock.isPending(bKeepalive) && clock.isPending(peerOfA + " new-handshake"));
        for (int s = 0; s < 121; s++) {
            int fired = clock.firings(bKeepalive).size();
            long rx = peerOfA.rxBytes.get();
            clock.advanceSeconds(1);
            if (clock.firings(bKeepalive).size() > fired) {
                await("A received B's keepalive", () -> peerOfA.rxBytes.get() >= rx + 32);
            }
        }
        for (int i = 0; i < 200; i++) {
            assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("packet " + i)));
            assertDelivered(tunB, tunA, TestPackets.udp("10.0.0.2", "10.0.0.1", payload("ack " + i)));
            if (peerOfA.currentKeypair() != first && i > 20) {
                break;
            }
            Thread.sleep(1);
        }
        assertNotEquals(first, peerOfA.currentKeypair(), "no rekey happened after REKEY_AFTER_TIME");
        assertTrue(a.stats().handshakesCompleted() >= 2);
        assertEquals(0, b.stats().droppedDecrypt());
    }

    @Test
    void replayedTransportPacketIsDropped() throws Exception {
        assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("original")));
        byte[] transport = bindB.received.stream()
                .filter(d -> d[0] == 4 && d.length > 32)
                .reduce((x, y) -> y).orElseThrow();
        try (DatagramChannel attacker = DatagramChannel.open()) {
            attacker.send(ByteBuffer.wrap(transport), new InetSocketAddress("127.0.0.1", b.listenPort()));
        }
        await("replay counted", () -> b.stats().droppedReplay() == 1);
        assertNull(tunB.poll(100, TimeUnit.MILLISECONDS), "a replayed packet was delivered");
    }

    @Test
    void innerSourceOutsideAllowedIpsIsDropped() throws Exception {
        assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("legit")));
        tunA.inject(TestPackets.udp("10.0.0.99", "10.0.0.2", payload("spoofed")));
        await("inner source drop", () -> b.stats().droppedInnerSource() == 1);
        assertNull(tunB.poll(100, TimeUnit.MILLISECONDS));
        assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("still works")));
    }

    @Test
    void roamingFollowsTheNewPort() throws Exception {
        assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("before")));
        int oldPort = a.listenPort();
        a.setListenPort(0);
        int newPort = a.listenPort();
        assertNotEquals(oldPort, newPort);
        assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("after")));
        assertEquals(newPort, b.snapshot().peers().getFirst().endpoint().getPort());
        assertDelivered(tunB, tunA, TestPackets.udp("10.0.0.2", "10.0.0.1", payload("back to the new port")));
    }

    @Test
    void underLoadCookieRoundTripThenHandshake() throws Exception {
        b.setForceUnderLoad(true);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", payload("needs a cookie")));
        await("cookie reply consumed", () -> a.stats().cookieRepliesConsumed() == 1);
        assertEquals(1, b.stats().cookieRepliesSent());
        assertEquals(0, a.stats().handshakesCompleted());
        // The initiator waits for its normal retransmit (REKEY_TIMEOUT plus jitter), now with a
        // valid mac2. Virtual time moves in steps so that a loaded machine's packet threads keep
        // up; the cookie stays valid far longer than these seconds.
        byte[] got = null;
        for (int step = 0; step < 60 && got == null; step++) {
            clock.advanceMillis(250);
            got = tunB.poll(step < 20 ? 20 : 250, TimeUnit.MILLISECONDS);
        }
        if (got == null) {
            got = tunB.poll(5, TimeUnit.SECONDS);
        }
        assertNotNull(got, "no handshake after the cookie round trip");
        assertEquals(1, a.stats().handshakesCompleted());
        assertEquals(1, b.stats().cookieRepliesSent());
    }

    @Test
    void linkDownTakesTheDeviceDownAndLinkUpBringsItBack() throws Exception {
        assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("before")));
        tunB.setLink(false);
        await("device down", () -> !b.isUp());
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", payload("while down")));
        assertNull(tunB.poll(200, TimeUnit.MILLISECONDS));
        int port = b.listenPort();
        tunB.setLink(true);
        await("device up", b::isUp);
        assertEquals(port, b.listenPort(), "the listen port changed across down/up");
        // Sessions were zeroed on down: a new handshake follows, then traffic flows again.
        clock.advanceMillis(5500);
        for (int i = 0; i < 50 && tunB.delivered() == 0; i++) {
            tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", payload("after " + i)));
            Thread.sleep(20);
            clock.advanceMillis(5500);
        }
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS), "no traffic after the link came back");
    }

    @Test
    void aFailingTunClosesTheDeviceAndTellsListeners() throws Exception {
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        a.onClosed(closed::countDown);
        tunA.failReads();
        assertTrue(closed.await(10, TimeUnit.SECONDS), "onClosed was not called");
        assertTrue(a.isClosed());
        assertTrue(tunA.isClosed());
    }

    @Test
    void removingAPeerStopsItsTraffic() throws Exception {
        assertDelivered(tunA, tunB, TestPackets.udp("10.0.0.1", "10.0.0.2", payload("before")));
        b.removePeer(keyA.publicKey());
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", payload("after removal")));
        await("unknown index", () -> b.stats().droppedUnknownIndex() >= 1);
        assertNull(tunB.poll(200, TimeUnit.MILLISECONDS));
        assertTrue(b.snapshot().peers().isEmpty());
    }
}
