package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * What every ChaCha20-Poly1305 of the engine must do, shown with the RFC 8439 vectors (section
 * 2.8.2 and appendix A.5, whose nonce is WireGuard's layout): seal reproduces the ciphertext and
 * tag at an offset without touching the bytes around it, open inverts it, a too-short input and
 * a flipped tag are rejected without an exception. Each implementation's test extends this and
 * adds its own cases.
 */
abstract class Rfc8439AeadContract {
    static final HexFormat HEX = HexFormat.of();

    // RFC 8439 section 2.8.2
    static final byte[] KEY_282 = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    static final byte[] NONCE_282 = HEX.parseHex("070000004041424344454647");
    static final byte[] AAD_282 = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    static final byte[] PLAIN_282 = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
            + "for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    static final byte[] CIPHER_282 = HEX.parseHex(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
            + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
            + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
            + "3ff4def08e4b7a9de576d26586cec64b6116");
    static final byte[] TAG_282 = HEX.parseHex("1ae10b594f09e26a7e902ecbd0600691");

    // RFC 8439 appendix A.5: nonce 00000000 0102030405060708 = WireGuard's layout with
    // counter 0x0807060504030201.
    static final byte[] KEY_A5 = HEX.parseHex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
    static final long COUNTER_A5 = 0x0807060504030201L;
    static final byte[] AAD_A5 = HEX.parseHex("f33388860000000000004e91");
    static final byte[] CIPHER_A5 = HEX.parseHex(
            "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
            + "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
            + "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
            + "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
            + "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
            + "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
            + "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
            + "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
            + "a6ad5cb4022b02709b");
    static final byte[] TAG_A5 = HEX.parseHex("eead9d67890cbb22392336fea1851f38");
    static final byte[] PLAIN_A5 = HEX.parseHex(
            "496e7465726e65742d4472616674732061726520647261667420646f63756d65"
            + "6e74732076616c696420666f722061206d6178696d756d206f6620736978206d"
            + "6f6e74687320616e64206d617920626520757064617465642c207265706c6163"
            + "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65"
            + "6e747320617420616e792074696d652e20497420697320696e617070726f7072"
            + "6961746520746f2075736520496e7465726e65742d4472616674732061732072"
            + "65666572656e6365206d6174657269616c206f7220746f206369746520746865"
            + "6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67"
            + "726573732e2fe2809d");

    /** The implementation under test. */
    abstract Aead aead();

    /** Seals with a full 12-byte RFC 8439 nonce (the vectors of section 2.8.2 use one). */
    abstract void sealWithNonce(byte[] key, byte[] nonce, byte[] buf, int off, int len, byte[] ad);

    /** Opens with a full 12-byte RFC 8439 nonce. */
    abstract boolean openWithNonce(byte[] key, byte[] nonce, byte[] buf, int off, int len, byte[] ad);

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void rfc8439Section282SealMatchesVectorAtAnOffset() {
        byte[] buf = new byte[5 + PLAIN_282.length + 16 + 3];
        System.arraycopy(PLAIN_282, 0, buf, 5, PLAIN_282.length);
        sealWithNonce(KEY_282, NONCE_282, buf, 5, PLAIN_282.length, AAD_282);
        assertArrayEquals(concat(CIPHER_282, TAG_282), Arrays.copyOfRange(buf, 5, 5 + PLAIN_282.length + 16));
        assertEquals(0, buf[0] | buf[4] | buf[buf.length - 3] | buf[buf.length - 1], "bytes outside the range are untouched");
    }

    @Test
    void rfc8439Section282OpenRecoversPlaintext() {
        byte[] buf = concat(CIPHER_282, TAG_282);
        assertTrue(openWithNonce(KEY_282, NONCE_282, buf, 0, buf.length, AAD_282));
        assertArrayEquals(PLAIN_282, Arrays.copyOf(buf, PLAIN_282.length));
    }

    @Test
    void rfc8439AppendixA5DecryptsWithWireGuardNonceLayout() {
        byte[] buf = concat(CIPHER_A5, TAG_A5);
        assertTrue(aead().open(KEY_A5, COUNTER_A5, buf, 0, buf.length, AAD_A5));
        assertArrayEquals(PLAIN_A5, Arrays.copyOf(buf, PLAIN_A5.length));
    }

    @Test
    void rfc8439AppendixA5SealReproducesCiphertext() {
        byte[] buf = Arrays.copyOf(PLAIN_A5, PLAIN_A5.length + 16);
        aead().seal(KEY_A5, COUNTER_A5, buf, 0, PLAIN_A5.length, AAD_A5);
        assertArrayEquals(concat(CIPHER_A5, TAG_A5), buf);
    }

    @Test
    void inputShorterThanATagIsRejectedNotThrown() {
        byte[] buf = new byte[15];
        assertFalse(aead().open(KEY_A5, 0, buf, 0, 15, null));
        assertFalse(aead().open(KEY_A5, 0, buf, 0, 0, null));
    }

    @Test
    void emptyPlaintextKeepaliveRoundTrips() {
        byte[] buf = new byte[16];
        aead().seal(KEY_A5, 7, buf, 0, 0, null);
        assertFalse(ConstantTime.isZero(buf), "a tag was written");
        assertTrue(aead().open(KEY_A5, 7, buf, 0, 16, null));
        buf[15] ^= 1;
        assertFalse(aead().open(KEY_A5, 7, buf, 0, 16, null));
    }
}
