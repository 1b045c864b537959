package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The JCE-backed ChaCha20-Poly1305: the RFC 8439 contract, tag failures, the nonce layout and its key cache. */
class ChaCha20Poly1305Test extends Rfc8439AeadContract {
    private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();

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






    @Test
    void flippedCiphertextTagOrAdIsRejected() {
        byte[] good = concat(CIPHER_A5, TAG_A5);
        for (int pos : new int[] {0, 100, CIPHER_A5.length - 1, CIPHER_A5.length, good.length - 1}) {
            byte[] buf = good.clone();
            buf[pos] ^= 0x01;
            assertFalse(aead.open(KEY_A5, COUNTER_A5, buf, 0, buf.length, AAD_A5), "flip at " + pos);
        }
        byte[] ad = AAD_A5.clone();
        ad[0] ^= 0x80;
        assertFalse(aead.open(KEY_A5, COUNTER_A5, good.clone(), 0, good.length, ad));
        assertFalse(aead.open(KEY_A5, COUNTER_A5, good.clone(), 0, good.length, null), "missing AD");
        assertFalse(aead.open(KEY_A5, COUNTER_A5 + 1, good.clone(), 0, good.length, AAD_A5), "wrong counter");
        byte[] key = KEY_A5.clone();
        key[31] ^= 1;
        assertFalse(aead.open(key, COUNTER_A5, good.clone(), 0, good.length, AAD_A5), "wrong key");
    }

    @Test
    void openStillWorksAfterAFailure() {
        byte[] bad = concat(CIPHER_A5, TAG_A5);
        bad[3] ^= 4;
        assertFalse(aead.open(KEY_A5, COUNTER_A5, bad, 0, bad.length, AAD_A5));
        byte[] good = concat(CIPHER_A5, TAG_A5);
        assertTrue(aead.open(KEY_A5, COUNTER_A5, good, 0, good.length, AAD_A5));
    }



    @Test
    void counterIsLittleEndianAndHighBitsMatter() {
        byte[] a = new byte[16 + 32];
        byte[] b = new byte[16 + 32];
        aead.seal(KEY_A5, 1L, a, 0, 32, null);
        aead.seal(KEY_A5, 1L << 56, b, 0, 32, null);
        assertFalse(Arrays.equals(a, b));
        // counter 0x0807060504030201 is nonce bytes 01..08 after four zero bytes (checked by A.5)
        byte[] c = new byte[16 + 32];
        aead.seal(KEY_A5, -1L, c, 0, 32, null); // unsigned 2^64 - 1 is a valid counter
        assertTrue(aead.open(KEY_A5, -1L, c, 0, c.length, null));
    }

    @Test
    void sealingTwiceWithTheSameKeyAndCounterIsDeterministic() {
        // The JCE refuses a repeated (key, nonce) encrypt init; seal must hide that.
        byte[] a = new byte[48];
        byte[] b = new byte[48];
        aead.seal(KEY_A5, 9, a, 0, 32, null);
        aead.seal(KEY_A5, 9, b, 0, 32, null);
        assertArrayEquals(a, b);
    }

    @Test
    void keyCacheNoticesAChangedKeyInTheSameArray() {
        byte[] key = KEY_A5.clone();
        byte[] a = new byte[48];
        aead.seal(key, 1, a, 0, 32, null);
        key[0] ^= 1;
        byte[] b = new byte[48];
        aead.seal(key, 1, b, 0, 32, null);
        assertFalse(Arrays.equals(a, b));
        assertFalse(aead.open(KEY_A5, 1, b, 0, 48, null));
    }

    @Test
    void destroyForgetsTheCachedKeyButStaysUsable() {
        byte[] buf = new byte[48];
        aead.seal(KEY_A5, 1, buf, 0, 32, null);
        aead.destroy();
        assertTrue(aead.isDestroyed());
        assertTrue(aead.open(KEY_A5, 1, buf, 0, 48, null));
    }

    @Test
    void badArgumentsThrowClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> aead.seal(new byte[31], 0, new byte[32], 0, 16, null));
        assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(KEY_A5, 0, new byte[31], 0, 16, null));
        assertThrows(IndexOutOfBoundsException.class, () -> aead.open(KEY_A5, 0, new byte[31], 0, 32, null));
        assertEquals("ChaCha20Poly1305", aead.toString());
    }
}
