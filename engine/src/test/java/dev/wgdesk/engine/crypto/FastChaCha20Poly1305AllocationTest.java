package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The point of the class: no allocation per seal or open once the JIT has warmed up. */
@Timeout(180)
class FastChaCha20Poly1305AllocationTest {
    /** Rounds per call of {@link #run}: short, so that the JIT compiles run as a whole method. */
    private static final int WINDOW = 50;
    private static final int MIN_WARMUP_CALLS = 3_000;
    private static final int QUIET_WINDOWS = 500;
    private static final int MAX_WARMUP_CALLS = 10_000;
    private static final int MEASURED_CALLS = 2_000; // 100k rounds

    private final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void sealAndOpenAllocateNothingInSteadyState() {
        FastChaCha20Poly1305 aead = new FastChaCha20Poly1305();
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (i * 13 + 5);
        }
        Buffers b = new Buffers();
        // Warm-up: many short calls, until the last QUIET_WINDOWS allocated nothing. The first
        // rounds link the VarHandle call sites and run interpreted, and the JIT's switches between
        // compiled versions (of this test's loop too: an on-stack replacement allocates a few
        // hundred bytes once) are not per packet. Short calls let run itself be compiled whole,
        // so no on-stack replacement happens in the measured calls.
        int rounds = 0;
        int calls = 0;
        int quiet = 0;
        long lastWindow = 0;
        int ok = 0;
        while ((calls < MIN_WARMUP_CALLS || quiet < QUIET_WINDOWS) && calls < MAX_WARMUP_CALLS) {
            long start = mx.getCurrentThreadAllocatedBytes();
            ok += run(aead, key, b, rounds, rounds + WINDOW);
            lastWindow = mx.getCurrentThreadAllocatedBytes() - start;
            quiet = lastWindow == 0 ? quiet + 1 : 0;
            rounds += WINDOW;
            calls++;
        }
        assertTrue(quiet >= QUIET_WINDOWS, "still allocating after " + rounds + " warm-up rounds: "
                + lastWindow / (double) WINDOW + " bytes per round in the last window");

        int measured = MEASURED_CALLS * WINDOW;
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int c = 0; c < MEASURED_CALLS; c++) {
            ok += run(aead, key, b, rounds + c * WINDOW, rounds + (c + 1) * WINDOW);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("FastChaCha20Poly1305: %d bytes allocated over %d rounds of seal+open (after %d warm-up rounds)%n",
                allocated, measured, rounds);
        assertEquals(2 * (rounds + measured), ok, "every genuine packet opened, every forgery failed");
        assertEquals(0, allocated, "bytes allocated by " + measured + " rounds in steady state");
    }

    /** Preallocated packets: 1420 bytes with header room and AD, 64 bytes, a forgery. */
    static final class Buffers {
        final byte[] big = new byte[2048];
        final byte[] small = new byte[128];
        final byte[] forged = new byte[1500];
        final byte[] ad = new byte[16];
    }

    /** Per round: a 1420-byte seal+open with AD, a 64-byte one without, and a failed open. */
    private static int run(FastChaCha20Poly1305 aead, byte[] key, Buffers b, int from, int to) {
        int ok = 0;
        for (int i = from; i < to; i++) {
            aead.seal(key, i, b.big, 16, 1420, b.ad);
            ok += aead.open(key, i, b.big, 16, 1420 + 16, b.ad) ? 1 : 0;
            aead.seal(key, i, b.small, 0, 64, null);
            ok += aead.open(key, i, b.small, 0, 64 + 16, null) ? 1 : 0;
            ok -= aead.open(key, i, b.forged, 0, b.forged.length, null) ? 1 : 0;
        }
        return ok;
    }
}
