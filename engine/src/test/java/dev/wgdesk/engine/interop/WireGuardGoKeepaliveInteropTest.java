package dev.wgdesk.engine.interop;

import static dev.wgdesk.engine.interop.CountingBind.INITIATION;
import static dev.wgdesk.engine.interop.CountingBind.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Persistent keepalive against wireguard-go: with no data at all, a keepalive starts the session
 * and keeps it warm, whichever side has it switched on.
 */
class WireGuardGoKeepaliveInteropTest extends InteropTestSupport {

    @Test
    void javaPersistentKeepaliveStartsAndFeedsTheSession() throws Exception {
        wireGuardGoPeersWithJava(null, null);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), null);

        device.setPeerPersistentKeepalive(wg.publicKey, 1); // switched on while up: one goes out now
        await("two keepalives from the Java device", () -> bind.sentKeepalives() >= 2);
        WgDump.Peer first = assertWireGuardGoSeesJava(javaEndpoint(false));
        await("another keepalive", () -> bind.sentKeepalives() >= 3);
        WgDump.Peer later = wg.dump().peer(javaKey.publicKey().toBase64());
        assertTrue(later.rxBytes() > first.rxBytes(), "wireguard-go did not count the keepalives: " + first + " then " + later);

        assertTrue(bind.sent(INITIATION) >= 1 && bind.received(RESPONSE) >= 1, bind.toString());
        assertEquals(0, responder.unexpected().size() + responder.answered(false) + responder.answered(true),
                "keepalives must not reach the TUN");
        assertNoBadDrops();
    }

    @Test
    void wireGuardGoPersistentKeepaliveConfirmsTheJavaResponderSession() throws Exception {
        javaPeersWithWireGuardGo(null, null);
        wireGuardGoPeersWithJava(javaEndpoint(false), null);
        wg.setPersistentKeepalive(javaKey.publicKey(), 1);

        await("wireguard-go's handshake and keepalives", () -> bind.receivedKeepalives() >= 2);
        await("the Java session to be confirmed", () -> device.stats().handshakesCompleted() == 1);
        assertEquals(0, bind.sent(INITIATION), bind.toString());
        assertTrue(bind.received(INITIATION) >= 1 && bind.sent(RESPONSE) >= 1, bind.toString());
        assertJavaSeesWireGuardGo(wireGuardGoEndpoint(false));
        assertEquals(0, responder.unexpected().size() + responder.answered(false) + responder.answered(true),
                "keepalives must not reach the TUN");
        assertNoBadDrops();
        pingFromJava(false, 56); // the keepalive-made session carries data too
    }
}
