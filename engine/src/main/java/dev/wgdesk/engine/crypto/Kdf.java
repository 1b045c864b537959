package dev.wgdesk.engine.crypto;

import java.util.Arrays;

/**
 * WireGuard's {@code KDF1/2/3}: HKDF (RFC 5869) with HMAC-BLAKE2s and an empty info string.
 * <pre>
 *   prk = HMAC(key, input)
 *   t0  = HMAC(prk, 0x01)
 *   t1  = HMAC(prk, t0 || 0x02)
 *   t2  = HMAC(prk, t1 || 0x03)
 * </pre>
 * Every output is 32 bytes. Outputs may alias {@code key} or {@code input} (for example
 * {@code C = KDF1(C, x)}): both are consumed before any output is written. The
 * pseudo-random key and intermediate blocks are zeroed before returning.
 *
 * <p>Stateless and thread-safe.
 */
public final class Kdf {
    private Kdf() {}

    /** Length of every output. */
    public static final int LENGTH = Hmac.LENGTH;

    private static final byte[] ONE = {1};

    /** {@code t0 = KDF1(key, input)}. */
    public static void kdf1(byte[] key, byte[] input, byte[] t0) {
        derive(key, input, t0, null, null);
    }

    /** {@code (t0, t1) = KDF2(key, input)}. */
    public static void kdf2(byte[] key, byte[] input, byte[] t0, byte[] t1) {
        derive(key, input, t0, t1, null);
    }

    /** {@code (t0, t1, t2) = KDF3(key, input)}. */
    public static void kdf3(byte[] key, byte[] input, byte[] t0, byte[] t1, byte[] t2) {
        derive(key, input, t0, t1, t2);
    }

    private static void derive(byte[] key, byte[] input, byte[] t0, byte[] t1, byte[] t2) {
        check(t0);
        if (t1 != null) {
            check(t1);
        }
        if (t2 != null) {
            check(t2);
        }
        byte[] prk = new byte[LENGTH];
        byte[] a = new byte[LENGTH];
        byte[] b = new byte[LENGTH];
        byte[] c = new byte[LENGTH];
        try {
            Hmac.hmac(key, prk, 0, input);
            Hmac.hmac(prk, a, 0, ONE);
            if (t1 != null) {
                Hmac.hmac(prk, b, 0, a, new byte[] {2});
            }
            if (t2 != null) {
                Hmac.hmac(prk, c, 0, b, new byte[] {3});
            }
            System.arraycopy(a, 0, t0, 0, LENGTH);
            if (t1 != null) {
                System.arraycopy(b, 0, t1, 0, LENGTH);
            }
            if (t2 != null) {
                System.arraycopy(c, 0, t2, 0, LENGTH);
            }
        } finally {
            Arrays.fill(prk, (byte) 0);
            Arrays.fill(a, (byte) 0);
            Arrays.fill(b, (byte) 0);
            Arrays.fill(c, (byte) 0);
        }
    }

    private static void check(byte[] out) {
        if (out.length != LENGTH) {
            throw new IllegalArgumentException("KDF outputs are 32 bytes, not " + out.length);
        }
    }
}
