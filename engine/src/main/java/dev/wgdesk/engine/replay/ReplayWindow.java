package dev.wgdesk.engine.replay;

import dev.wgdesk.engine.Protocol;
import java.util.Arrays;

/**
 * The receive-side replay filter of one keypair: the RFC 6479 sliding window the Linux driver uses
 * ({@code receive.c counter_validate}), sized {@link Protocol#COUNTER_BITS_TOTAL} bits
 * ({@value Protocol#COUNTER_BITS_TOTAL} bits in 128 {@code long}s) with a usable window of
 * {@link Protocol#COUNTER_WINDOW_SIZE} ({@value Protocol#COUNTER_WINDOW_SIZE}) counters behind the
 * highest counter seen.
 *
 * <p>Counters are unsigned 64-bit values carried in a {@code long}. A counter is accepted once:
 * <ul>
 *   <li>a counter at or above {@link Protocol#REJECT_AFTER_MESSAGES} (compared unsigned) is always
 *       rejected;</li>
 *   <li>a counter more than the window behind the highest accepted one is rejected;</li>
 *   <li>a counter above the highest one slides the window forward, clearing the blocks it skips
 *       (at most the whole ring), and is accepted;</li>
 *   <li>any other counter is accepted if its bit is clear, and its bit is then set.</li>
 * </ul>
 * Like the kernel, the window internally stores {@code highest + 1}, so that the all-zero state
 * means "nothing received" and counter 0 is valid on a fresh window.
 *
 * <p>Call {@link #validate} only for packets that have been authenticated (decrypted), and only
 * sequentially: this class is <b>not thread-safe</b>. The device checks each keypair's packets in
 * order on one thread, as wireguard-go and the kernel do. A new instance is empty and ready to
 * use. {@link #validate} does not allocate.
 */
public final class ReplayWindow {
    private static final int BITS_PER_LONG = Long.SIZE;
    private static final int LOG_BITS_PER_LONG = 6; // log2(64)
    private static final int RING_LONGS = Protocol.COUNTER_BITS_TOTAL / BITS_PER_LONG; // 128
    private static final int RING_MASK = RING_LONGS - 1;

    static {
        // The ring index arithmetic needs a power-of-two number of 64-bit blocks.
        if (Integer.bitCount(RING_LONGS) != 1
                || Protocol.COUNTER_WINDOW_SIZE != Protocol.COUNTER_BITS_TOTAL - BITS_PER_LONG) {
            throw new ExceptionInInitializerError("inconsistent replay window constants");
        }
    }

    /** Highest accepted counter plus one (unsigned); 0 when nothing was accepted yet. */
    private long next;
    private final long[] ring = new long[RING_LONGS];

    /** Creates an empty window. */
    public ReplayWindow() {}

    /**
     * Decides whether an authenticated packet's counter is fresh, and records it if so.
     *
     * @param counter the packet's 64-bit counter, read as unsigned
     * @return true to accept the packet (first time this counter is seen, inside the window, below
     *     {@link Protocol#REJECT_AFTER_MESSAGES}); false to drop it
     */
    public boolean validate(long counter) {
        if (Long.compareUnsigned(counter, Protocol.REJECT_AFTER_MESSAGES) >= 0) {
            return false;
        }
        // Below REJECT_AFTER_MESSAGES = 2^64 - 2^13 - 1, so neither sum below wraps around.
        long their = counter + 1;
        if (Long.compareUnsigned(their + Protocol.COUNTER_WINDOW_SIZE, next) < 0) {
            return false; // too old: behind the window
        }
        long block = their >>> LOG_BITS_PER_LONG;
        if (Long.compareUnsigned(their, next) > 0) {
            long currentBlock = next >>> LOG_BITS_PER_LONG;
            // Both block numbers are below 2^58, so plain signed arithmetic is exact here.
            long skipped = Math.min(block - currentBlock, RING_LONGS);
            for (long i = 1; i <= skipped; i++) {
                ring[(int) ((currentBlock + i) & RING_MASK)] = 0;
            }
            next = their;
        }
        int index = (int) (block & RING_MASK);
        long bit = 1L << (their & (BITS_PER_LONG - 1));
        long old = ring[index];
        ring[index] = old | bit;
        return (old & bit) == 0;
    }

    /** Forgets every counter seen, returning the window to its initial state. */
    public void reset() {
        next = 0;
        Arrays.fill(ring, 0L);
    }

    /** Shows only the highest accepted counter, for debugging. */
    @Override
    public String toString() {
        return next == 0 ? "ReplayWindow[empty]" : "ReplayWindow[highest=" + Long.toUnsignedString(next - 1) + "]";
    }
}
