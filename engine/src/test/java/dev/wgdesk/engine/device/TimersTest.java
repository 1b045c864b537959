package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.Protocol.KEEPALIVE_TIMEOUT_NANOS;
import static dev.wgdesk.engine.Protocol.MAX_TIMER_HANDSHAKES;
import static dev.wgdesk.engine.Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS;
import static dev.wgdesk.engine.Protocol.REKEY_TIMEOUT_NANOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The timer state machine of protocol.md 1.7, in virtual time over an in-memory network. */
@Timeout(60)
class TimersTest extends MemoryDevicePair {
    private void connect(boolean bReachable) throws Exception {
        connect(bReachable, "10.0.0.1");
    }

    /** The name of {@code peer}'s timer {@code kind} (as {@link Timers} names them). */
    private static String timer(Peer peer, String kind) {
        return peer + " " + kind;
    }

    private static final long S = 1_000_000_000L;

    /*
     * No check below depends on how fast the packet threads run: virtual time moves only when the
     * test advances it, timers fire on the test's thread (VirtualClock records which fired when), and
     * before moving time the test waits for the event that must come first (a timer armed by a packet
     * thread, a packet on the wire or processed by the other side).
     */

    @Test
    void retransmitsEveryRekeyTimeoutThenGivesUpAfterTwentyTries() throws Exception {
        connect(false);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        Peer p = a.peerByKey(keyB.publicKey());
        String retransmit = timer(p, "retransmit-handshake");
        await("first initiation sent, retransmit armed", () -> count(bindA, 1, 148) == 1 && clock.isPending(retransmit));
        long t0 = clock.nanoTime();
        clock.advanceMillis(4999);
        assertEquals(List.of(), clock.firings(retransmit), "retransmitted before REKEY_TIMEOUT");
        clock.advanceSeconds(200); // each expiry sends and re-arms on this thread
        List<Long> fired = clock.firings(retransmit);
        assertEquals(MAX_TIMER_HANDSHAKES + 2, fired.size(), "19 retries, then the expiry that gives up: " + fired);
        long previous = t0;
        for (long at : fired) {
            long gap = at - previous;
            assertTrue(gap >= REKEY_TIMEOUT_NANOS && gap <= REKEY_TIMEOUT_NANOS + REKEY_TIMEOUT_JITTER_MAX_NANOS,
                    "REKEY_TIMEOUT plus jitter between tries: " + gap);
            previous = at;
        }
        assertFalse(clock.isPending(retransmit), "gave up");
        assertTrue(p.timers.isZeroKeyMaterialPending(), "giving up arms zero-key-material");
        await("20 initiations on the wire", () -> count(bindA, 1, 148) == MAX_TIMER_HANDSHAKES + 2);
    }

    @Test
    void keepaliveTenSecondsAfterReceivingDataWithNoReply() throws Exception {
        connect(true);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        Peer pb = b.peerByKey(keyA.publicKey());
        String keepalive = timer(pb, "send-keepalive");
        await("B's keepalive timer armed by the data it received", () -> clock.isPending(keepalive));
        long before = count(bindB, 4, 32);
        long t0 = clock.nanoTime();
        clock.advanceMillis(9900);
        assertEquals(List.of(), clock.firings(keepalive), "keepalive before KEEPALIVE_TIMEOUT");
        clock.advanceMillis(200);
        assertEquals(List.of(t0 + KEEPALIVE_TIMEOUT_NANOS), clock.firings(keepalive));
        await("keepalive on the wire", () -> count(bindB, 4, 32) == before + 1);
    }

