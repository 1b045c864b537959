package dev.wgdesk.engine.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.ChaCha20Poly1305;
import dev.wgdesk.engine.crypto.ConstantTime;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.noise.Handshake.State;
import dev.wgdesk.engine.noise.HandshakeResult.Reason;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** A full WireGuard handshake between two in-memory peers, and every rejection path. */
class HandshakeTest {
    private static final HexFormat HEX = HexFormat.of();
    /** A low-order point (order 8): every X25519 with it is zero. */
    private static final byte[] LOW_ORDER = HEX.parseHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");

    private final Peers p = new Peers();

    private HandshakeResult consumeAtB(byte[] msg) {
        return Handshake.consumeInitiation(p.idB, msg, 0, msg.length, p.lookupAtB);
    }

    @Test
    void fullHandshakeDerivesCrosswiseEqualTransportKeys() {
        int idxA = 0x11223344;
        int idxB = 0xCAFEBABE;
        byte[] init = p.initiation(idxA);
        assertEquals(State.INITIATION_CREATED, p.aToB.state());
        assertEquals(idxA, p.aToB.localIndex());
        assertEquals(Protocol.MESSAGE_INITIATION_TYPE, Messages.validate(init, 0, init.length));
        assertEquals(idxA, Messages.senderIndex(init, 0));
        assertTrue(p.checkerB.checkMac1(init, 0, init.length));

        HandshakeResult r1 = consumeAtB(init);
        assertTrue(r1.isAccepted(), () -> "rejected: " + r1.reason());
        assertSame(p.bToA, r1.handshake());
        assertEquals(State.INITIATION_CONSUMED, p.bToA.state());
        assertEquals(idxA, p.bToA.remoteIndex());
        assertTrue(p.bToA.latestTimestamp().isAfter(Tai64n.ZERO));
        assertEquals(p.clock.nanoTime(), p.bToA.lastInitiationConsumedNanos());

        byte[] resp = p.response(idxB);
        assertEquals(State.RESPONSE_CREATED, p.bToA.state());
        assertEquals(idxB, Messages.senderIndex(resp, 0));
        assertEquals(idxA, Messages.receiverIndex(Protocol.MESSAGE_RESPONSE_TYPE, resp, 0));
        assertTrue(p.checkerA.checkMac1(resp, 0, resp.length));

        HandshakeResult r2 = p.aToB.consumeResponse(resp, 0, resp.length);
        assertTrue(r2.isAccepted(), () -> "rejected: " + r2.reason());
        assertEquals(State.RESPONSE_CONSUMED, p.aToB.state());
        assertEquals(idxB, p.aToB.remoteIndex());

        SessionKeys ka = p.aToB.beginSession();
        SessionKeys kb = p.bToA.beginSession();
        assertNotNull(ka);
        assertNotNull(kb);
        assertEquals(State.ZEROED, p.aToB.state());
        assertEquals(State.ZEROED, p.bToA.state());
        assertArrayEquals(ka.sendKey(), kb.receiveKey());
        assertArrayEquals(ka.receiveKey(), kb.sendKey());
        assertFalse(Arrays.equals(ka.sendKey(), ka.receiveKey()));
        assertTrue(ka.isInitiator());
        assertFalse(kb.isInitiator());
        assertEquals(idxA, ka.localIndex());
        assertEquals(idxB, ka.remoteIndex());
        assertEquals(idxB, kb.localIndex());
        assertEquals(idxA, kb.remoteIndex());

        // The keys work as a transport: A seals, B opens, and back.
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        byte[] pkt = Arrays.copyOf("ping".getBytes(), 4 + 16);
        aead.seal(ka.sendKey(), 0, pkt, 0, 4, null);
        assertTrue(aead.open(kb.receiveKey(), 0, pkt, 0, pkt.length, null));
        byte[] back = new byte[16];
        aead.seal(kb.sendKey(), 0, back, 0, 0, null);
        assertTrue(aead.open(ka.receiveKey(), 0, back, 0, 16, null));

        // A second beginSession finds nothing to begin.
        assertNull(p.aToB.beginSession());
        ka.destroy();
        assertThrows(IllegalStateException.class, ka::sendKey);
    }

