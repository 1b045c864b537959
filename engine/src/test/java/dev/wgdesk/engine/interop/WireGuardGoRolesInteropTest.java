package dev.wgdesk.engine.interop;

import static dev.wgdesk.engine.interop.CountingBind.INITIATION;
import static dev.wgdesk.engine.interop.CountingBind.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One side knows no endpoint, so only the other can start the session: wireguard-go as pure
 * responder (the Java device initiates), and as pure initiator (the Java device only responds).
 */
class WireGuardGoRolesInteropTest extends InteropTestSupport {

    @Test
    void wireGuardGoAsResponderOnly() throws Exception {
        wireGuardGoPeersWithJava(null, null);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), null);
        WgDump.Peer before = wg.dump().peer(javaKey.publicKey().toBase64());
        assertNotNull(before);
        assertEquals("(none)", before.endpoint());

        pingFromJava(false, 56);
        pingFromJava(true, 56);
        pingFromNamespace(false); // wireguard-go now answers over the session the Java device made
        pingFromNamespace(true);

        assertTrue(bind.sent(INITIATION) >= 1 && bind.received(RESPONSE) >= 1, bind.toString());
        assertEquals(0, bind.received(INITIATION), bind.toString());
        assertEquals(1, device.stats().handshakesCompleted(), diagnostics());
        assertNoBadDrops();
        // wireguard-go learned where the Java device is from its initiation.
        assertWireGuardGoSeesJava(javaEndpoint(false));
    }

    @Test
    void wireGuardGoAsInitiatorOnly() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(false), null);
        javaPeersWithWireGuardGo(null, null);

        // With no endpoint and no session the Java device can only stage this request.
        int staged = sendPingFromJava(false, 64);
        assertNull(responder.awaitReply(wg.wgV4, echoId, staged, Duration.ofMillis(800)));
        assertEquals(0, bind.sentTotal(), "the Java device sent without knowing an endpoint: " + bind);

        pingFromNamespace(false);
        // Once wireguard-go's first data confirmed the session, the staged request went out too.
        expectReply(false, staged, 64);
        pingFromJava(true, 56);

        assertEquals(0, bind.sent(INITIATION), bind.toString());
        assertTrue(bind.received(INITIATION) >= 1 && bind.sent(RESPONSE) >= 1, bind.toString());
        assertEquals(1, device.stats().handshakesCompleted(), diagnostics());
        assertNoBadDrops();
        assertJavaSeesWireGuardGo(wireGuardGoEndpoint(false));
        assertWireGuardGoSeesJava(javaEndpoint(false));
    }
}
