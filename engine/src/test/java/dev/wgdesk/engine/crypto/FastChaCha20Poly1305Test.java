package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java AEAD: RFC 8439 section 2.8.2 and appendix A.5, then a differential test against
 * the JCE ({@link ChaCha20Poly1305}) over thousands of random cases, forgeries included.
 */
class FastChaCha20Poly1305Test extends Rfc8439AeadContract {
    private final FastChaCha20Poly1305 aead = new FastChaCha20Poly1305();

    @Override
    Aead aead() {
        return aead;
    }

    @Override
    void sealWithNonce(byte[] key, byte[] nonce, byte[] buf, int off, int len, byte[] ad) {
        aead.sealWithNonce(key, nonce, buf, off, len, ad);
    }

    @Override
    boolean openWithNonce(byte[] key, byte[] nonce, byte[] buf, int off, int len, byte[] ad) {
        return aead.openWithNonce(key, nonce, buf, off, len, ad);
    }






    /**
     * Thousands of random (key, counter, length 0..2000, AD or not) cases: the ciphertext and tag
     * are the JCE's byte for byte, open inverts seal, and any flipped bit in the ciphertext, the
     * tag or the AD makes open fail without touching the buffer.
     */
    @Test
    void agreesWithTheJceAndRejectsEveryForgery() {
        Random rnd = new Random(0x5eed);
        ChaCha20Poly1305 jce = new ChaCha20Poly1305();
        for (int t = 0; t < 3000; t++) {
            byte[] key = new byte[32];
            rnd.nextBytes(key);
            long counter = switch (t % 4) {
                case 0 -> rnd.nextLong(); // often above 2^63: the counter is unsigned
                case 1 -> t;
                case 2 -> -1L - t;
                default -> rnd.nextLong() >>> 20;
            };
            int len = t < 2001 ? t : rnd.nextInt(2001); // every length 0..2000 once
            byte[] ad = switch (t % 3) {
                case 0 -> null;
                case 1 -> new byte[0];
                default -> randomBytes(rnd, rnd.nextInt(64));
            };
            int off = rnd.nextInt(20);
            byte[] plain = randomBytes(rnd, len);

            byte[] expected = new byte[len + 16];
            System.arraycopy(plain, 0, expected, 0, len);
            jce.seal(key, counter, expected, 0, len, ad);

            byte[] buf = new byte[off + len + 16 + rnd.nextInt(5)];
            rnd.nextBytes(buf);
            System.arraycopy(plain, 0, buf, off, len);
            byte[] before = buf.clone();
            aead.seal(key, counter, buf, off, len, ad);
            String what = "case " + t + " len " + len;
            assertArrayEquals(expected, Arrays.copyOfRange(buf, off, off + len + 16), what);
            assertArrayEquals(Arrays.copyOf(before, off), Arrays.copyOf(buf, off), what + ": bytes before the range");
            assertArrayEquals(Arrays.copyOfRange(before, off + len + 16, buf.length),
                    Arrays.copyOfRange(buf, off + len + 16, buf.length), what + ": bytes after the tag");

            // forgery: one flipped bit anywhere in ciphertext || tag
            byte[] sealed = buf.clone();
            int bit = rnd.nextInt((len + 16) * 8);
            buf[off + bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] forged = buf.clone();
            assertFalse(aead.open(key, counter, buf, off, len + 16, ad), what + " flipped bit " + bit);
            assertArrayEquals(forged, buf, what + ": a failed open leaves the buffer as it was");
            // or in the AD, or the wrong counter
            if (ad != null && ad.length > 0) {
                byte[] badAd = ad.clone();
                badAd[rnd.nextInt(badAd.length)] ^= (byte) (1 << rnd.nextInt(8));
                byte[] copy = sealed.clone();
                assertFalse(aead.open(key, counter, copy, off, len + 16, badAd), what + " flipped AD bit");
                assertArrayEquals(sealed, copy);
            }
            byte[] copy = sealed.clone();
            assertFalse(aead.open(key, counter + 1, copy, off, len + 16, ad), what + " wrong counter");
            assertArrayEquals(sealed, copy);

            // the genuine article opens, here and in the JCE
            assertTrue(aead.open(key, counter, sealed, off, len + 16, ad), what);
            assertArrayEquals(plain, Arrays.copyOfRange(sealed, off, off + len), what);
            byte[] viaJce = expected.clone();
            assertTrue(jce.open(key, counter, viaJce, 0, len + 16, ad), what);
        }
    }

    @Test
    void longInputsSpanSeveralKeystreamBatches() {
        ChaCha20Poly1305 jce = new ChaCha20Poly1305();
        Random rnd = new Random(77);
        byte[] key = randomBytes(rnd, 32);
        for (int len : new int[] {1983, 1984, 1985, 2047, 2048, 2049, 4032, 4033, 9000, 65_535}) {
            byte[] plain = randomBytes(rnd, len);
            byte[] expected = Arrays.copyOf(plain, len + 16);
            jce.seal(key, len, expected, 0, len, null);
            byte[] buf = Arrays.copyOf(plain, len + 16);
            aead.seal(key, len, buf, 0, len, null);
            assertArrayEquals(expected, buf, "len " + len);
            assertTrue(aead.open(key, len, buf, 0, len + 16, null));
            assertArrayEquals(plain, Arrays.copyOf(buf, len));
        }
    }



    @Test
    void destroyZeroesEveryKeyDerivedWordAndTheInstanceStaysUsable() {
        byte[] buf = new byte[48];
        assertTrue(aead.isDestroyed(), "a new instance holds no key");
        aead.seal(KEY_A5, 1, buf, 0, 32, null);
        assertFalse(aead.isDestroyed());
        assertFalse(aead.isWiped());
        aead.destroy();
        assertTrue(aead.isDestroyed());
        assertTrue(aead.isWiped());
        assertTrue(aead.open(KEY_A5, 1, buf, 0, 48, null));
    }

    @Test
    void badArgumentsThrowClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> aead.seal(new byte[31], 0, new byte[32], 0, 16, null));
        assertThrows(IllegalArgumentException.class, () -> aead.open(new byte[33], 0, new byte[32], 0, 32, null));
        assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(KEY_A5, 0, new byte[31], 0, 16, null));
        assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(KEY_A5, 0, new byte[64], 0, -1, null));
        assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(KEY_A5, 0, new byte[64], 60, Integer.MAX_VALUE, null));
        assertThrows(IndexOutOfBoundsException.class, () -> aead.open(KEY_A5, 0, new byte[31], 0, 32, null));
        assertThrows(IndexOutOfBoundsException.class, () -> aead.open(KEY_A5, 0, new byte[31], -1, 16, null));
        assertThrows(IllegalArgumentException.class, () -> aead.sealWithNonce(KEY_A5, new byte[8], new byte[32], 0, 16, null));
        assertEquals("FastChaCha20Poly1305", aead.toString());
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
