package dev.wgdesk.engine.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.ConstantTime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** mac1/mac2 and the cookie reply exchange, with secret rotation in virtual time. */
class CookieTest {
    private final Peers p = new Peers();
    private final InetSocketAddress src = addr("192.168.13.37", 51820);

    private static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] initiationAt(int idx) {
        p.clock.advanceMillis(50); // distinct timestamps
        return p.initiation(idx);
    }

    private byte[] replyTo(byte[] msg, InetSocketAddress from) {
        byte[] reply = new byte[64];
        p.checkerB.createReply(msg, 0, msg.length, from, reply, 0);
        return reply;
    }

    @Test
    void cookieRoundTripMakesMac2Valid() {
        byte[] init = initiationAt(0x01020304);
        assertTrue(p.checkerB.checkMac1(init, 0, 148));
        assertTrue(ConstantTime.isZero(init, Messages.INITIATION_MAC2, 16), "no cookie yet: mac2 is zero");
        assertFalse(p.checkerB.checkMac2(init, 0, 148, src));

        byte[] reply = replyTo(init, src);
        assertEquals(Protocol.MESSAGE_COOKIE_REPLY_TYPE, Messages.validate(reply, 0, 64));
        assertEquals(0x01020304, Messages.receiverIndex(Protocol.MESSAGE_COOKIE_REPLY_TYPE, reply, 0),
                "addressed to the sender index of the triggering message");
        assertFalse(p.macsAToB.hasFreshCookie());
        assertTrue(p.macsAToB.consumeReply(reply, 0, 64));
        assertTrue(p.macsAToB.hasFreshCookie());

        byte[] again = initiationAt(2);
        assertFalse(ConstantTime.isZero(again, Messages.INITIATION_MAC2, 16));
        assertTrue(p.checkerB.checkMac1(again, 0, 148), "mac2 does not disturb mac1");
        assertTrue(p.checkerB.checkMac2(again, 0, 148, src));
        assertFalse(p.checkerB.checkMac2(again, 0, 148, addr("192.168.13.37", 51821)), "port is bound");
        assertFalse(p.checkerB.checkMac2(again, 0, 148, addr("192.168.13.38", 51820)), "IP is bound");
        assertFalse(p.checkerB.checkMac2(again, 0, 148, addr("::ffff:c0a8:d26", 51820)), "v4 vs v6 differ");
        again[20] ^= 1;
        assertFalse(p.checkerB.checkMac2(again, 0, 148, src), "mac2 covers the message");
    }

    @Test
    void cookiesWorkForResponsesAndIpv6Sources() {
        assertTrue(Handshake.consumeInitiation(p.idB, initiationAt(1), 0, 148, p.lookupAtB).isAccepted());
        byte[] resp = p.response(2);
        InetSocketAddress v6 = addr("fd00::2", 2);
        byte[] reply = new byte[64];
        p.checkerA.createReply(resp, 0, 92, v6, reply, 0);
        assertEquals(2, Messages.receiverIndex(Protocol.MESSAGE_COOKIE_REPLY_TYPE, reply, 0));
        assertTrue(p.macsBToA.consumeReply(reply, 0, 64));
        p.clock.advanceSeconds(1);
        assertTrue(Handshake.consumeInitiation(p.idB, initiationAt(3), 0, 148, p.lookupAtB).isAccepted());
        byte[] resp2 = p.response(4);
        assertTrue(p.checkerA.checkMac2(resp2, 0, 92, v6));
    }

    @Test
    void aReplyIsAcceptedOncePerMac1() {
        byte[] init = initiationAt(1);
        byte[] reply = replyTo(init, src);
        assertTrue(p.macsAToB.consumeReply(reply, 0, 64));
        assertFalse(p.macsAToB.consumeReply(reply, 0, 64), "second use of the same mac1");
        byte[] reply2 = replyTo(init, src);
        assertFalse(p.macsAToB.consumeReply(reply2, 0, 64), "even a fresh reply for the same mac1");
    }

    @Test
    void replyWithWrongAdIsRejected() {
        byte[] first = initiationAt(1);
        byte[] second = initiationAt(2); // the generator now remembers second's mac1
        assertFalse(p.macsAToB.consumeReply(replyTo(first, src), 0, 64), "AD is the last mac1 sent");
        assertFalse(p.macsAToB.hasFreshCookie());
        assertTrue(p.macsAToB.consumeReply(replyTo(second, src), 0, 64));
    }

    @Test
    void tamperedOrMisframedRepliesAreRejected() {
        byte[] init = initiationAt(1);
        byte[] reply = replyTo(init, src);
        for (int pos : new int[] {8, 31, 32, 63}) {
            byte[] bad = reply.clone();
            bad[pos] ^= 1;
            assertFalse(p.macsAToB.consumeReply(bad, 0, 64), "flip at " + pos);
        }
        assertFalse(p.macsAToB.consumeReply(reply, 0, 63));
        byte[] wrongType = reply.clone();
        wrongType[0] = 4;
        assertFalse(p.macsAToB.consumeReply(wrongType, 0, 64));
        assertTrue(p.macsAToB.consumeReply(reply, 0, 64), "the intact reply still works");
        // A generator that never sent a mac1 ignores replies.
        CookieGenerator fresh = new CookieGenerator(p.idB.publicKey(), p.clock);
        assertFalse(fresh.consumeReply(replyTo(init, src), 0, 64));
    }

    @Test
    void secretRotationAfter120sInvalidatesOldCookies() {
        byte[] init = initiationAt(1);
        assertTrue(p.macsAToB.consumeReply(replyTo(init, src), 0, 64));
        byte[] withCookie = initiationAt(2);
        assertTrue(p.checkerB.checkMac2(withCookie, 0, 148, src));

        p.clock.advanceSeconds(120);
        assertFalse(p.checkerB.checkMac2(withCookie, 0, 148, src), "secret older than 120 s");
        byte[] reply = replyTo(withCookie, src); // rotates the secret
        assertFalse(p.checkerB.checkMac2(withCookie, 0, 148, src), "old cookie, new secret");
        assertTrue(p.macsAToB.consumeReply(reply, 0, 64));
        byte[] renewed = initiationAt(3);
        assertTrue(p.checkerB.checkMac2(renewed, 0, 148, src));
    }

    @Test
    void generatorStopsUsingACookieAfter115s() {
        byte[] init = initiationAt(1);
        assertTrue(p.macsAToB.consumeReply(replyTo(init, src), 0, 64));
        p.clock.advanceSeconds(114);
        assertTrue(p.macsAToB.hasFreshCookie());
        p.clock.advanceSeconds(1);
        assertFalse(p.macsAToB.hasFreshCookie(), "COOKIE_REFRESH_TIME - 5 s");
        byte[] late = initiationAt(2);
        assertTrue(ConstantTime.isZero(late, Messages.INITIATION_MAC2, 16));
        p.macsAToB.clear();
        assertFalse(p.macsAToB.consumeReply(replyTo(late, src), 0, 64), "clear forgets the last mac1");
    }

    @Test
    void badLengthsAreRejectedClearly() {
        assertFalse(p.checkerB.checkMac1(new byte[64], 0, 64));
        assertFalse(p.checkerB.checkMac2(new byte[64], 0, 64, src));
        assertThrows(IllegalArgumentException.class, () -> p.macsAToB.addMacs(new byte[100], 0, 100));
        assertThrows(IllegalArgumentException.class,
                () -> p.checkerB.createReply(new byte[100], 0, 100, src, new byte[64], 0));
        byte[] init = initiationAt(1);
        assertThrows(IndexOutOfBoundsException.class, () -> p.checkerB.createReply(init, 0, 148, src, new byte[63], 0));
        assertThrows(IllegalArgumentException.class,
                () -> p.checkerB.createReply(init, 0, 148, InetSocketAddress.createUnresolved("x", 1), new byte[64], 0));
    }
}
