package dev.wgdesk.engine.interop;

import static dev.wgdesk.engine.interop.CountingBind.INITIATION;
import static dev.wgdesk.engine.interop.CountingBind.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PresharedKey;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Preshared keys (Noise psk2) against wireguard-go: the same key works each way, a different one never does. */
class WireGuardGoPskInteropTest extends InteropTestSupport {
    private final PresharedKey psk = PresharedKey.generate();

    @AfterEach
    void destroyKey() {
        psk.destroy();
    }

    @Test
    void javaInitiatesWithPresharedKey() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(false), psk);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), psk);

        pingFromJava(false, 56);
        pingFromJava(true, 56);
        pingFromNamespace(false);

        assertEquals(0, bind.received(INITIATION), bind.toString());
        assertNoBadDrops();
        WgDump.Peer p = assertWireGuardGoSeesJava(javaEndpoint(false));
        assertTrue(p.hasPresharedKey() && p.presharedKey().equals(psk.toBase64()),
                "wireguard-go does not hold the preshared key we configured");
    }

    @Test
    void wireGuardGoInitiatesWithPresharedKey() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(true), psk);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(true), psk);

        pingFromNamespace(true);
        pingFromJava(false, 56);

        assertEquals(0, bind.sent(INITIATION), bind.toString());
        assertTrue(bind.received(INITIATION) >= 1, bind.toString());
        assertNoBadDrops();
        assertWireGuardGoSeesJava(javaEndpoint(true));
    }

    @Test
    void differentPresharedKeysNeverCompleteAHandshake() throws Exception {
        PresharedKey other = PresharedKey.generate();
        try {
            wireGuardGoPeersWithJava(javaEndpoint(false), other);
            javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), psk);

            // Java initiates: the initiation does not depend on the PSK, so wireguard-go answers,
            // but its response must fail to authenticate here.
            int seq = sendPingFromJava(false, 56);
            assertNull(responder.awaitReply(wg.wgV4, echoId, seq, Duration.ofSeconds(3)),
                    "an echo went through with mismatched preshared keys");
            assertTrue(bind.received(RESPONSE) >= 1, "wireguard-go should still have responded: " + bind);
            assertTrue(device.stats().droppedHandshakeInvalid() >= 1, "the response should have been rejected\n" + diagnostics());

            // wireguard-go initiates: the Java device answers, and wireguard-go must reject that.
            Commands.Result r = wg.ping(wg.javaV4, 1);
            assertFalse(r.ok(), "ping went through with mismatched preshared keys: " + r);
            assertEquals(0, responder.answered(false), "an echo request reached the Java side");

            assertEquals(0, device.stats().handshakesCompleted(), diagnostics());
            assertEquals(0, bind.sent(CountingBind.TRANSPORT), "no session should ever have carried data: " + bind);
            WgDump.Peer p = wg.dump().peer(javaKey.publicKey().toBase64());
            assertNotNull(p);
            assertEquals(0, p.latestHandshakeSeconds(), "wireguard-go recorded a handshake: " + p);
        } finally {
            other.destroy();
        }
    }
}