    @Test
    void newHandshakeWhenSentDataGetsNoReply() throws Exception {
        connect(true);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        // From now on B's packets are lost: A hears nothing back.
        net.deliver = d -> !(d[0] == 4 && bindB.sent.contains(d));
        Peer pa = a.peerByKey(keyB.publicKey());
        String newHandshake = timer(pa, "new-handshake");
        long initiations = count(bindA, 1, 148);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        await("A's new-handshake timer armed by the data it sent", () -> clock.isPending(newHandshake));
        long t0 = clock.nanoTime();
        clock.advanceSeconds(15);
        assertEquals(List.of(), clock.firings(newHandshake), "new handshake before KEEPALIVE + REKEY_TIMEOUT");
        clock.advanceMillis(REKEY_TIMEOUT_JITTER_MAX_NANOS / 1_000_000);
        List<Long> fired = clock.firings(newHandshake);
        assertEquals(1, fired.size());
        assertTrue(fired.getFirst() - t0 >= KEEPALIVE_TIMEOUT_NANOS + REKEY_TIMEOUT_NANOS, "fired at " + fired);
        await("new handshake", () -> count(bindA, 1, 148) == initiations + 1);
    }

    @Test
    void persistentKeepaliveSendsAtOnceWhenEnabledAndThenEveryInterval() throws Exception {
        connect(true);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        Peer pa = a.peerByKey(keyB.publicKey());
        Peer pb = b.peerByKey(keyA.publicKey());
        String persistent = timer(pa, "persistent-keepalive");
        String bKeepalive = timer(pb, "send-keepalive");
        await("B's keepalive timer armed by the data it received and A's new-handshake timer by the data it sent",
                () -> clock.isPending(bKeepalive) && clock.isPending(timer(pa, "new-handshake")));
        long t0 = clock.nanoTime();
        long before = count(bindA, 4, 32);
        a.setPeerPersistentKeepalive(keyB.publicKey(), 25);
        await("immediate keepalive", () -> count(bindA, 4, 32) == before + 1);
        // Every authenticated packet in either direction re-arms the timer: B's keepalive at 10 s
        // (its answer to A's data) moves A's first one to 35 s; then the line is quiet and A's go
        // out exactly every 25 s.
        long sentByA = before + 1;
        for (int i = 0; i < 120; i++) {
            int firedA = clock.firings(persistent).size();
            int firedB = clock.firings(bKeepalive).size();
            long rxA = pa.rxBytes.get();
            clock.advanceSeconds(1);
            if (clock.firings(persistent).size() > firedA) { // sent (and re-armed) before the next second
                long want = ++sentByA;
                await("A's persistent keepalive on the wire", () -> count(bindA, 4, 32) == want);
            }
            if (clock.firings(bKeepalive).size() > firedB) {
                await("A received B's keepalive", () -> pa.rxBytes.get() >= rxA + 32);
            }
        }
        List<Long> seconds = clock.firings(persistent).stream().map(t -> (t - t0) / S).toList();
        assertEquals(List.of(35L, 60L, 85L, 110L), seconds, "persistent keepalives (s after enabling)");
    }

    @Test
    void keyMaterialIsZeroedAfterThreeTimesRejectAfterTime() throws Exception {
        connect(true);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        Peer p = a.peerByKey(keyB.publicKey());
        Peer pb = b.peerByKey(keyA.publicKey());
        String zero = timer(p, "zero-key-material");
        // A's new-handshake timer is armed after its data left (SendPath), which may be after B
        // delivered it: wait for that too, or B's keepalive could come before it and not cancel it.
        await("zero-key-material armed by the session, A's new-handshake and B's keepalive timers by the data",
                () -> clock.isPending(zero) && clock.isPending(timer(p, "new-handshake"))
                        && clock.isPending(timer(pb, "send-keepalive")));
        Keypair kp = p.currentKeypair();
        assertNotNull(kp);
        long rxA = p.rxBytes.get();
        clock.advanceSeconds(10); // B's keepalive: A hears back, so it starts no new session at 15 s
        await("A received B's keepalive", () -> p.rxBytes.get() >= rxA + 32);
        assertFalse(clock.isPending(timer(p, "new-handshake")));
        clock.advanceSeconds(528);
        assertEquals(List.of(), clock.firings(zero), "zeroed too early");
        assertNotNull(p.currentKeypair(), "zeroed too early");
        clock.advanceSeconds(2);
        assertEquals(List.of(), clock.firings(timer(p, "retransmit-handshake")), "a needless second handshake");
        assertEquals(1, clock.firings(zero).size());
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
