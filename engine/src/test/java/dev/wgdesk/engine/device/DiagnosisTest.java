package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.device.PeerCounters.NEVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.device.Diagnosis.Code;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The classifier alone: hand-made counters, every code and every threshold's edge. */
class DiagnosisTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_000 * S; // an arbitrary origin on the device clock
    private static final InetSocketAddress EP = new InetSocketAddress("192.0.2.7", 51820);

    /** Counters with every field settable by name; starts as a peer that has done nothing. */
    private static final class C {
        boolean sessionUp;
        int initiationsSinceResponse;
        long initiationsSent;
        long firstUnanswered = NEVER;
        long lastInitiation = NEVER;
        long badResponses;
        long lastBadResponse = NEVER;
        long lastHandshake = NEVER;
        long lastReceived = NEVER;
        long lastDataReceived = NEVER;
        long lastDataSent = NEVER;
        long unansweredSince = NEVER;
        long sendErrors;
        long lastSendError = NEVER;
        String sendError;
        long lastSendOk = NEVER;
        EndpointResolution resolution;

        Diagnosis at(InetSocketAddress ep, long now) {
            PeerCounters c = new PeerCounters(now, sessionUp, initiationsSinceResponse, initiationsSent, firstUnanswered,
                    lastInitiation, badResponses, lastBadResponse, lastHandshake, lastReceived, lastDataReceived,
                    lastDataSent, unansweredSince, sendErrors, lastSendError, sendError, lastSendOk, resolution);
            PeerSnapshot p = new PeerSnapshot(PrivateKey.generate().publicKey(), PresharedKey.none(), ep, 0, 0, 0, 0,
                    List.of(), c);
            return Diagnosis.of(p);
        }

        /** A session that came up at T0 with data both ways. */
        C healthy() {
            sessionUp = true;
            initiationsSent = 1;
            lastInitiation = T0;
            lastHandshake = T0;
            lastReceived = T0 + S;
            lastDataReceived = T0 + S;
            lastDataSent = T0 + S;
            lastSendOk = T0 + S;
            return this;
        }
    }

    @Test
    void nothingYetIsWaitingNotAFault() {
        Diagnosis d = new C().at(EP, T0);
        assertEquals(Code.WAITING, d.code());
        assertFalse(d.code().isProblem());
        assertTrue(d.message().contains("No handshake yet"), d.message());
    }

    @Test
    void healthySessionIsOkAndStaysOkWhenIdle() {
        C c = new C().healthy();
        Diagnosis d = c.at(EP, T0 + 3 * S);
        assertEquals(Code.OK, d.code());
        assertEquals("Session up (handshake 3 seconds ago); data last came back 2 seconds ago.", d.message());
        assertEquals(2L, d.counters().get("lastDataReceivedSecondsAgo"));
        c.sessionUp = false; // keys expired after a quiet spell
        d = c.at(EP, T0 + 600 * S);
        assertEquals(Code.OK, d.code());
        assertTrue(d.message().startsWith("Idle"), d.message());
    }

    @Test
    void noReplyNeedsTwoUnansweredInitiations() {
        C c = new C();
        c.initiationsSinceResponse = 1;
        c.initiationsSent = 1;
        c.firstUnanswered = c.lastInitiation = T0;
        c.lastSendOk = T0;
        Diagnosis d = c.at(EP, T0 + 4 * S);
        assertEquals(Code.WAITING, d.code(), "the first initiation is still in its REKEY_TIMEOUT");
        assertTrue(d.message().contains("waiting for the reply"), d.message());
        c.initiationsSinceResponse = Protocol.DIAGNOSIS_NO_REPLY_INITIATIONS;
        c.lastInitiation = T0 + 5 * S;
        d = c.at(EP, T0 + 6 * S);
        assertEquals(Code.NO_REPLY, d.code());
        assertEquals("2 handshake initiations sent to 192.0.2.7:51820 over the last 6 s, none answered."
                + " Check that the peer is running and listens on that address and port, that no firewall drops UDP"
                + " to it, and that the peer has this tunnel's public key (WireGuard does not answer keys it does not"
                + " know).", d.message());
        assertEquals(2L, ((Number) d.counters().get("initiationsSinceResponse")).longValue());
        // A session that is up but whose rekeys go unanswered: the peer stopped answering.
        C up = new C().healthy();
        up.initiationsSinceResponse = 3;
        assertEquals(Code.NO_REPLY, up.at(EP, T0 + 140 * S).code());
    }

    @Test
    void badResponseUntilAHandshakeCompletesAfterIt() {
        C c = new C();
        c.initiationsSinceResponse = 4;
        c.lastInitiation = T0 + 15 * S;
        c.badResponses = 4;
        c.lastBadResponse = T0 + 15 * S;
        c.lastSendOk = T0 + 15 * S;
        Diagnosis d = c.at(EP, T0 + 16 * S);
        assertEquals(Code.BAD_RESPONSE, d.code(), "precedes no-reply: the peer does answer");
        assertTrue(d.message().contains("4 responses, the last 1 second ago"), d.message());
        c.healthy();
        c.lastHandshake = T0 + 20 * S;
        c.initiationsSinceResponse = 0;
        assertEquals(Code.OK, c.at(EP, T0 + 21 * S).code(), "a later handshake supersedes old bad responses");
    }

    @Test
    void oneWayOnlyAfterSendingForTheWholeInterval() {
        C c = new C().healthy();
        c.lastReceived = T0 + 10 * S; // a keepalive
        c.lastDataReceived = NEVER;
        c.unansweredSince = T0;
        long window = Protocol.DIAGNOSIS_ONE_WAY_AFTER_NANOS;
        c.lastDataSent = T0; // one packet, long unanswered: not enough
        assertEquals(Code.OK, c.at(EP, T0 + 100 * S).code());
        c.lastDataSent = T0 + window - 1;
        assertEquals(Code.OK, c.at(EP, T0 + window).code(), "just short of the interval");
        c.lastDataSent = T0 + window;
        Diagnosis d = c.at(EP, T0 + window);
        assertEquals(Code.ONE_WAY, d.code());
        assertTrue(d.message().contains("for 15 s, but nothing came back except keepalives"), d.message());
        assertEquals(15L, d.counters().get("unansweredDataSinceSecondsAgo"));
        c.sessionUp = false;
        assertEquals(Code.OK, c.at(EP, T0 + window).code(), "one-way needs a session");
    }

    @Test
    void unreachableWhileTheLatestSendFailed() {
        C c = new C();
        c.initiationsSinceResponse = 1;
        c.lastInitiation = T0;
        c.sendErrors = 1;
        c.lastSendError = T0;
        c.sendError = "send to 192.0.2.7:51820 from UDP port 4000: Network is unreachable (ENETUNREACH)";
        Diagnosis d = c.at(EP, T0 + S);
        assertEquals(Code.UNREACHABLE, d.code());
        assertTrue(d.message().startsWith("Sending to 192.0.2.7:51820 fails: send to 192.0.2.7:51820 from UDP port"
                + " 4000: Network is unreachable (ENETUNREACH)."), d.message());
        assertEquals(c.sendError, d.counters().get("lastSendError"));
        c.lastSendOk = T0 + 2 * S;
        assertEquals(Code.WAITING, c.at(EP, T0 + 3 * S).code(), "a later send went out");
    }

    @Test
    void noEndpointUnlessThePeerContactedUs() {
        C c = new C();
        Diagnosis d = c.at(null, T0);
        assertEquals(Code.NO_ENDPOINT, d.code());
        assertTrue(d.message().contains("Endpoint = host:port"), d.message());
        c.lastReceived = T0; // it sent an initiation; no endpoint only in a race
        assertEquals(Code.WAITING, c.at(null, T0).code());
    }

    @Test
    void dnsFailedSaysWhenTheNameLastResolved() {
        C c = new C();
        c.resolution = new EndpointResolution("vpn.example.org", 0, 1_750_000_000_000L, "vpn.example.org: Name or service not known");
        Diagnosis d = c.at(null, T0);
        assertEquals(Code.DNS_FAILED, d.code());
        assertEquals("The endpoint's host name vpn.example.org does not resolve (vpn.example.org: Name or service not"
                + " known); it has not resolved since the tunnel was activated. Check the name for typos, this"
                + " computer's DNS, and that the name still exists (dynamic DNS).", d.message());
        c.resolution = new EndpointResolution("vpn.example.org", 1_700_000_000_000L, 1_750_000_000_000L, "timed out");
        c.initiationsSinceResponse = 3;
        d = c.at(EP, T0);
        assertEquals(Code.DNS_FAILED, d.code(), "no reply from the old address, and the name fails: the name is why");
        assertTrue(d.message().contains("last resolved at 2023-11-14T22:13:20Z"), d.message());
        assertEquals(1_700_000_000_000L, d.counters().get("lastResolvedMillis"));
        c.resolution = new EndpointResolution("vpn.example.org", 1_760_000_000_000L, 1_750_000_000_000L, null);
        assertEquals(Code.NO_REPLY, c.at(EP, T0).code(), "it resolves again");
    }

    @Test
    void codesHaveTheirDocumentedIds() {
        assertEquals(List.of("ok", "waiting", "no-reply", "bad-response", "one-way", "unreachable", "dns-failed",
                "no-endpoint"), java.util.Arrays.stream(Code.values()).map(Code::id).toList());
        for (Code c : Code.values()) {
            assertEquals(c, Code.ofId(c.id()));
        }
        assertNull(Code.ofId("fine"));
    }
}
