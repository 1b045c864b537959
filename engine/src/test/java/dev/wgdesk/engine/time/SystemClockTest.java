package dev.wgdesk.engine.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The real timer's kernel-like semantics: re-arming moves the deadline both ways; cancel wins. */
class SystemClockTest {
    private static final long MS = 1_000_000L;

    @Test
    void firesOnceAfterTheDelay() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        Timer t = Clock.system().newTimer("t", fired::incrementAndGet);
        t.arm(20 * MS);
        assertTrue(t.isPending());
        Thread.sleep(300);
        assertEquals(1, fired.get());
        assertFalse(t.isPending());
    }

    @Test
    void rearmingLaterPostponesAndEarlierAdvances() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        Timer t = Clock.system().newTimer("t", fired::incrementAndGet);
        t.arm(50 * MS);
        t.arm(400 * MS); // later: the first wake-up must not fire it
        Thread.sleep(200);
        assertEquals(0, fired.get());
        t.arm(10 * MS); // earlier again
        Thread.sleep(150);
        assertEquals(1, fired.get());
        Thread.sleep(400);
        assertEquals(1, fired.get(), "fired twice");
    }

    @Test
    void cancelPreventsFiring() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        Timer t = Clock.system().newTimer("t", fired::incrementAndGet);
        t.arm(30 * MS);
        t.cancel();
        assertFalse(t.isPending());
        Thread.sleep(200);
        assertEquals(0, fired.get());
        t.arm(10 * MS); // a cancelled timer can be armed again
        Thread.sleep(200);
        assertEquals(1, fired.get());
    }
}
