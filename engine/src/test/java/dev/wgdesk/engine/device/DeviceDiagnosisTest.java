package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.device.Diagnosis.Code;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14 item 1: two engine devices over an in-memory network, in virtual time, misconfigured
 * each way; A's diagnosis of B must name the fault. The counters behind each code come from the
 * real send, receive and handshake paths.
 */
@Timeout(60)
class DeviceDiagnosisTest extends MemoryDevicePair {
    /** A knows B at its port (B learns A's endpoint from the handshake); B routes {@code bAllowsA} to A. */
    private void connect(String bAllowsA) throws Exception {
        connect(true, bAllowsA);
    }

    private Diagnosis diagnosisOfB() {
        return a.diagnose().get(keyB.publicKey());
    }

    private void awaitCode(Code want) throws InterruptedException {
        await("diagnosis " + want.id(), () -> diagnosisOfB().code() == want);
    }

    private static long count(MemoryBind bind, int type) {
        return count(bind, type, -1);
    }

    private static long number(Diagnosis d, String counter) {
        Object v = d.counters().get(counter);
        assertNotNull(v, counter + " in " + d.counters());
        return ((Number) v).longValue();
    }

    @Test
    void healthyPeerIsOkOnceDataComesBack() throws Exception {
        connect("10.0.0.1");
        assertEquals(Code.WAITING, diagnosisOfB().code(), "no traffic yet: " + diagnosisOfB());
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        tunB.inject(TestPackets.udp("10.0.0.2", "10.0.0.1", new byte[10]));
        assertNotNull(tunA.poll(5, TimeUnit.SECONDS));
        awaitCode(Code.OK);
        Diagnosis d = diagnosisOfB();
        assertTrue(d.message().startsWith("Session up"), d.message());
        assertEquals(0, number(d, "initiationsSinceResponse"));
        assertEquals(1, number(d, "initiationsSent"));
        assertTrue(d.counters().containsKey("lastDataReceivedSecondsAgo"), d.counters().toString());
        // B, the responder, sees A as ok too.
        await("B's diagnosis of A", () -> b.diagnose().get(keyA.publicKey()).code() == Code.OK);
    }

    @Test
    void peerWithoutOurKeyIsNoReplyAfterTheSecondInitiation() throws Exception {
        connect("10.0.0.1");
        b.removePeer(keyA.publicKey()); // B does not know A: it stays silent
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        await("first initiation", () -> count(bindA, 1) == 1);
        Diagnosis first = diagnosisOfB();
        assertEquals(Code.WAITING, first.code(), "one initiation is not yet a diagnosis: " + first);
        clock.advanceMillis(5400); // REKEY_TIMEOUT plus the largest jitter: the retransmit
        await("second initiation", () -> count(bindA, 1) == 2);
        awaitCode(Code.NO_REPLY);
        Diagnosis d = diagnosisOfB();
        assertEquals(2, number(d, "initiationsSinceResponse"));
        assertTrue(d.message().contains("public key"), d.message());
        assertTrue(d.message().contains("127.0.0.1:" + b.listenPort()), d.message());
    }

    @Test
    void differentPresharedKeyIsBadResponse() throws Exception {
        connect("10.0.0.1");
        a.setPeerPresharedKey(keyB.publicKey(), PresharedKey.generate());
        b.setPeerPresharedKey(keyA.publicKey(), PresharedKey.generate());
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        await("B's response", () -> count(bindB, 2) == 1);
        awaitCode(Code.BAD_RESPONSE);
        Diagnosis d = diagnosisOfB();
        assertEquals(1, number(d, "badResponses"));
        assertTrue(d.message().contains("preshared key"), d.message());
        // It stays bad-response through the retries (not no-reply: the peer does answer).
        clock.advanceMillis(5400);
        await("second response", () -> count(bindB, 2) == 2);
        await("two bad responses", () -> number(diagnosisOfB(), "badResponses") == 2);
        assertEquals(Code.BAD_RESPONSE, diagnosisOfB().code());
    }

