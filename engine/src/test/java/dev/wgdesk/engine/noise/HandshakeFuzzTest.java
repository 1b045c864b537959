package dev.wgdesk.engine.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wgdesk.engine.Protocol;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Fuzzes the consumption of handshake messages: initiations at the responder, responses at the
 * initiator and cookie replies, each either as raw fuzzed bytes or as a genuine message (made
 * with this run's random keys) with fuzzed byte changes. Checked:
 * <ul>
 *   <li>nothing throws, whatever the length or content;</li>
 *   <li>raw bytes are always rejected (they cannot carry this run's keys);</li>
 *   <li>a genuine message with a change in an authenticated byte is rejected, and mac1 fails;
 *       with changes only in unauthenticated bytes (the sender index, the MACs) it is accepted,
 *       or, for an initiation seen before, refused as a replay;</li>
 *   <li>a rejected response leaves the initiator's handshake as it was.</li>
 * </ul>
 * Seeds: {@code HandshakeFuzzTestInputs/} next to this class, run in {@code mvn verify}.
 */
class HandshakeFuzzTest {
    private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.7", 51820);
    private static final int INITIATOR_INDEX = 0x01020304;

    private static Peers peers;
    private static byte[] initiation;
    private static byte[] response;
    private static byte[] cookieReply;
    private static Handshake responder;

    /** A fresh pair: A's initiation (macs added), B's response to it and B's cookie reply to it. */
    private static synchronized void setUp() {
        peers = new Peers();
        initiation = peers.initiation(INITIATOR_INDEX);
        // B consumes a copy of the initiation to make a genuine response; A stays in
        // INITIATION_CREATED, waiting for it.
        HandshakeResult r = Handshake.consumeInitiation(peers.idB, initiation.clone(), 0, initiation.length, peers.lookupAtB);
        assertTrue(r.isAccepted(), "set-up: B refused A's initiation: " + r);
        response = peers.response(0x0a0b0c0d);
        cookieReply = new byte[Protocol.MESSAGE_COOKIE_REPLY_SIZE];
        peers.checkerB.createReply(initiation, 0, initiation.length, SOURCE, cookieReply, 0);
        // A second B-side state for A that has not seen the initiation, so it is accepted once.
        responder = new Handshake(peers.idB, peers.idA.publicKey(), peers.psk, peers.clock, peers.random);
    }

    @FuzzTest
    void handshakeMessages(FuzzedDataProvider data) {
        if (peers == null) {
            setUp();
        }
        switch (data.consumeInt(0, 5)) {
            case 0 -> rawInitiation(data);
            case 1 -> mutatedInitiation(data);
            case 2 -> rawResponse(data);
            case 3 -> mutatedResponse(data);
            case 4 -> rawCookieReply(data);
            default -> mutatedCookieReply(data);
        }
    }

    private static void rawInitiation(FuzzedDataProvider data) {
        byte[] msg = raw(data, Protocol.MESSAGE_INITIATION_TYPE, Protocol.MESSAGE_INITIATION_SIZE);
        assertFalse(peers.checkerB.checkMac1(msg, 0, msg.length), "mac1 accepted on fuzzed bytes");
        HandshakeResult r = Handshake.consumeInitiation(peers.idB, msg, 0, msg.length, peers.lookupAtB);
        assertFalse(r.isAccepted(), "a fuzzed initiation was accepted");
    }

    private static void mutatedInitiation(FuzzedDataProvider data) {
        byte[] msg = initiation.clone();
        boolean authChanged = mutate(data, msg, 4, 8, Messages.INITIATION_MAC1);
        // mac1 covers everything before it, the sender index included (and must itself be intact).
        boolean mac1Ok = Arrays.equals(msg, 0, Messages.INITIATION_MAC2, initiation, 0, Messages.INITIATION_MAC2);
        assertEquals(mac1Ok, peers.checkerB.checkMac1(msg, 0, msg.length), "mac1 verdict");
        HandshakeResult r = Handshake.consumeInitiation(peers.idB, msg, 0, msg.length,
                k -> k.equals(peers.idA.publicKey()) ? responder : null);
        if (authChanged) {
            assertFalse(r.isAccepted(), "an initiation with a changed authenticated byte was accepted");
        } else {
            assertTrue(r.isAccepted() || r.reason() == HandshakeResult.Reason.REPLAYED_TIMESTAMP
                    || r.reason() == HandshakeResult.Reason.FLOOD, () -> "the genuine initiation was refused: " + r);
            if (r.isAccepted()) {
                assertEquals(Messages.senderIndex(msg, 0), responder.remoteIndex());
            }
        }
    }

    private static void rawResponse(FuzzedDataProvider data) {
        byte[] msg = raw(data, Protocol.MESSAGE_RESPONSE_TYPE, Protocol.MESSAGE_RESPONSE_SIZE);
        if (data.consumeBoolean() && msg.length == Protocol.MESSAGE_RESPONSE_SIZE) {
            Messages.writeU32(msg, Messages.RESPONSE_RECEIVER, INITIATOR_INDEX); // past the index check
        }
        assertFalse(peers.aToB.consumeResponse(msg, 0, msg.length).isAccepted(), "a fuzzed response was accepted");
        assertEquals(Handshake.State.INITIATION_CREATED, peers.aToB.state(), "a rejected response changed the handshake");
    }

    private static void mutatedResponse(FuzzedDataProvider data) {
        byte[] msg = response.clone();
        boolean authChanged = mutate(data, msg, 4, 8, Messages.RESPONSE_MAC1);
        HandshakeResult r = peers.aToB.consumeResponse(msg, 0, msg.length);
        if (authChanged) {
            assertFalse(r.isAccepted(), "a response with a changed authenticated byte was accepted");
            assertEquals(Handshake.State.INITIATION_CREATED, peers.aToB.state(), "a rejected response changed the handshake");
        } else {
            assertTrue(r.isAccepted(), () -> "the genuine response was refused: " + r);
            assertEquals(Messages.senderIndex(msg, 0), peers.aToB.remoteIndex());
            SessionKeys keys = peers.aToB.beginSession();
            assertTrue(keys != null && keys.isInitiator());
            keys.destroy();
            setUp(); // A's handshake is used up
        }
    }

    private static void rawCookieReply(FuzzedDataProvider data) {
        byte[] msg = raw(data, Protocol.MESSAGE_COOKIE_REPLY_TYPE, Protocol.MESSAGE_COOKIE_REPLY_SIZE);
        rearmCookie();
        assertFalse(peers.macsAToB.consumeReply(msg, 0, msg.length), "a fuzzed cookie reply was accepted");
    }

    private static void mutatedCookieReply(FuzzedDataProvider data) {
        byte[] msg = cookieReply.clone();
        boolean authChanged = mutate(data, msg, 4, 8, msg.length);
        rearmCookie();
        assertEquals(!authChanged, peers.macsAToB.consumeReply(msg, 0, msg.length), "cookie reply verdict");
    }

    /** Makes A's generator wait for a cookie for the genuine initiation's mac1 again. */
    private static void rearmCookie() {
        byte[] copy = initiation.clone();
        peers.macsAToB.addMacs(copy, 0, copy.length);
    }

    /**
     * Fuzzed bytes; often forced to the type and length of a real message so the consumer gets
     * past its first checks.
     */
    private static byte[] raw(FuzzedDataProvider data, int type, int size) {
        boolean shaped = data.consumeBoolean();
        byte[] msg = data.consumeBytes(shaped ? size : 4 * size);
        if (shaped) {
            msg = Arrays.copyOf(msg, size);
            Messages.writeU32(msg, 0, type);
        }
        return msg;
    }

    /**
     * XORs fuzzed bytes into {@code msg} at fuzzed positions. Returns true if a byte outside the
     * unauthenticated index {@code [idxFrom, idxTo)} and before {@code authEnd} changed.
     */
    private static boolean mutate(FuzzedDataProvider data, byte[] msg, int idxFrom, int idxTo, int authEnd) {
        boolean changed = false;
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            int pos = data.consumeInt(0, msg.length - 1);
            byte x = data.consumeByte();
            msg[pos] ^= x;
            if (x != 0 && (pos < idxFrom || pos >= idxTo) && pos < authEnd) {
                changed = true;
            }
        }
        // Two changes at one byte can cancel out: judge by the bytes, not the edits.
        return changed && differsInAuthenticated(msg, idxFrom, idxTo, authEnd);
    }

    private static boolean differsInAuthenticated(byte[] msg, int idxFrom, int idxTo, int authEnd) {
        byte[] genuine = switch (msg.length) {
            case Protocol.MESSAGE_INITIATION_SIZE -> initiation;
            case Protocol.MESSAGE_RESPONSE_SIZE -> response;
            default -> cookieReply;
        };
        for (int i = 0; i < authEnd; i++) {
            if ((i < idxFrom || i >= idxTo) && msg[i] != genuine[i]) {
                return true;
            }
        }
        return false;
    }
}
