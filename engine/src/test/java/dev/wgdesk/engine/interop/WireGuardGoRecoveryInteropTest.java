package dev.wgdesk.engine.interop;

import static dev.wgdesk.engine.interop.CountingBind.COOKIE_REPLY;
import static dev.wgdesk.engine.interop.CountingBind.INITIATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Sessions that change under the Java device: wireguard-go forgetting its state, moving to another
 * port, and the Java device under load answering with a cookie reply that wireguard-go must use.
 */
class WireGuardGoRecoveryInteropTest extends InteropTestSupport {

    @Test
    void wireGuardGoThatLostItsSessionHandshakesAgain() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(false), null);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), null);
        pingFromJava(false, 56);
        assertEquals(1, device.stats().handshakesCompleted());

        // As if wireguard-go restarted: it forgets the peer, then gets it back with no session.
        wg.removePeer(javaKey.publicKey());
        wireGuardGoPeersWithJava(javaEndpoint(false), null);
        pingFromNamespace(false); // a new initiation, with a newer timestamp, that the Java device must accept

        assertTrue(bind.received(INITIATION) >= 1, bind.toString());
        assertEquals(2, device.stats().handshakesCompleted(), diagnostics());
        pingFromJava(true, 56);
        assertWireGuardGoSeesJava(javaEndpoint(false));
        // Java-to-wireguard-go data sent on the forgotten session before the new handshake is all
        // wireguard-go may have dropped; the Java side must have dropped nothing.
        assertNoBadDrops();
    }

    @Test
    void javaDeviceFollowsWireGuardGoToANewPort() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(false), null);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), null);
        pingFromJava(false, 56);

        int newPort = WireGuardGoNamespace.LISTEN_PORT + 1;
        wg.setListenPort(newPort);
        pingFromNamespace(false); // authenticated data from the new port moves the Java endpoint
        InetSocketAddress moved = new InetSocketAddress(wg.nsV4, newPort);
        assertEquals(moved, javaViewOfWireGuardGo().endpoint(), "the Java device did not roam");
        pingFromJava(true, 56); // and its replies reach wireguard-go there

        assertEquals(1, device.stats().handshakesCompleted(), "roaming needs no new handshake\n" + diagnostics());
        assertNoBadDrops();
        assertJavaSeesWireGuardGo(moved);
    }

    @Test
    void wireGuardGoUsesTheCookieOfAJavaDeviceUnderLoad() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(false), null);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), null);
        device.setForceUnderLoad(true);

        // wireguard-go's first initiation has no mac2: the Java device must answer with a cookie
        // reply and no response; wireguard-go retries after REKEY_TIMEOUT (5 s) with a valid mac2.
        Commands.Result first = wg.ping(wg.javaV4, 1);
        assertFalse(first.ok(), "a handshake completed without the cookie round trip: " + first);
        assertTrue(bind.sent(COOKIE_REPLY) >= 1 && device.stats().cookieRepliesSent() >= 1, bind.toString());
        assertEquals(0, device.stats().handshakesCompleted());
        await("wireguard-go's retry with mac2 to complete the handshake", () -> device.stats().handshakesCompleted() == 1);
        assertEquals(1, device.stats().cookieRepliesSent(), "the retry carried a valid mac2, so no second cookie");
        pingFromNamespace(false);
        pingFromJava(true, 56);
        assertEquals(0, bind.sent(INITIATION), bind.toString());
        assertNoBadDrops();
    }
}
