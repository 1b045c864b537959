package dev.wgdesk.engine.crypto;

import java.util.Arrays;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03), used only for WireGuard cookie replies.
 * The 24-byte nonce is split: HChaCha20(key, nonce[0,16)) gives a subkey, and the IETF
 * ChaCha20-Poly1305 runs under that subkey with nonce {@code 0x00000000 || nonce[16,24)}.
 *
 * <p>Array-returning API; allocation is acceptable here (a few cookie messages per handshake).
 * Stateless and thread-safe.
 */
public final class XChaCha20Poly1305 {
    private XChaCha20Poly1305() {}

    /** Key length in bytes. */
    public static final int KEY_LENGTH = 32;
    /** Nonce length in bytes. */
    public static final int NONCE_LENGTH = 24;
    /** Tag length in bytes. */
    public static final int TAG_LENGTH = ChaCha20Poly1305.TAG_LENGTH;
    /** HChaCha20 input (nonce prefix) length in bytes. */
    public static final int HCHACHA_INPUT_LENGTH = 16;

    /**
     * Encrypts {@code plaintext} and returns ciphertext || tag (length + 16).
     *
     * @param ad associated data, or {@code null} for none
     */
    public static byte[] seal(byte[] key32, byte[] nonce24, byte[] plaintext, byte[] ad) {
        checkNonce(nonce24);
        byte[] sub = new byte[KEY_LENGTH];
        try {
            hChaCha20(key32, nonce24, 0, sub);
            byte[] out = Arrays.copyOf(plaintext, plaintext.length + TAG_LENGTH);
            ChaCha20Poly1305 aead = new ChaCha20Poly1305();
            aead.seal(sub, counter(nonce24), out, 0, plaintext.length, ad);
            aead.destroy();
            return out;
        } finally {
            Arrays.fill(sub, (byte) 0);
        }
    }

    /**
     * Authenticates and decrypts ciphertext || tag.
     *
     * @param ad associated data, or {@code null} for none
     * @return the plaintext, or {@code null} if the input is shorter than a tag or the tag does
     *     not verify
     */
    public static byte[] open(byte[] key32, byte[] nonce24, byte[] ciphertextWithTag, byte[] ad) {
        checkNonce(nonce24);
        if (ciphertextWithTag.length < TAG_LENGTH) {
            return null;
        }
        byte[] sub = new byte[KEY_LENGTH];
        try {
            hChaCha20(key32, nonce24, 0, sub);
            byte[] buf = ciphertextWithTag.clone();
            ChaCha20Poly1305 aead = new ChaCha20Poly1305();
            boolean ok = aead.open(sub, counter(nonce24), buf, 0, buf.length, ad);
            aead.destroy();
            if (!ok) {
                Arrays.fill(buf, (byte) 0);
                return null;
            }
            return Arrays.copyOf(buf, buf.length - TAG_LENGTH);
        } finally {
            Arrays.fill(sub, (byte) 0);
        }
    }

    /**
     * HChaCha20: the ChaCha20 block function (20 rounds) over key and a 16-byte input, without
     * the final addition, returning state words 0-3 and 12-15 as 32 little-endian bytes.
     *
     * @param in16 array holding the 16-byte input at {@code inOff}
     * @param out32 receives the 32-byte subkey
     */
    public static void hChaCha20(byte[] key32, byte[] in16, int inOff, byte[] out32) {
        if (key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an XChaCha20 key is 32 bytes, not " + key32.length);
        }
        if (out32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("HChaCha20 output is 32 bytes, not " + out32.length);
        }
        java.util.Objects.checkFromIndexSize(inOff, HCHACHA_INPUT_LENGTH, in16.length);
        int[] x = new int[16];
        x[0] = 0x61707865;
        x[1] = 0x3320646e;
        x[2] = 0x79622d32;
        x[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) {
            x[4 + i] = le32(key32, 4 * i);
        }
        for (int i = 0; i < 4; i++) {
            x[12 + i] = le32(in16, inOff + 4 * i);
        }
        for (int round = 0; round < 10; round++) {
            quarterRound(x, 0, 4, 8, 12);
            quarterRound(x, 1, 5, 9, 13);
            quarterRound(x, 2, 6, 10, 14);
            quarterRound(x, 3, 7, 11, 15);
            quarterRound(x, 0, 5, 10, 15);
            quarterRound(x, 1, 6, 11, 12);
            quarterRound(x, 2, 7, 8, 13);
            quarterRound(x, 3, 4, 9, 14);
        }
        for (int i = 0; i < 4; i++) {
            putLe32(out32, 4 * i, x[i]);
            putLe32(out32, 16 + 4 * i, x[12 + i]);
        }
        Arrays.fill(x, 0);
    }

    private static void quarterRound(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    private static long counter(byte[] nonce24) {
        long c = 0;
        for (int i = 7; i >= 0; i--) {
            c = (c << 8) | (nonce24[16 + i] & 0xff);
        }
        return c;
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static void putLe32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    private static void checkNonce(byte[] nonce24) {
        if (nonce24.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("an XChaCha20 nonce is 24 bytes, not " + nonce24.length);
        }
    }
}
