package dev.wgdesk.engine.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Poly1305 (RFC 8439 section 2.5) with the accumulator in radix 2^64: {@code h = h0 + h1 2^64 +
 * h2 2^128} ({@code h2} a few bits) and the clamped key {@code r = r0 + r1 2^64}. A block costs
 * four 64x64-to-128-bit products ({@link Math#unsignedMultiplyHigh}, an intrinsic) and two small
 * ones. Measured on 1424 bytes (JDK 25, Zen 3), thread CPU time relative to this radix: five
 * 26-bit limbs 1.11x (25 products a block), three 44-bit limbs with {@link Math#multiplyHigh}
 * 1.12x (9 double-width products), 26-bit limbs two blocks at a time with {@code r^2} 1.23x (the
 * multiplier, not the carry chain, is the bottleneck there).
 *
 * <p><b>Reduction.</b> Modulo {@code p = 2^130 - 5}, {@code 2^130 = 5}; clamping makes
 * {@code r1} a multiple of 4, so the terms at {@code 2^128} fold as
 * {@code h1 r1 2^128 = h1 (5 r1 / 4) = h1 s1} with {@code s1 = r1 + (r1 >>> 2)}. Products then
 * stay below 2^126 and every 128-bit sum fits without overflow.
 *
 * <p><b>Constant time.</b> Carries are computed with bit operations, never with comparisons or
 * branches, and the final conditional subtraction of {@code p} is a mask select.
 *
 * <p><b>Not thread-safe;</b> no allocation after construction. {@link #wipe()} zeroes the key and
 * the accumulator.
 */
final class Poly1305 {
    /** Tag and block length in bytes. */
    static final int BLOCK = 16;

    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private long r0, r1, s1;
    private long k0, k1;
    private long h0, h1, h2;
    private long tag0, tag1;
    /** Scratch for a final partial block and the AEAD length block. */
    private final byte[] last = new byte[BLOCK];

    /**
     * Starts a MAC under the one-time key {@code r || s}, given as four little-endian 64-bit
     * words; {@code r} is clamped here.
     */
    void init(long rLo, long rHi, long sLo, long sHi) {
        r0 = rLo & 0x0ffffffc0fffffffL;
        r1 = rHi & 0x0ffffffc0ffffffcL;
        s1 = r1 + (r1 >>> 2);
        k0 = sLo;
        k1 = sHi;
        h0 = 0;
        h1 = 0;
        h2 = 0;
    }

    /** Starts a MAC under the 32-byte one-time key at {@code key[off, off+32)}. */
    void init(byte[] key, int off) {
        java.util.Objects.checkFromIndexSize(off, 32, key.length);
        init((long) LE64.get(key, off), (long) LE64.get(key, off + 8), (long) LE64.get(key, off + 16),
                (long) LE64.get(key, off + 24));
    }

    /**
     * Absorbs {@code m[off, off+len)} as the AEAD does (RFC 8439 section 2.8): whole 16-byte
     * blocks, then a partial block padded with zeros to 16 bytes, so the next input starts on a
     * block boundary.
     */
    void updatePadded(byte[] m, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, m.length);
        int full = len & ~(BLOCK - 1);
        blocks(m, off, full >>> 4, 1);
        int rest = len - full;
        if (rest > 0) {
            System.arraycopy(m, off + full, last, 0, rest);
            Arrays.fill(last, rest, BLOCK, (byte) 0);
            blocks(last, 0, 1, 1);
            Arrays.fill(last, (byte) 0);
        }
    }

    /**
     * Absorbs {@code m[off, off+len)} as the plain MAC does (RFC 8439 section 2.5.1): whole
     * blocks, then a final partial block followed by a 1 byte and zeros. Must be the last input.
     */
    void updateFinal(byte[] m, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, m.length);
        int full = len & ~(BLOCK - 1);
        blocks(m, off, full >>> 4, 1);
        int rest = len - full;
        if (rest > 0) {
            System.arraycopy(m, off + full, last, 0, rest);
            last[rest] = 1;
            Arrays.fill(last, rest + 1, BLOCK, (byte) 0);
            blocks(last, 0, 1, 0);
            Arrays.fill(last, (byte) 0);
        }
    }

    /** Absorbs one block made of two little-endian words (the AEAD's length block). */
    void update(long lo, long hi) {
        LE64.set(last, 0, lo);
        LE64.set(last, 8, hi);
        blocks(last, 0, 1, 1);
        Arrays.fill(last, (byte) 0);
    }

    /**
     * The core loop: absorbs {@code count} 16-byte blocks from {@code m[off..]}, each with
     * {@code 2^128 * hibit} added (1 for a full block, 0 for the padded final block of the plain
     * MAC).
     */
    private void blocks(byte[] m, int off, int count, long hibit) {
        long h0 = this.h0;
        long h1 = this.h1;
        long h2 = this.h2;
        final long r0 = this.r0;
        final long r1 = this.r1;
        final long s1 = this.s1;
        for (int i = 0; i < count; i++, off += BLOCK) {
            // h += m (h2 stays below 7: at most 4 after a reduction, plus a carry and hibit)
            long m0 = (long) LE64.get(m, off);
            long m1 = (long) LE64.get(m, off + 8);
            long t0 = h0 + m0;
            long c = carry(h0, m0, t0);
            long t1 = h1 + m1 + c;
            c = carry(h1, m1, t1);
            h2 += c + hibit;
            h0 = t0;
            h1 = t1;

            // d = h * r, folded at 2^128 (see the class comment): d0 + d1 2^64 + d2 2^128
            long a0 = h0 * r0;
            long a1 = Math.unsignedMultiplyHigh(h0, r0);
            long b0 = h1 * s1;
            long b1 = Math.unsignedMultiplyHigh(h1, s1);
            long d0 = a0 + b0;
            long d0h = a1 + b1 + carry(a0, b0, d0); // < 2^62: the product terms are < 2^125
            long e0 = h0 * r1;
            long e1 = Math.unsignedMultiplyHigh(h0, r1);
            long f0 = h1 * r0;
            long f1 = Math.unsignedMultiplyHigh(h1, r0);
            long g = h2 * s1; // < 8 * 1.25 * 2^60
            long d1 = e0 + f0;
            long d1h = e1 + f1 + carry(e0, f0, d1);
            long u = d1 + g;
            d1h += carry(d1, g, u);
            d1 = u + d0h;
            d1h += carry(u, d0h, d1);
            long d2 = h2 * r0 + d1h; // < 2^63

            // h = d mod 2^130 + 5 * (d >> 130), partially reduced
            long fold = (d2 & ~3L) + (d2 >>> 2); // 5 * (d2 >> 2)
            h0 = d0 + fold;
            c = carry(d0, fold, h0);
            h1 = d1 + c;
            c = carry(d1, c, h1);
            h2 = (d2 & 3) + c;
        }
        this.h0 = h0;
        this.h1 = h1;
        this.h2 = h2;
    }

    /** The carry out of the 64-bit sum {@code s = a + b (+ carry in)}, without a branch. */
    private static long carry(long a, long b, long s) {
        return ((a & b) | ((a | b) & ~s)) >>> 63;
    }

    /**
     * Finishes the MAC: reduces {@code h} fully modulo {@code p}, adds {@code s} modulo 2^128
     * and keeps the tag for {@link #tag0()}/{@link #tag1()} or {@link #writeTag}. The key and
     * accumulator are zeroed.
     */
    void finish() {
        long h0 = this.h0;
        long h1 = this.h1;
        long h2 = this.h2;
        // fold the bits above 2^130 once more: afterwards h < 2^130 + 5 * 2
        long fold = (h2 >>> 2) * 5;
        h2 &= 3;
        long t = h0 + fold;
        long c = carry(h0, fold, t);
        h0 = t;
        t = h1 + c;
        c = carry(h1, c, t);
        h1 = t;
        h2 += c;
        // g = h + 5 - 2^130; take g if h >= p, that is if g did not go negative
        long g0 = h0 + 5;
        c = carry(h0, 5, g0);
        long g1 = h1 + c;
        c = carry(h1, c, g1);
        long g2 = h2 + c;
        long useG = -(g2 >>> 2); // all ones when h + 5 >= 2^130
        h0 = (h0 & ~useG) | (g0 & useG);
        h1 = (h1 & ~useG) | (g1 & useG);
        // tag = (h + s) mod 2^128
        long o0 = h0 + k0;
        c = carry(h0, k0, o0);
        tag0 = o0;
        tag1 = h1 + k1 + c;
        wipeKey();
    }

    /** The tag's first eight bytes as a little-endian word (after {@link #finish()}). */
    long tag0() {
        return tag0;
    }

    /** The tag's last eight bytes as a little-endian word (after {@link #finish()}). */
    long tag1() {
        return tag1;
    }

    /** Writes the 16-byte tag at {@code out[off..]} (after {@link #finish()}). */
    void writeTag(byte[] out, int off) {
        java.util.Objects.checkFromIndexSize(off, BLOCK, out.length);
        LE64.set(out, off, tag0);
        LE64.set(out, off + 8, tag1);
    }

    /**
     * Compares the tag with {@code in[off, off+16)} in constant time (after {@link #finish()}).
     */
    boolean tagEquals(byte[] in, int off) {
        java.util.Objects.checkFromIndexSize(off, BLOCK, in.length);
        long diff = (tag0 ^ (long) LE64.get(in, off)) | (tag1 ^ (long) LE64.get(in, off + 8));
        return diff == 0;
    }

    private void wipeKey() {
        r0 = r1 = s1 = 0;
        k0 = k1 = 0;
        h0 = h1 = h2 = 0;
    }

    /** Zeroes the key, the accumulator and the last tag. */
    void wipe() {
        wipeKey();
        tag0 = tag1 = 0;
        Arrays.fill(last, (byte) 0);
    }

    /** Test hook: true when no key, accumulator, tag or scratch byte is left. */
    boolean isWiped() {
        long acc = r0 | r1 | s1 | k0 | k1 | h0 | h1 | h2 | tag0 | tag1;
        for (byte b : last) {
            acc |= b;
        }
        return acc == 0;
    }
}
