package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The timer state machine of protocol.md 1.7, in virtual time over an in-memory network. */
@Timeout(60)
class TimersTest {
    private final VirtualClock clock = new VirtualClock();
    private final MemoryBind.Network net = new MemoryBind.Network();
    private final PrivateKey keyA = PrivateKey.generate();
    private final PrivateKey keyB = PrivateKey.generate();
    private final MemoryTun tunA = new MemoryTun("tA");
    private final MemoryTun tunB = new MemoryTun("tB");
    private final MemoryBind bindA = new MemoryBind(net);
    private final MemoryBind bindB = new MemoryBind(net);
    private final Device a = new Device(tunA, bindA, clock, 0);
    private final Device b = new Device(tunB, bindB, clock, 0);

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
    }

    private void connect(boolean bReachable) throws Exception {
        a.setPrivateKey(keyA);
        b.setPrivateKey(keyB);
        a.up();
        b.up();
        a.addPeer(keyB.publicKey());
        a.addPeerAllowedIp(keyB.publicKey(), InetAddress.getByName("10.0.0.2"), 32);
        int port = bReachable ? b.listenPort() : 9; // nothing listens on 9
        a.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress("127.0.0.1", port));
        b.addPeer(keyA.publicKey());
        b.addPeerAllowedIp(keyA.publicKey(), InetAddress.getByName("10.0.0.1"), 32);
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    private static long count(MemoryBind bind, int type, int size) {
        return bind.sent.stream().filter(d -> d[0] == type && (size < 0 || d.length == size)).count();
    }

    /** Advances virtual time in 1 s steps, letting the packet threads catch up after each. */
    private void advanceSettled(int seconds) throws InterruptedException {
        for (int i = 0; i < seconds; i++) {
            clock.advanceSeconds(1);
            Thread.sleep(3);
        }
    }

    /** Lets the packet threads finish what the last virtual-time step started. */
    private static void settle() throws InterruptedException {
        Thread.sleep(30);
    }

    @Test
    void retransmitsEveryRekeyTimeoutThenGivesUpAfterTwentyTries() throws Exception {
        connect(false);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        await("first initiation", () -> count(bindA, 1, 148) == 1);
        clock.advanceMillis(4999);
        assertEquals(1, count(bindA, 1, 148), "retransmitted before REKEY_TIMEOUT");
        advanceSettled(200);
        assertEquals(20, count(bindA, 1, 148), "MAX_TIMER_HANDSHAKES + 2 initiations, then give up");
        Peer p = a.peerByKey(keyB.publicKey());
        assertTrue(p.timers.isZeroKeyMaterialPending(), "giving up arms zero-key-material");
    }

    @Test
    void keepaliveTenSecondsAfterReceivingDataWithNoReply() throws Exception {
        connect(true);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        settle();
        long before = count(bindB, 4, 32);
        clock.advanceMillis(9900);
        settle();
        assertEquals(before, count(bindB, 4, 32), "keepalive before KEEPALIVE_TIMEOUT");
        clock.advanceMillis(200);
        await("keepalive", () -> count(bindB, 4, 32) >= before + 1);
    }

    @Test
    void newHandshakeWhenSentDataGetsNoReply() throws Exception {
        connect(true);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        settle();
        // From now on B's packets are lost: A hears nothing back.
        net.deliver = d -> !(d[0] == 4 && bindB.sent.contains(d));
        long initiations = count(bindA, 1, 148);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        clock.advanceSeconds(14);
        settle();
        assertEquals(initiations, count(bindA, 1, 148), "new handshake before KEEPALIVE + REKEY_TIMEOUT");
        clock.advanceMillis(1400);
        await("new handshake", () -> count(bindA, 1, 148) == initiations + 1);
    }

    @Test
    void persistentKeepaliveSendsAtOnceWhenEnabledAndThenEveryInterval() throws Exception {
        connect(true);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        settle();
        long before = count(bindA, 4, 32);
        a.setPeerPersistentKeepalive(keyB.publicKey(), 25);
        await("immediate keepalive", () -> count(bindA, 4, 32) == before + 1);
        // Every authenticated packet in either direction re-arms the timer; once the line is
        // quiet, keepalives go out exactly every 25 s.
        java.util.List<Long> times = new java.util.ArrayList<>();
        long seen = before + 1;
        for (int i = 0; i < 120; i++) {
            clock.advanceSeconds(1);
            Thread.sleep(3);
            long now = count(bindA, 4, 32);
            if (now > seen) {
                times.add(clock.nanoTime() / 1_000_000_000L);
                seen = now;
            }
        }
        assertTrue(times.size() >= 3, "too few persistent keepalives: " + times);
        for (int i = 2; i < times.size(); i++) {
            assertEquals(25, times.get(i) - times.get(i - 1), "keepalive spacing " + times);
        }
    }

    @Test
    void keyMaterialIsZeroedAfterThreeTimesRejectAfterTime() throws Exception {
        connect(true);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        settle();
        Peer p = a.peerByKey(keyB.publicKey());
        Keypair kp = p.currentKeypair();
        assertNotNull(kp);
        // B's keepalive, 10 s after A's data, answers A before A's new-handshake timer (15 s)
        // would start a second session; wait for it rather than count on the threads' speed.
        advanceSettled(10);
        await("B's keepalive to reach A", () -> !p.timers.isNewHandshakePending());
        advanceSettled(528);
        assertNotNull(p.currentKeypair(), "zeroed too early");
        clock.advanceSeconds(2);
        assertNull(p.currentKeypair());
        assertTrue(kp.isDestroyed());
    }

    @Test
    void paddingRoundsToSixteenButNeverPastTheMtu() {
        assertEquals(0, Device.paddingSize(0, 1420));
        assertEquals(15, Device.paddingSize(1, 1420));
        assertEquals(0, Device.paddingSize(16, 1420));
        assertEquals(8, Device.paddingSize(1400, 1420)); // 1400 -> 1408
        assertEquals(0, Device.paddingSize(1420, 1420)); // 1420 is not rounded past the MTU
        assertEquals(3, Device.paddingSize(1417, 1420)); // would be 1424, clamped to 1420
        assertEquals(15, Device.paddingSize(17, 0));
    }
}