    @Test
    void handshakeWithoutPresharedKeyWorksAndMismatchedPskFails() {
        Peers q = new Peers();
        q.aToB.setPresharedKey(PresharedKey.none());
        q.bToA.setPresharedKey(PresharedKey.none());
        assertTrue(Handshake.consumeInitiation(q.idB, q.initiation(1), 0, 148, q.lookupAtB).isAccepted());
        byte[] resp = q.response(2);
        assertTrue(q.aToB.consumeResponse(resp, 0, resp.length).isAccepted());

        // PSK only enters at message 2: the initiation is accepted, the response is not.
        q.clock.advanceSeconds(1);
        q.bToA.setPresharedKey(PresharedKey.generate());
        assertTrue(Handshake.consumeInitiation(q.idB, q.initiation(3), 0, 148, q.lookupAtB).isAccepted());
        byte[] resp2 = q.response(4);
        assertEquals(Reason.DECRYPTION_FAILED, q.aToB.consumeResponse(resp2, 0, resp2.length).reason());
        assertEquals(State.INITIATION_CREATED, q.aToB.state(), "a rejected response changes nothing");
    }

    @Test
    void wrongSizeTypeAndReservedBytesAreMalformed() {
        byte[] init = p.initiation(1);
        assertEquals(Reason.MALFORMED, Handshake.consumeInitiation(p.idB, init, 0, 147, p.lookupAtB).reason());
        byte[] longer = Arrays.copyOf(init, 149);
        assertEquals(Reason.MALFORMED, Handshake.consumeInitiation(p.idB, longer, 0, 149, p.lookupAtB).reason());
        byte[] reserved = init.clone();
        reserved[2] = 1;
        assertEquals(Reason.MALFORMED, consumeAtB(reserved).reason());
        byte[] asResponse = init.clone();
        asResponse[0] = 2;
        assertEquals(Reason.MALFORMED, consumeAtB(asResponse).reason());
        assertEquals(State.ZEROED, p.bToA.state());

        assertEquals(Reason.MALFORMED, p.aToB.consumeResponse(new byte[92], 0, 92).reason(), "type 0");
        assertEquals(Reason.MALFORMED, p.aToB.consumeResponse(init, 0, 92).reason(), "type 1 at 92 bytes");
        assertEquals(State.INITIATION_CREATED, p.aToB.state());
    }

    @Test
    void badMac1IsCaughtBeforeAnyHandshakeWork() {
        byte[] init = p.initiation(1);
        for (int pos : new int[] {0, 4, 8, 60, 115, 116, 131}) {
            byte[] bad = init.clone();
            bad[pos] ^= 0x20;
            assertFalse(p.checkerB.checkMac1(bad, 0, bad.length), "flip at " + pos);
        }
        assertFalse(p.checkerA.checkMac1(init, 0, init.length), "mac1 is keyed by the receiver's public key");
        assertFalse(p.checkerB.checkMac1(init, 0, 147));
        byte[] shifted = new byte[200];
        System.arraycopy(init, 0, shifted, 7, 148);
        assertTrue(p.checkerB.checkMac1(shifted, 7, 148), "offsets are honoured");
    }

    @Test
    void tamperedFieldsFailDecryptionAndLeaveStateUntouched() {
        byte[] init = p.initiation(1);
        byte[] badStatic = init.clone();
        badStatic[Messages.INITIATION_STATIC + 3] ^= 1;
        assertEquals(Reason.DECRYPTION_FAILED, consumeAtB(badStatic).reason());
        byte[] badTimestamp = init.clone();
        badTimestamp[Messages.INITIATION_TIMESTAMP + 20] ^= 1;
        assertEquals(Reason.DECRYPTION_FAILED, consumeAtB(badTimestamp).reason());
        assertEquals(State.ZEROED, p.bToA.state());
        assertEquals(Tai64n.ZERO, p.bToA.latestTimestamp(), "no timestamp committed");
        assertEquals(Long.MIN_VALUE, p.bToA.lastInitiationConsumedNanos());
        assertTrue(consumeAtB(init).isAccepted(), "the genuine message still works");
    }

    @Test
    void replayedAndOlderTimestampsAreRejected() {
        byte[] first = p.initiation(1);
        p.clock.advanceSeconds(1);
        byte[] second = p.initiation(2);
        assertTrue(consumeAtB(second).isAccepted());
        Tai64n latest = p.bToA.latestTimestamp();
        p.clock.advanceSeconds(1);
        assertEquals(Reason.REPLAYED_TIMESTAMP, consumeAtB(second).reason(), "exact replay");
        assertEquals(Reason.REPLAYED_TIMESTAMP, consumeAtB(first).reason(), "older timestamp");
        assertEquals(latest, p.bToA.latestTimestamp());
        assertEquals(State.INITIATION_CONSUMED, p.bToA.state());
        assertEquals(2, p.bToA.remoteIndex(), "the replay did not overwrite the sender index");
    }