    @Test
    void peerWhoseAllowedIpsLackOurAddressIsOneWay() throws Exception {
        connect("10.9.9.9"); // B drops what A sends (wrong inner source) but keeps the session
        for (int i = 0; i < 17; i++) {
            long sent = count(bindA, 4);
            tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
            await("data " + i + " sent", () -> count(bindA, 4) > sent);
            if (i < 15) {
                Diagnosis d = diagnosisOfB();
                assertTrue(d.code() == Code.OK || d.code() == Code.WAITING, "after " + i + " s: " + d);
            }
            clock.advanceSeconds(1);
        }
        Diagnosis d = diagnosisOfB();
        assertEquals(Code.ONE_WAY, d.code(), d.toString());
        assertTrue(d.message().contains("AllowedIPs"), d.message());
        assertTrue(b.stats().droppedInnerSource.get() > 0, "B dropped A's packets for their source");
        assertTrue(d.counters().containsKey("lastReceivedSecondsAgo"), "B's keepalives came back: " + d.counters());
        // The moment data comes back, it is ok again.
        b.addPeerAllowedIp(keyA.publicKey(), InetAddress.getByName("10.0.0.1"), 32);
        tunB.inject(TestPackets.udp("10.0.0.2", "10.0.0.1", new byte[10]));
        assertNotNull(tunA.poll(5, TimeUnit.SECONDS));
        awaitCode(Code.OK);
    }

    @Test
    void failingSendsAreUnreachableWithTheSystemsError() throws Exception {
        connect("10.0.0.1");
        bindA.failSendsWith("send to 127.0.0.1:1 from UDP port 1: Network is unreachable (ENETUNREACH)");
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        awaitCode(Code.UNREACHABLE);
        Diagnosis d = diagnosisOfB();
        assertTrue(d.message().contains("Network is unreachable"), d.message());
        assertEquals(1, number(d, "sendErrors"));
        // The network comes back: the retransmit goes out, B answers, the session comes up.
        bindA.failSendsWith(null);
        clock.advanceMillis(5400);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        awaitCode(Code.OK);
    }

    @Test
    void peerWithNoEndpointIsNoEndpointUntilItContactsUs() throws Exception {
        connect("10.0.0.1");
        // B has no endpoint for A and A has not contacted it.
        Diagnosis d = b.diagnose().get(keyA.publicKey());
        assertEquals(Code.NO_ENDPOINT, d.code(), d.toString());
        tunB.inject(TestPackets.udp("10.0.0.2", "10.0.0.1", new byte[10])); // staged: nowhere to send it
        clock.advanceSeconds(6);
        assertEquals(0, count(bindB, 1), "no initiation can leave without an endpoint");
        assertEquals(Code.NO_ENDPOINT, b.diagnose().get(keyA.publicKey()).code());
        // A contacts B: B now knows where A is.
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        await("B's diagnosis of A", () -> b.diagnose().get(keyA.publicKey()).code() == Code.OK);
    }

    @Test
    void unresolvableHostNameIsDnsFailedAndSaysWhenItLastResolved() throws Exception {
        connect("10.0.0.1");
        b.recordEndpointResolutionFailed(keyA.publicKey(), "a.invalid", "a.invalid: Name or service not known");
        Diagnosis d = b.diagnose().get(keyA.publicKey());
        assertEquals(Code.DNS_FAILED, d.code(), d.toString());
        assertTrue(d.message().contains("a.invalid") && d.message().contains("has not resolved"), d.message());
        b.recordEndpointResolved(keyA.publicKey(), "a.invalid");
        assertEquals(Code.NO_ENDPOINT, b.diagnose().get(keyA.publicKey()).code(), "resolved again");
        clock.advanceSeconds(60);
        b.recordEndpointResolutionFailed(keyA.publicKey(), "a.invalid", "temporary failure in name resolution");
        d = b.diagnose().get(keyA.publicKey());
        assertEquals(Code.DNS_FAILED, d.code());
        assertTrue(d.message().contains("last resolved at"), d.message());
        assertEquals(clock.epochNanos() / 1_000_000 - 60_000, number(d, "lastResolvedMillis"));
        // A name that stops resolving while its old address still works is no fault.
        a.recordEndpointResolutionFailed(keyB.publicKey(), "b.example", "temporary failure");
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        tunB.inject(TestPackets.udp("10.0.0.2", "10.0.0.1", new byte[10]));
        assertNotNull(tunA.poll(5, TimeUnit.SECONDS));
        awaitCode(Code.OK);
    }
}
