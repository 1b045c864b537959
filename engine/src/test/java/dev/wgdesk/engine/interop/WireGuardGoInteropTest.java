package dev.wgdesk.engine.interop;

import static dev.wgdesk.engine.interop.CountingBind.INITIATION;
import static dev.wgdesk.engine.interop.CountingBind.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The engine against the real wireguard-go (issue 2, acceptance item 3): handshakes initiated by
 * each side, ICMP and ICMPv6 echo both ways over IPv4 and IPv6 transport, and wireguard-go's own
 * account of the session ({@code wg show dump}).
 */
class WireGuardGoInteropTest extends InteropTestSupport {

    @Test
    void freshJavaDeviceInitiatesAndEchoFlowsBothWaysOverIpv4Transport() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(false), null);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), null);

        pingFromJava(false, 56); // the first packet starts the Java device's handshake
        assertTrue(bind.sent(INITIATION) >= 1 && bind.received(RESPONSE) >= 1, "Java should have initiated: " + bind);
        pingFromJava(false, mtuSizedPayload(false));
        pingFromJava(true, 56);
        pingFromJava(true, mtuSizedPayload(true));
        pingFromNamespace(false);
        pingFromNamespace(true);

        assertEquals(0, bind.received(INITIATION), "wireguard-go had no reason to initiate: " + bind);
        assertEquals(1, device.stats().handshakesCompleted(), diagnostics());
        assertNoBadDrops();
        assertJavaSeesWireGuardGo(wireGuardGoEndpoint(false));
        assertWireGuardGoSeesJava(javaEndpoint(false));
    }

    @Test
    void wireGuardGoInitiatesToJavaDeviceThatHasAnEndpoint() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(false), null);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), null);

        pingFromNamespace(false); // wireguard-go's first packet starts its handshake
        assertTrue(bind.received(INITIATION) >= 1 && bind.sent(RESPONSE) >= 1, "wireguard-go should have initiated: " + bind);
        pingFromJava(true, 200); // rides the session wireguard-go started
        pingFromNamespace(true);

        assertEquals(0, bind.sent(INITIATION), "the Java responder should not have initiated: " + bind);
        assertEquals(1, device.stats().handshakesCompleted(), diagnostics());
        assertNoBadDrops();
        assertJavaSeesWireGuardGo(wireGuardGoEndpoint(false));
        assertWireGuardGoSeesJava(javaEndpoint(false));
    }

    @Test
    void wireGuardGoInitiatesOverIpv6TransportToJavaDeviceWithNoEndpoint() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(true), null);
        javaPeersWithWireGuardGo(null, null);
        assertNull(javaViewOfWireGuardGo().endpoint());

        pingFromNamespace(true);
        assertEquals(wireGuardGoEndpoint(true), javaViewOfWireGuardGo().endpoint(),
                "the Java device should have learned wireguard-go's endpoint from its initiation");
        pingFromNamespace(false);
        pingFromJava(false, 56);
        pingFromJava(true, mtuSizedPayload(true));

        assertEquals(0, bind.sent(INITIATION), "the Java device could not initiate without an endpoint: " + bind);
        assertTrue(bind.received(INITIATION) >= 1, bind.toString());
        assertNoBadDrops();
        assertJavaSeesWireGuardGo(wireGuardGoEndpoint(true));
        assertWireGuardGoSeesJava(javaEndpoint(true));
    }
}
