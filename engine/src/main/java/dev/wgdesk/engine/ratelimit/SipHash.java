package dev.wgdesk.engine.ratelimit;

/**
 * SipHash-2-4 (Aumasson and Bernstein) of exactly 16 bytes, the keyed hash that places rate-limiter
 * entries in buckets. With a random key, a remote sender cannot pick source addresses that pile
 * into one bucket (the kernel uses {@code hsiphash} for the same reason).
 *
 * <p>Stateless and allocation-free.
 */
final class SipHash {
    private SipHash() {}

    /**
     * SipHash-2-4 with key (k0, k1) of the 16-byte message whose first 8 bytes, read little-endian,
     * are {@code m0} and last 8 are {@code m1}.
     */
    static long hash16(long k0, long k1, long m0, long m1) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        // Two message blocks, then the final block: the length (16) in the top byte, no tail bytes.
        for (int block = 0; block < 3; block++) {
            long m = block == 0 ? m0 : block == 1 ? m1 : 16L << 56;
            v3 ^= m;
            for (int r = 0; r < 2; r++) { // SipRound x c, c = 2
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }

        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) { // SipRound x d, d = 4
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
