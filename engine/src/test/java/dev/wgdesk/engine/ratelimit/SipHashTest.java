package dev.wgdesk.engine.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class SipHashTest {
    /** Key 00 01 .. 0f and message 00 01 .. 0f, as little-endian words. */
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    @Test
    void matchesTheAuthorsVectorForA16ByteMessage() {
        // vectors.h, vectors_sip64[16] = db 9b c2 57 7f cc 2a 3f (the tag, least significant byte first)
        assertEquals(0x3f2acc7f57c29bdbL, SipHash.hash16(K0, K1, 0x0706050403020100L, 0x0f0e0d0c0b0a0908L));
    }

    @Test
    void everyInputAndKeyWordMatters() {
        long h = SipHash.hash16(K0, K1, 1, 4);
        assertNotEquals(h, SipHash.hash16(K0, K1, 1, 6));
        assertNotEquals(h, SipHash.hash16(K0, K1, 2, 4));
        assertNotEquals(h, SipHash.hash16(K0 ^ 1, K1, 1, 4));
        assertNotEquals(h, SipHash.hash16(K0, K1 ^ 1, 1, 4));
    }
}