    @Test
    void initiationsWithin20msAreAFloodAndTheFloodCommitsNothing() {
        byte[] i1 = p.initiation(1);
        p.clock.advanceMillis(50);
        byte[] i2 = p.initiation(2);
        p.clock.advanceMillis(50);
        byte[] i3 = p.initiation(3);
        assertTrue(consumeAtB(i1).isAccepted());
        long t0 = p.bToA.lastInitiationConsumedNanos();

        p.clock.advanceMillis(10);
        assertEquals(Reason.FLOOD, consumeAtB(i2).reason());
        p.clock.advanceMillis(10); // exactly 20 ms: still a flood (wireguard-go's <=)
        assertEquals(Reason.FLOOD, consumeAtB(i2).reason());
        assertEquals(t0, p.bToA.lastInitiationConsumedNanos(), "a flood does not restart the window");
        assertEquals(1, p.bToA.remoteIndex());

        p.clock.advance(1); // 20 ms + 1 ns
        assertTrue(consumeAtB(i2).isAccepted(), "i2's timestamp was not burned by the flood rejections");
        assertEquals(2, p.bToA.remoteIndex());
        p.clock.advanceMillis(5);
        assertEquals(Reason.FLOOD, consumeAtB(i3).reason());
    }

    @Test
    void unknownPeerNoIdentityAndDestroyedIdentityAreRejected() {
        byte[] init = p.initiation(1);
        assertEquals(Reason.UNKNOWN_PEER, Handshake.consumeInitiation(p.idB, init, 0, 148, k -> null).reason());
        assertEquals(Reason.NO_IDENTITY, Handshake.consumeInitiation(null, init, 0, 148, p.lookupAtB).reason());
        // Addressed to B but consumed with A's identity: the static key does not decrypt.
        assertEquals(Reason.DECRYPTION_FAILED, Handshake.consumeInitiation(p.idA, init, 0, 148, p.lookupAtA).reason());
    }

    @Test
    void responsesAreAcceptedOnlyInInitiationCreatedWithTheMatchingIndex() {
        // No initiation outstanding.
        byte[] init = p.initiation(7);
        assertTrue(consumeAtB(init).isAccepted());
        byte[] resp = p.response(8);
        p.aToB.clear();
        assertEquals(Reason.WRONG_STATE, p.aToB.consumeResponse(resp, 0, resp.length).reason());

        // A fresh initiation with another index: the old response names index 7.
        p.clock.advanceSeconds(1);
        byte[] init2 = p.initiation(9);
        assertEquals(Reason.WRONG_INDEX, p.aToB.consumeResponse(resp, 0, resp.length).reason());
        assertEquals(State.INITIATION_CREATED, p.aToB.state());

        assertTrue(consumeAtB(init2).isAccepted());
        byte[] resp2 = p.response(10);
        byte[] wrongIndex = resp2.clone();
        Messages.writeU32(wrongIndex, Messages.RESPONSE_RECEIVER, 10);
        assertEquals(Reason.WRONG_INDEX, p.aToB.consumeResponse(wrongIndex, 0, 92).reason());
        assertTrue(p.aToB.consumeResponse(resp2, 0, 92).isAccepted());
        assertEquals(Reason.WRONG_STATE, p.aToB.consumeResponse(resp2, 0, 92).reason(), "no second response");

        // The responder cannot answer without a consumed initiation, nor begin a session early.
        assertNotNull(p.aToB.beginSession());
        assertFalse(p.aToB.createResponse(1, new byte[92], 0));
        assertNull(p.aToB.beginSession());
    }

    @Test
    void peersWithLowOrderStaticKeysNeverInitiateNorAreAccepted() {
        PublicKey lowOrder = PublicKey.fromBytes(LOW_ORDER);
        Handshake bad = new Handshake(p.idA, lowOrder, PresharedKey.none(), p.clock, p.random);
        assertFalse(bad.canHandshake());
        byte[] out = new byte[148];
        assertFalse(bad.createInitiation(1, out, 0));
        assertTrue(ConstantTime.isZero(out), "nothing written");
        assertEquals(State.ZEROED, bad.state());

        // An attacker claiming that low-order static key knows the static-static DH (zero), so it
        // can build a fully valid initiation; the responder must still refuse it.
        Handshake atB = new Handshake(p.idB, lowOrder, PresharedKey.none(), p.clock, p.random);
        byte[] forged = new byte[148];
        NoiseCore core = new NoiseCore();
        core.initializeWireGuard(p.idB.publicKey().toBytes(), 0);
        byte[] ePriv = PrivateKey.generate().toBytes();
        byte[] ePub = PrivateKey.fromBytes(ePriv).publicKey().toBytes();
        assertEquals(NoiseCore.Status.OK, core.writeMessage1(LOW_ORDER, new byte[32], ePriv, ePub,
                p.idB.publicKey().toBytes(), Tai64n.now(p.clock).toBytes(), 12, forged, Messages.INITIATION_EPHEMERAL));
        Messages.writeU32(forged, 0, Protocol.MESSAGE_INITIATION_TYPE);
        HandshakeResult r = Handshake.consumeInitiation(p.idB, forged, 0, 148, k -> k.equals(lowOrder) ? atB : null);
        assertEquals(Reason.PEER_CANNOT_HANDSHAKE, r.reason());
        assertEquals(State.ZEROED, atB.state());
    }

