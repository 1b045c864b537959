package dev.wgdesk.engine.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The ChaCha20 block function (RFC 8439 section 2.3) for up to {@link #MAX_BLOCKS} consecutive
 * block counters at once, and the keystream XOR (section 2.4) over those blocks.
 *
 * <p><b>Layout.</b> The working state is "vertical": word {@code w} of block {@code i} lives at
 * {@code x[w * MAX_BLOCKS + i]}, so a round is a loop over blocks whose body is the same scalar
 * code for every block. With a compile-time-constant stride and the blocks of one word adjacent,
 * HotSpot's C2 turns such loops with small bodies into SSE/AVX2 code (superword
 * auto-vectorization), with no incubator module or flag. C2 picks the vector width from the trip
 * count: the column round, whose four quarter rounds form one loop over {@code 4 * MAX_BLOCKS}
 * positions ({@link #fullColumnRound}), gets 8 lanes; the diagonal round, four loops of up to
 * {@code MAX_BLOCKS} lanes ({@link #wideDiagonalRound}), gets 4. Batches of fewer than
 * {@link #WIDE_MIN} blocks run all 20 rounds of one block at a time in local variables instead
 * ({@link #permuteLane}), cheaper at that size; so do all batches where the lane loops are not
 * vectorized ({@link #VECTOR_LANES}: a native image). Either way the result is the same.
 *
 * <p>The feed-forward addition of the input block is fused into the XOR: after
 * {@link #generate} the lanes hold the permuted state, and {@link #keystreamWord} and
 * {@link #xor} add the input words back as they read.
 *
 * <p><b>Not thread-safe;</b> all state lives in preallocated fields, nothing is allocated per
 * call. {@link #wipe()} zeroes the key, nonce and keystream.
 */
final class ChaCha20Blocks {
    /** Blocks computed by one {@link #generate} call at most (2 KiB of keystream). */
    static final int MAX_BLOCKS = 32;
    private static final int S = MAX_BLOCKS;
    /**
     * Batches of at least this many blocks take the vectorized path ({@link #fullColumnRound},
     * {@link #wideDiagonalRound}); smaller ones run whole rounds block by block, which costs less
     * for one to seven blocks.
     */
    static final int WIDE_MIN = 8;

    private static final int C0 = 0x61707865; // "expa"
    private static final int C1 = 0x3320646e; // "nd 3"
    private static final int C2 = 0x79622d32; // "2-by"
    private static final int C3 = 0x6b206574; // "te k"

    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Whether this runtime's compiler turns the lane loops into vector code: HotSpot's C2 does;
     * a GraalVM native image (Graal Community Edition ahead of time) does not, and there the lane
     * loops ran 3-4x slower than {@link #permuteLane} (docs/native-image.md, "Native engine
     * speed"). The image builder sets {@code org.graalvm.nativeimage.imagecode} to
     * {@code runtime} in an image. {@code -Dwgdesk.chachaLanes=vector|scalar} overrides the
     * choice (for measuring).
     */
    static final boolean VECTOR_LANES = switch (System.getProperty("wgdesk.chachaLanes", "")) {
        case "vector" -> true;
        case "scalar" -> false;
        default -> !"runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"));
    };

    private final int[] x = new int[16 * S];
    private final boolean vectorLanes;
    private int k0, k1, k2, k3, k4, k5, k6, k7;
    private int n0, n1, n2;
    private int counter0;
    private int count;

    /** Lane loops when {@link #VECTOR_LANES}, one lane at a time otherwise. */
    ChaCha20Blocks() {
        this(VECTOR_LANES);
    }

    /** @param vectorLanes true for the lane loops on wide batches, false for one lane at a time */
    ChaCha20Blocks(boolean vectorLanes) {
        this.vectorLanes = vectorLanes;
    }

    /**
     * Sets the key and the 96-bit nonce (as three little-endian words) for the next
     * {@link #generate} calls.
     *
     * @param key32 a 32-byte key (length checked by the caller)
     */
    void init(byte[] key32, int nonce0, int nonce1, int nonce2) {
        k0 = (int) LE32.get(key32, 0);
        k1 = (int) LE32.get(key32, 4);
        k2 = (int) LE32.get(key32, 8);
        k3 = (int) LE32.get(key32, 12);
        k4 = (int) LE32.get(key32, 16);
        k5 = (int) LE32.get(key32, 20);
        k6 = (int) LE32.get(key32, 24);
        k7 = (int) LE32.get(key32, 28);
        n0 = nonce0;
        n1 = nonce1;
        n2 = nonce2;
        count = 0;
    }

    /**
     * Runs the 20 rounds for blocks {@code counter .. counter+blocks-1}; block {@code i} of this
     * batch is then readable through {@link #keystreamWord} and {@link #xor}.
     *
     * @param counter the 32-bit block counter of the first block
     * @param blocks 1 to {@link #MAX_BLOCKS}
     */
    void generate(int counter, int blocks) {
        if (blocks < 1 || blocks > S) {
            throw new IllegalArgumentException("blocks must be 1.." + S + ", not " + blocks);
        }
        final int[] x = this.x;
        if (!vectorLanes || blocks < WIDE_MIN) {
            for (int i = 0; i < blocks; i++) {
                permuteLane(x, i, counter + i);
            }
        } else {
            // The column round runs over all lanes, the diagonal round over a multiple of four
            // (the extra lanes are computed and ignored) so that its vector loops never end in
            // scalar leftovers.
            final int n = (blocks + 3) & ~3;
            final int a4 = k0, a5 = k1, a6 = k2, a7 = k3, a8 = k4, a9 = k5, a10 = k6, a11 = k7;
            final int a13 = n0, a14 = n1, a15 = n2;
            for (int i = 0; i < n; i++) {
                x[i] = C0;
                x[S + i] = C1;
                x[2 * S + i] = C2;
                x[3 * S + i] = C3;
                x[4 * S + i] = a4;
                x[5 * S + i] = a5;
                x[6 * S + i] = a6;
                x[7 * S + i] = a7;
                x[8 * S + i] = a8;
                x[9 * S + i] = a9;
                x[10 * S + i] = a10;
                x[11 * S + i] = a11;
                x[12 * S + i] = counter + i;
                x[13 * S + i] = a13;
                x[14 * S + i] = a14;
                x[15 * S + i] = a15;
            }
            for (int round = 0; round < 10; round++) {
                fullColumnRound(x);
                wideDiagonalRound(x, n);
            }
        }
        counter0 = counter;
        count = blocks;
    }

    /**
     * Word {@code w} (0..15) of keystream block {@code block} of the last batch: the permuted
     * state plus the input word.
     */
    int keystreamWord(int block, int w) {
        java.util.Objects.checkIndex(block, count);
        return x[w * S + block] + input(w, block);
    }

    private int input(int w, int block) {
        return switch (w) {
            case 0 -> C0;
            case 1 -> C1;
            case 2 -> C2;
            case 3 -> C3;
            case 4 -> k0;
            case 5 -> k1;
            case 6 -> k2;
            case 7 -> k3;
            case 8 -> k4;
            case 9 -> k5;
            case 10 -> k6;
            case 11 -> k7;
            case 12 -> counter0 + block;
            case 13 -> n0;
            case 14 -> n1;
            case 15 -> n2;
            default -> throw new IndexOutOfBoundsException(w);
        };
    }

    /**
     * XORs {@code buf[off, off+len)} with the keystream of the last batch, starting at the
     * first byte of block {@code first}. The caller guarantees that the batch covers the range:
     * {@code len <= (blocks - first) * 64}.
     */
    void xor(int first, byte[] buf, int off, int len) {
        if (first < 0 || len < 0 || len > (count - first) * 64) {
            throw new IllegalArgumentException("range beyond the generated keystream");
        }
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        final int[] x = this.x;
        final int a4 = k0, a5 = k1, a6 = k2, a7 = k3, a8 = k4, a9 = k5, a10 = k6, a11 = k7;
        final int a13 = n0, a14 = n1, a15 = n2;
        int b = first;
        int p = off;
        int end = off + len;
        for (; end - p >= 64; b++, p += 64) {
            LE32.set(buf, p, (int) LE32.get(buf, p) ^ (x[b] + C0));
            LE32.set(buf, p + 4, (int) LE32.get(buf, p + 4) ^ (x[S + b] + C1));
            LE32.set(buf, p + 8, (int) LE32.get(buf, p + 8) ^ (x[2 * S + b] + C2));
            LE32.set(buf, p + 12, (int) LE32.get(buf, p + 12) ^ (x[3 * S + b] + C3));
            LE32.set(buf, p + 16, (int) LE32.get(buf, p + 16) ^ (x[4 * S + b] + a4));
            LE32.set(buf, p + 20, (int) LE32.get(buf, p + 20) ^ (x[5 * S + b] + a5));
            LE32.set(buf, p + 24, (int) LE32.get(buf, p + 24) ^ (x[6 * S + b] + a6));
            LE32.set(buf, p + 28, (int) LE32.get(buf, p + 28) ^ (x[7 * S + b] + a7));
            LE32.set(buf, p + 32, (int) LE32.get(buf, p + 32) ^ (x[8 * S + b] + a8));
            LE32.set(buf, p + 36, (int) LE32.get(buf, p + 36) ^ (x[9 * S + b] + a9));
            LE32.set(buf, p + 40, (int) LE32.get(buf, p + 40) ^ (x[10 * S + b] + a10));
            LE32.set(buf, p + 44, (int) LE32.get(buf, p + 44) ^ (x[11 * S + b] + a11));
            LE32.set(buf, p + 48, (int) LE32.get(buf, p + 48) ^ (x[12 * S + b] + counter0 + b));
            LE32.set(buf, p + 52, (int) LE32.get(buf, p + 52) ^ (x[13 * S + b] + a13));
            LE32.set(buf, p + 56, (int) LE32.get(buf, p + 56) ^ (x[14 * S + b] + a14));
            LE32.set(buf, p + 60, (int) LE32.get(buf, p + 60) ^ (x[15 * S + b] + a15));
        }
        // A final partial block: whole words, then bytes.
        int w = 0;
        for (; end - p >= 4; w++, p += 4) {
            LE32.set(buf, p, (int) LE32.get(buf, p) ^ keystreamWord(b, w));
        }
        if (p < end) {
            int k = keystreamWord(b, w);
            for (; p < end; p++, k >>>= 8) {
                buf[p] ^= (byte) k;
            }
        }
    }

    /** Zeroes the key, nonce and all keystream state. */
    void wipe() {
        Arrays.fill(x, 0);
        k0 = k1 = k2 = k3 = k4 = k5 = k6 = k7 = 0;
        n0 = n1 = n2 = 0;
        counter0 = 0;
        count = 0;
    }

    /** Test hook: true when no key, nonce or keystream word is left (after {@link #wipe()}). */
    boolean isWiped() {
        int acc = k0 | k1 | k2 | k3 | k4 | k5 | k6 | k7 | n0 | n1 | n2 | counter0 | count;
        for (int v : x) {
            acc |= v;
        }
        return acc == 0;
    }

    /**
     * The 20 rounds of lane {@code lane} (block counter {@code counter}) with the whole state in
     * local variables, written to the lanes once at the end: the path for code that does not
     * vectorize the lane loops (see {@link #VECTOR_LANES}) and for narrow batches. Loading
     * and storing every word around every quarter round, as the lane loops do, costs more than
     * the rounds themselves when each lane is computed on its own.
     */
    private void permuteLane(int[] x, int lane, int counter) {
        int x0 = C0, x1 = C1, x2 = C2, x3 = C3;
        int x4 = k0, x5 = k1, x6 = k2, x7 = k3;
        int x8 = k4, x9 = k5, x10 = k6, x11 = k7;
        int x12 = counter, x13 = n0, x14 = n1, x15 = n2;
        for (int round = 0; round < 10; round++) {
                x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16);
                x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
                x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8);
                x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
                x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16);
                x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
                x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8);
                x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
                x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16);
                x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
                x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8);
                x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
                x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16);
                x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
                x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8);
                x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
                x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16);
                x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
                x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8);
                x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
                x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16);
                x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
                x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8);
                x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
                x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16);
                x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
                x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8);
                x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
                x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16);
                x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
                x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8);
                x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        x[lane] = x0; x[S + lane] = x1; x[2 * S + lane] = x2; x[3 * S + lane] = x3;
        x[4 * S + lane] = x4; x[5 * S + lane] = x5; x[6 * S + lane] = x6; x[7 * S + lane] = x7;
        x[8 * S + lane] = x8; x[9 * S + lane] = x9; x[10 * S + lane] = x10; x[11 * S + lane] = x11;
        x[12 * S + lane] = x12; x[13 * S + lane] = x13; x[14 * S + lane] = x14; x[15 * S + lane] = x15;
    }

    /** The diagonal round as four loops, one per quarter round, over the first {@code n} lanes. */
    private static void wideDiagonalRound(int[] x, int n) {
        for (int i = 0; i < n; i++) {
            int a = x[0 * S + i];
            int b = x[5 * S + i];
            int c = x[10 * S + i];
            int d = x[15 * S + i];
            a += b;
            d = Integer.rotateLeft(d ^ a, 16);
            c += d;
            b = Integer.rotateLeft(b ^ c, 12);
            a += b;
            d = Integer.rotateLeft(d ^ a, 8);
            c += d;
            b = Integer.rotateLeft(b ^ c, 7);
            x[0 * S + i] = a;
            x[5 * S + i] = b;
            x[10 * S + i] = c;
            x[15 * S + i] = d;
        }
        for (int i = 0; i < n; i++) {
            int a = x[1 * S + i];
            int b = x[6 * S + i];
            int c = x[11 * S + i];
            int d = x[12 * S + i];
            a += b;
            d = Integer.rotateLeft(d ^ a, 16);
            c += d;
            b = Integer.rotateLeft(b ^ c, 12);
            a += b;
            d = Integer.rotateLeft(d ^ a, 8);
            c += d;
            b = Integer.rotateLeft(b ^ c, 7);
            x[1 * S + i] = a;
            x[6 * S + i] = b;
            x[11 * S + i] = c;
            x[12 * S + i] = d;
        }
        for (int i = 0; i < n; i++) {
            int a = x[2 * S + i];
            int b = x[7 * S + i];
            int c = x[8 * S + i];
            int d = x[13 * S + i];
            a += b;
            d = Integer.rotateLeft(d ^ a, 16);
            c += d;
            b = Integer.rotateLeft(b ^ c, 12);
            a += b;
            d = Integer.rotateLeft(d ^ a, 8);
            c += d;
            b = Integer.rotateLeft(b ^ c, 7);
            x[2 * S + i] = a;
            x[7 * S + i] = b;
            x[8 * S + i] = c;
            x[13 * S + i] = d;
        }
        for (int i = 0; i < n; i++) {
            int a = x[3 * S + i];
            int b = x[4 * S + i];
            int c = x[9 * S + i];
            int d = x[14 * S + i];
            a += b;
            d = Integer.rotateLeft(d ^ a, 16);
            c += d;
            b = Integer.rotateLeft(b ^ c, 12);
            a += b;
            d = Integer.rotateLeft(d ^ a, 8);
            c += d;
            b = Integer.rotateLeft(b ^ c, 7);
            x[3 * S + i] = a;
            x[4 * S + i] = b;
            x[9 * S + i] = c;
            x[14 * S + i] = d;
        }
    }

    /**
     * The column round over all {@code 4 * MAX_BLOCKS} positions of rows 0-3, 4-7, 8-11 and
     * 12-15 at once: column {@code q} of lane {@code i} is position {@code q * MAX_BLOCKS + i} of
     * each row, so the four column quarter rounds are one loop with a long trip count, which C2
     * vectorizes at full AVX2 width. It also mixes the unused lanes, which is harmless: lanes
     * never mix with each other.
     */
    private static void fullColumnRound(int[] x) {
        for (int i = 0; i < 4 * S; i++) {
            int a = x[i];
            int b = x[4 * S + i];
            int c = x[8 * S + i];
            int d = x[12 * S + i];
            a += b;
            d = Integer.rotateLeft(d ^ a, 16);
            c += d;
            b = Integer.rotateLeft(b ^ c, 12);
            a += b;
            d = Integer.rotateLeft(d ^ a, 8);
            c += d;
            b = Integer.rotateLeft(b ^ c, 7);
            x[i] = a;
            x[4 * S + i] = b;
            x[8 * S + i] = c;
            x[12 * S + i] = d;
        }
    }
}
