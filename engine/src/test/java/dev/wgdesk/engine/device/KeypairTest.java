package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.noise.Handshake;
import dev.wgdesk.engine.noise.SessionKeys;
import dev.wgdesk.engine.noise.StaticIdentity;
import dev.wgdesk.engine.time.VirtualClock;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The reference counts that keep a keypair's keys alive while packets use them (issue 10 item 1). */
class KeypairTest {
    /** Session keys from a real handshake between two fresh identities (the initiator's side). */
    static SessionKeys sessionKeys() {
        VirtualClock clock = new VirtualClock();
        PrivateKey ki = PrivateKey.generate();
        PrivateKey kr = PrivateKey.generate();
        StaticIdentity ii = new StaticIdentity(ki);
        StaticIdentity ir = new StaticIdentity(kr);
        Handshake hi = new Handshake(ii, kr.publicKey(), PresharedKey.none(), clock, new SecureRandom());
        Handshake hr = new Handshake(ir, ki.publicKey(), PresharedKey.none(), clock, new SecureRandom());
        byte[] m1 = new byte[Protocol.MESSAGE_INITIATION_SIZE];
        assertTrue(hi.createInitiation(1, m1, 0));
        assertTrue(Handshake.consumeInitiation(ir, m1, 0, m1.length, k -> hr).isAccepted());
        byte[] m2 = new byte[Protocol.MESSAGE_RESPONSE_SIZE];
        assertTrue(hr.createResponse(2, m2, 0));
        assertTrue(hi.consumeResponse(m2, 0, m2.length).isAccepted());
        hr.beginSession().destroy();
        return hi.beginSession();
    }

    private static boolean isZero(byte[] b) {
        return Arrays.equals(b, new byte[b.length]);
    }

    @Test
    void destroyWithNothingInFlightZeroesAtOnce() {
        SessionKeys keys = sessionKeys();
        byte[] send = keys.sendKey();
        Keypair kp = new Keypair(null, keys, 0);
        kp.destroy();
        assertTrue(kp.isDestroyed());
        assertTrue(keys.isDestroyed());
        assertTrue(isZero(send));
        assertFalse(kp.acquire(), "a destroyed keypair takes no new packets");
        kp.destroy(); // idempotent
    }

    @Test
    void keysLiveUntilTheLastPacketLetsGo() {
        SessionKeys keys = sessionKeys();
        byte[] send = keys.sendKey();
        byte[] copy = send.clone();
        Keypair kp = new Keypair(null, keys, 0);
        assertTrue(kp.acquire());
        assertTrue(kp.acquire());
        assertEquals(2, kp.packetReferences());

        kp.destroy();
        assertTrue(kp.isDestroyed(), "marked dead at once");
        assertFalse(kp.canSend(0));
        assertFalse(kp.canReceive(0));
        assertEquals(-1, kp.nextNonce(), "a dead keypair gives out no more nonces");
        assertFalse(kp.acquire(), "no new packet may start using it");
        assertFalse(keys.isDestroyed(), "but packets in flight still use its keys");
        assertTrue(Arrays.equals(copy, keys.sendKey()));

        kp.release();
        assertFalse(keys.isDestroyed());
        kp.release();
        assertTrue(keys.isDestroyed(), "the last packet zeroes the keys");
        assertTrue(isZero(send));
        assertThrows(IllegalStateException.class, keys::sendKey);
        assertEquals(0, kp.packetReferences());
    }

    @Test
    void releasingTheLastPacketBeforeDestroyKeepsTheKeys() {
        SessionKeys keys = sessionKeys();
        Keypair kp = new Keypair(null, keys, 0);
        assertTrue(kp.acquire());
        kp.release();
        assertFalse(keys.isDestroyed(), "the owner's reference is still there");
        assertTrue(kp.acquire());
        kp.release();
        kp.destroy();
        assertTrue(keys.isDestroyed());
    }

    @Test
    void thePoolGivesBackThePacketsReference() {
        SessionKeys keys = sessionKeys();
        Keypair kp = new Keypair(null, keys, 0);
        PacketPool pool = new PacketPool(4, 64);
        Packet p = pool.poll();
        assertTrue(kp.acquire());
        p.keypair = kp;
        kp.destroy();
        assertFalse(keys.isDestroyed());
        pool.release(p);
        assertTrue(keys.isDestroyed(), "returning the packet released its reference");
        assertEquals(null, p.keypair);
    }
}
