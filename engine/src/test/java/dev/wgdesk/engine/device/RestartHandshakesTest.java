package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/**
 * {@link Device#restartHandshakes()}, what the helper calls on resume from sleep and on a change
 * of default route: a peer whose session the other side lost meanwhile is back within one
 * handshake, in virtual time that does not move (no timer needs to fire).
 */
@Timeout(60)
class RestartHandshakesTest {
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

    private void connect() throws Exception {
        a.setPrivateKey(keyA);
        b.setPrivateKey(keyB);
        a.up();
        b.up();
        a.addPeer(keyB.publicKey());
        a.addPeerAllowedIp(keyB.publicKey(), InetAddress.getByName("10.0.0.2"), 32);
        a.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress("127.0.0.1", b.listenPort()));
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

    private static long initiations(MemoryBind bind) {
        return bind.sent.stream().filter(d -> d[0] == 1 && d.length == 148).count();
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
