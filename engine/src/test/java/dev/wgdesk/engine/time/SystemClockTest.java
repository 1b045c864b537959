package dev.wgdesk.engine.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The real timer's kernel-like semantics: re-arming moves the deadline both ways; cancel wins.
 * Delays are long compared with the checks, so a loaded machine does not make these flaky.
 */
class SystemClockTest {
    private static final long MS = 1_000_000L;

    private static void awaitCount(AtomicInteger n, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000 * MS;
        while (n.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, n.get());
    }

    @Test
    void firesOnceAfterTheDelay() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        Timer t = Clock.system().newTimer("t", fired::incrementAndGet);
        long start = System.nanoTime();
        t.arm(300 * MS);
        awaitCount(fired, 1);
        assertTrue(System.nanoTime() - start >= 300 * MS, "fired early");
        assertFalse(t.isPending());
        Thread.sleep(300);
        assertEquals(1, fired.get());
    }

    @Test
    void rearmingLaterPostponesAndEarlierAdvances() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        Timer t = Clock.system().newTimer("t", fired::incrementAndGet);
        t.arm(100 * MS);
        t.arm(3000 * MS); // later: the first wake-up must only reschedule
        Thread.sleep(600);
        assertEquals(0, fired.get(), "fired at the superseded deadline");
        assertTrue(t.isPending());
        t.arm(10 * MS); // earlier again
        awaitCount(fired, 1);
        Thread.sleep(3000); // past the 3 s deadline: no second firing
        assertEquals(1, fired.get(), "fired twice");
    }

    @Test
    void cancelPreventsFiringAndTheTimerCanBeArmedAgain() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        Timer t = Clock.system().newTimer("t", fired::incrementAndGet);
        t.arm(200 * MS);
        t.cancel();
        assertFalse(t.isPending());
        Thread.sleep(600);
        assertEquals(0, fired.get());
        t.arm(10 * MS);
        awaitCount(fired, 1);
    }
}
