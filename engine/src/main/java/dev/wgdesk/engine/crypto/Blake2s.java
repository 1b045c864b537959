package dev.wgdesk.engine.crypto;

import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * BLAKE2s (RFC 7693) as WireGuard uses it: {@code HASH} is unkeyed BLAKE2s-256 and {@code MAC}
 * is keyed BLAKE2s-128. Backed by Bouncy Castle's {@link Blake2sDigest}.
 *
 * <p>Stateless and thread-safe; each call uses a fresh digest (this is the handshake path, not
 * the data path).
 */
public final class Blake2s {
    private Blake2s() {}

    /** Output length of {@link #hash}. */
    public static final int HASH_LENGTH = 32;
    /** Output length of {@link #mac}. */
    public static final int MAC_LENGTH = 16;
    /** The compression function's block size, which HMAC needs. */
    public static final int BLOCK_LENGTH = 64;

    /** {@code HASH(in1 || in2 || ...)}: BLAKE2s-256 of the concatenation, as a new array. */
    public static byte[] hash(byte[]... inputs) {
        byte[] out = new byte[HASH_LENGTH];
        hashInto(out, 0, inputs);
        return out;
    }

    /** {@code HASH(in1 || in2 || ...)} written to {@code out[outOff, outOff+32)}. */
    public static void hashInto(byte[] out, int outOff, byte[]... inputs) {
        Blake2sDigest d = new Blake2sDigest(HASH_LENGTH * 8);
        for (byte[] in : inputs) {
            d.update(in, 0, in.length);
        }
        d.doFinal(out, outOff);
    }

    /** BLAKE2s-256 of {@code in[off, off+len)} written to {@code out[outOff, outOff+32)}. */
    public static void hash(byte[] in, int off, int len, byte[] out, int outOff) {
        Blake2sDigest d = new Blake2sDigest(HASH_LENGTH * 8);
        d.update(in, off, len);
        d.doFinal(out, outOff);
    }

    /**
     * {@code MAC(key, in[off, off+len))}: keyed BLAKE2s with a 16-byte output, written to
     * {@code out[outOff, outOff+16)}.
     *
     * @param key 1 to 32 bytes (WireGuard uses 32-byte mac1 keys and 16-byte cookies)
     * @throws IllegalArgumentException for an empty or longer key
     */
    public static void mac(byte[] key, byte[] in, int off, int len, byte[] out, int outOff) {
        keyed(key, MAC_LENGTH, in, off, len, out, outOff);
    }

    /**
     * Keyed BLAKE2s with any output length from 1 to 32 bytes: the general form behind
     * {@link #mac}, exposed for known-answer tests (BLAKE2 reference KATs use 32-byte output).
     */
    public static void keyed(byte[] key, int outLength, byte[] in, int off, int len, byte[] out, int outOff) {
        if (key.length < 1 || key.length > 32) {
            throw new IllegalArgumentException("a BLAKE2s key is 1 to 32 bytes, not " + key.length);
        }
        if (outLength < 1 || outLength > 32) {
            throw new IllegalArgumentException("BLAKE2s output is 1 to 32 bytes, not " + outLength);
        }
        Blake2sDigest d = new Blake2sDigest(key, outLength, null, null);
        d.update(in, off, len);
        d.doFinal(out, outOff);
        d.clearKey();
    }
}
