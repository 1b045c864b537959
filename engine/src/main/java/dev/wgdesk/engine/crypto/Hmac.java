package dev.wgdesk.engine.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * HMAC-BLAKE2s (RFC 2104 over BLAKE2s-256, block size 64), the {@code HMAC} of the WireGuard
 * whitepaper. It is plain HMAC, not BLAKE2s's built-in keyed mode. The padded key blocks are
 * zeroed after use.
 *
 * <p>Stateless and thread-safe.
 */
public final class Hmac {
    private Hmac() {}

    /** Output length. */
    public static final int LENGTH = Blake2s.HASH_LENGTH;

    private static final int BLOCK = Blake2s.BLOCK_LENGTH;

    /**
     * {@code HMAC(key, in1 || in2 || ...)} written to {@code out[outOff, outOff+32)}. The output
     * may overlap any input: inputs are fully read before the output is written.
     *
     * @param key at most 64 bytes (WireGuard only uses 32-byte keys)
     */
    public static void hmac(byte[] key, byte[] out, int outOff, byte[]... inputs) {
        if (key.length > BLOCK) {
            throw new IllegalArgumentException("HMAC-BLAKE2s keys longer than 64 bytes are not supported");
        }
        byte[] pad = new byte[BLOCK];
        byte[] inner = new byte[LENGTH];
        try {
            for (int i = 0; i < key.length; i++) {
                pad[i] = (byte) (key[i] ^ 0x36);
            }
            for (int i = key.length; i < BLOCK; i++) {
                pad[i] = 0x36;
            }
            Blake2sDigest d = new Blake2sDigest(LENGTH * 8);
            d.update(pad, 0, BLOCK);
            for (byte[] in : inputs) {
                d.update(in, 0, in.length);
            }
            d.doFinal(inner, 0);

            for (int i = 0; i < BLOCK; i++) {
                pad[i] ^= 0x36 ^ 0x5c;
            }
            d.reset();
            d.update(pad, 0, BLOCK);
            d.update(inner, 0, LENGTH);
            d.doFinal(out, outOff);
        } finally {
            Arrays.fill(pad, (byte) 0);
            Arrays.fill(inner, (byte) 0);
        }
    }
}
