package dev.wgdesk.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Linux driver's {@code selftest/counter.c} table (protocol.md section 2.2), case by case with
 * the kernel's numbering, then its six bulk tests.
 */
class ReplayWindowTest {
    private static final long W = Protocol.COUNTER_WINDOW_SIZE; // 8128
    private static final long LIM = W + 1; // T_LIM
    private static final long R = Protocol.REJECT_AFTER_MESSAGES;

    private ReplayWindow window;
    private int testNum;

    @BeforeEach
    void init() {
        window = new ReplayWindow();
        testNum = 0;
    }

    /** The kernel's T(n, v): validate n, expect v; failures name the running test number. */
    private void t(long n, boolean expected) {
        ++testNum;
        assertEquals(expected, window.validate(n),
                "counter self-test " + testNum + ": T(" + Long.toUnsignedString(n) + ", " + expected + ")");
    }

    @Test
    void windowConstantsMatchTheKernel() {
        assertEquals(8192, Protocol.COUNTER_BITS_TOTAL);
        assertEquals(8128, Protocol.COUNTER_WINDOW_SIZE);
        assertEquals("18446744073709543423", Long.toUnsignedString(R)); // 2^64 - 2^13 - 1
    }

    @Test
    void kernelNumberedTable() {
        /*  1 */ t(0, true);
        /*  2 */ t(1, true);
        /*  3 */ t(1, false);
        /*  4 */ t(9, true);
        /*  5 */ t(8, true);
        /*  6 */ t(7, true);
        /*  7 */ t(7, false);
        /*  8 */ t(LIM, true);
        /*  9 */ t(LIM - 1, true);
        /* 10 */ t(LIM - 1, false);
        /* 11 */ t(LIM - 2, true);
        /* 12 */ t(2, true);
        /* 13 */ t(2, false);
        /* 14 */ t(LIM + 16, true);
        /* 15 */ t(3, false);
        /* 16 */ t(LIM + 16, false);
        /* 17 */ t(LIM * 4, true);
        /* 18 */ t(LIM * 4 - (LIM - 1), true);
        /* 19 */ t(10, false);
        /* 20 */ t(LIM * 4 - LIM, false);
        /* 21 */ t(LIM * 4 - (LIM + 1), false);
        /* 22 */ t(LIM * 4 - (LIM - 2), true);
        /* 23 */ t(LIM * 4 + 1 - LIM, false);
        /* 24 */ t(0, false);
        /* 25 */ t(R, false);
        /* 26 */ t(R - 1, true);
        /* 27 */ t(R, false);
        /* 28 */ t(R - 1, false);
        /* 29 */ t(R - 2, true);
        /* 30 */ t(R + 1, false);
        /* 31 */ t(R + 2, false);
        /* 32 */ t(R - 2, false);
        /* 33 */ t(R - 3, true);
        /* 34 */ t(0, false);
        assertEquals(34, testNum);
    }

    @Test
    void bulk1AscendingFromOneThenZero() {
        for (long i = 1; i <= W; ++i) {
            t(i, true);
        }
        t(0, true);
        t(0, false);
    }

    @Test
    void bulk2AscendingFromTwoThenOneThenZeroIsTooOld() {
        for (long i = 2; i <= W + 1; ++i) {
            t(i, true);
        }
        t(1, true);
        t(0, false);
    }

    @Test
    void bulk3DescendingFromWindowToZero() {
        for (long i = W + 1; i-- > 0; ) { // W down to 0
            t(i, true);
        }
        assertEquals(W + 1, testNum);
    }

    @Test
    void bulk4DescendingFromWindowPlusOneToOneThenZeroIsTooOld() {
        for (long i = W + 2; i-- > 1; ) { // W + 1 down to 1
            t(i, true);
        }
        t(0, false);
    }

    @Test
    void bulk5DescendingToOneThenNextThenZeroIsTooOld() {
        for (long i = W + 1; i-- > 1; ) { // W down to 1
            t(i, true);
        }
        t(W + 1, true);
        t(0, false);
    }

    @Test
    void bulk6DescendingToOneThenZeroThenNext() {
        for (long i = W + 1; i-- > 1; ) { // W down to 1
            t(i, true);
        }
        t(0, true);
        t(W + 1, true);
    }

    @Test
    void countersAboveTwoToThe63AreUnsignedNotNegative() {
        long big = 1L << 63; // negative as a signed long
        assertTrue(window.validate(big));
        assertFalse(window.validate(big), "replay");
        assertFalse(window.validate(5), "far behind the window, not 'below zero'");
        assertTrue(window.validate(big + 1));
        assertTrue(window.validate(big - 1));
        assertFalse(window.validate(-1L), "2^64 - 1 is above REJECT_AFTER_MESSAGES");
    }

    @Test
    void aJumpLargerThanTheRingClearsEveryBlock() {
        for (long i = 0; i < Protocol.COUNTER_BITS_TOTAL; i++) {
            assertTrue(window.validate(i));
        }
        long jump = 10L * Protocol.COUNTER_BITS_TOTAL + 5;
        assertTrue(window.validate(jump));
        // Every counter inside the new window is fresh, although its ring bit was set before.
        for (long i = jump - W; i < jump; i++) {
            assertTrue(window.validate(i), "counter " + i);
        }
        assertFalse(window.validate(jump - W - 1), "just behind the window");
    }

    @Test
    void resetForgetsEverything() {
        assertTrue(window.validate(0));
        assertTrue(window.validate(100_000));
        assertFalse(window.validate(0));
        window.reset();
        assertTrue(window.validate(0));
        assertTrue(window.validate(1));
        assertFalse(window.validate(1));
        assertTrue(window.toString().contains("highest=1"));
    }

    @Test
    void validateDoesNotAllocate() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long counter = 0;
        boolean sink = false;
        for (int i = 0; i < 200_000; i++) { // warm up so the loop is compiled
            sink ^= window.validate(counter++);
            sink ^= window.validate(counter - 3);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            sink ^= window.validate(counter++);
            sink ^= window.validate(counter - 3);
            if ((i & 1023) == 0) {
                counter += 5000; // slide the window
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "validate allocated " + allocated + " bytes over 2M calls (" + sink + ")");
    }
}
