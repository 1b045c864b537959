package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Device#restartHandshakes()}, what the helper calls on resume from sleep and on a change
 * of default route: a peer whose session the other side lost meanwhile is back within one
 * handshake, in virtual time that does not move (no timer needs to fire).
 */
@Timeout(60)
class RestartHandshakesTest extends MemoryDevicePair {
    private void connect() throws Exception {
        connect(true, "10.0.0.1");
    }

    private static long initiations(MemoryBind bind) {
        return count(bind, 1, 148);
    }

    @Test
    void aPeerWhoseSessionTheOtherSideLostIsBackWithinOneHandshake() throws Exception {
        connect();
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS), "first session");
        Peer pa = a.peerByKey(keyB.publicKey());
        Keypair before = pa.currentKeypair();
        assertNotNull(before);

        // "Suspend": B forgets every session (as a server restarted meanwhile would).
        b.down();
        b.up();
        // Without a restart A would keep sending on the dead session: B drops it.
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNull(tunB.poll(300, TimeUnit.MILLISECONDS), "the old session is dead on B's side");

        // Time passes (TAI64N timestamps must grow for B to accept a new initiation), but less
        // than any timer of A's: nothing but the restart can start the handshake.
        clock.advanceMillis(500);
        long sent = initiations(bindA);
        assertEquals(1, a.restartHandshakes());
        await("one initiation at once", () -> initiations(bindA) == sent + 1);
        await("a new session", () -> pa.currentKeypair() != null && pa.currentKeypair() != before);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS), "data flows again with no timer having fired");
        assertEquals(sent + 1, initiations(bindA), "exactly one handshake");
    }

    @Test
    void theOldSessionNoLongerSendsOnceRestarted() throws Exception {
        connect();
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        Peer pa = a.peerByKey(keyB.publicKey());
        Keypair old = pa.currentKeypair();
        // B is unreachable: the initiation gets no answer, so the old session stays current.
        net.deliver = d -> false;
        assertEquals(1, a.restartHandshakes());
        assertFalse(old.canSend(clock.nanoTime()), "the old session is expired for sending");
    }

    @Test
    void anIdlePeerAndAPeerWithoutEndpointStartNothing() throws Exception {
        connect();
        // No session yet, no keepalive, nothing staged: a restart has nothing to restart.
        long sent = initiations(bindA);
        assertEquals(0, a.restartHandshakes());
        assertFalse(a.restartHandshake(keyB.publicKey()));
        // B has a session-less peer without endpoint.
        assertEquals(0, b.restartHandshakes());
        Thread.sleep(50);
        assertEquals(sent, initiations(bindA));
        // With persistent keepalive the peer counts as in use.
        a.setPeerPersistentKeepalive(keyB.publicKey(), 25);
        await("the keepalive's handshake completes", () -> a.peerByKey(keyB.publicKey()).currentKeypair() != null);
        long now = initiations(bindA);
        assertTrue(a.restartHandshake(keyB.publicKey()));
        await("one more initiation", () -> initiations(bindA) == now + 1);
    }

    @Test
    void aDeviceThatIsDownRestartsNothing() throws Exception {
        connect();
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        a.down();
        assertEquals(0, a.restartHandshakes());
    }
}