    @Test
    void lowOrderEphemeralKeysAreRejected() {
        byte[] init = p.initiation(1);
        byte[] badInit = init.clone();
        System.arraycopy(LOW_ORDER, 0, badInit, Messages.INITIATION_EPHEMERAL, 32);
        assertEquals(Reason.LOW_ORDER_KEY, consumeAtB(badInit).reason());

        assertTrue(consumeAtB(init).isAccepted());
        byte[] resp = p.response(2);
        byte[] badResp = resp.clone();
        System.arraycopy(LOW_ORDER, 0, badResp, Messages.RESPONSE_EPHEMERAL, 32);
        assertEquals(Reason.LOW_ORDER_KEY, p.aToB.consumeResponse(badResp, 0, 92).reason());
        assertEquals(State.INITIATION_CREATED, p.aToB.state());
        assertTrue(p.aToB.consumeResponse(resp, 0, 92).isAccepted());
    }

    @Test
    void changingTheIdentityClearsTheHandshakeAndRecomputesTheStaticDh() {
        p.initiation(1);
        assertEquals(State.INITIATION_CREATED, p.aToB.state());
        p.aToB.setStaticIdentity(null);
        assertEquals(State.ZEROED, p.aToB.state());
        assertFalse(p.aToB.canHandshake());
        assertFalse(p.aToB.createInitiation(1, new byte[148], 0));

        StaticIdentity newA = new StaticIdentity(PrivateKey.generate());
        p.aToB.setStaticIdentity(newA);
        assertTrue(p.aToB.canHandshake());
        byte[] init = new byte[148];
        assertTrue(p.aToB.createInitiation(2, init, 0));
        // B still knows A under the old key: the initiation decrypts to an unknown static key.
        assertEquals(Reason.UNKNOWN_PEER, consumeAtB(init).reason());
    }

    @Test
    void simultaneousInitiationsBothSucceedAndTheLaterOneWins() {
        byte[] fromA = p.initiation(1);
        byte[] fromB = new byte[148];
        assertTrue(p.bToA.createInitiation(2, fromB, 0));
        assertTrue(consumeAtB(fromA).isAccepted(), "B's own initiation is replaced");
        assertEquals(State.INITIATION_CONSUMED, p.bToA.state());
        byte[] resp = p.response(3);
        assertTrue(p.aToB.consumeResponse(resp, 0, 92).isAccepted());
        assertNotNull(p.aToB.beginSession());
        assertNotNull(p.bToA.beginSession());
        // B's initiation is still valid for A (A does not replay-check it against its own).
        assertTrue(Handshake.consumeInitiation(p.idA, fromB, 0, 148, p.lookupAtA).isAccepted());
    }

    @Test
    void lookupReturningAnotherPeersHandshakeIsTreatedAsUnknown() {
        Handshake other = new Handshake(p.idB, PrivateKey.generate().publicKey(), p.psk, p.clock, p.random);
        byte[] init = p.initiation(1);
        assertEquals(Reason.UNKNOWN_PEER, Handshake.consumeInitiation(p.idB, init, 0, 148, k -> other).reason());
        assertEquals(State.ZEROED, other.state());
    }

    @Test
    void destroyedHandshakesNeverHandshakeAgain() {
        byte[] init = p.initiation(1);
        p.bToA.destroy();
        assertFalse(p.bToA.canHandshake());
        assertEquals(Reason.PEER_CANNOT_HANDSHAKE, consumeAtB(init).reason());
        p.bToA.setStaticIdentity(p.idB);
        p.bToA.setPresharedKey(p.psk);
        assertFalse(p.bToA.canHandshake(), "destroy is final");
        assertFalse(p.bToA.createInitiation(2, new byte[148], 0));
        assertTrue(p.bToA.toString().contains("destroyed"));
    }

    @Test
    void buffersAreBoundsChecked() {
        assertThrows(IndexOutOfBoundsException.class, () -> p.aToB.createInitiation(1, new byte[147], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> p.aToB.createInitiation(1, new byte[148], 1));
        assertEquals(Reason.MALFORMED, Handshake.consumeInitiation(p.idB, new byte[100], 0, 148, p.lookupAtB).reason());
    }
}
