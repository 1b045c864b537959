package dev.wgdesk.engine.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The real timer's kernel-like semantics: re-arming moves the deadline both ways; cancel wins; one
 * wake-up at a time. The timer logic runs in virtual time (an injected time source and a scheduler
 * the test steps), so no check depends on how fast threads run; one test uses the real clock.
 */
class SystemClockTest {
    private static final long MS = 1_000_000L;

    /** A scheduler in virtual time: wake-ups run, in due order, when {@link #advance} passes them. */
    private static final class SteppedScheduler implements SystemClock.Scheduler {
        private record Wakeup(long due, FutureTask<?> task) {}

        long now = 5_000 * MS;
        final List<Wakeup> wakeups = new ArrayList<>();
        int scheduled;

        @Override
        public Future<?> schedule(Runnable task, long delayNanos) {
            FutureTask<?> f = new FutureTask<>(task, null);
            wakeups.add(new Wakeup(now + delayNanos, f));
            scheduled++;
            return f;
        }

        void advance(long nanos) {
            long target = now + nanos;
            while (true) {
                Wakeup next = null;
                for (Wakeup w : wakeups) {
                    if (w.due() <= target && (next == null || w.due() < next.due())) {
                        next = w;
                    }
                }
                if (next == null) {
                    now = target;
                    return;
                }
                wakeups.remove(next);
                now = next.due();
                next.task().run(); // does nothing if cancelled
            }
        }

        long live() {
            return wakeups.stream().filter(w -> !w.task().isCancelled()).count();
        }
    }

    private final SteppedScheduler scheduler = new SteppedScheduler();
    private final SystemClock clock = new SystemClock(() -> scheduler.now, scheduler);
    private final AtomicInteger fired = new AtomicInteger();
    private final Timer t = clock.newTimer("t", fired::incrementAndGet);

    @Test
    void firesOnceAtTheDeadlineAndNotBefore() {
        t.arm(300 * MS);
        scheduler.advance(300 * MS - 1);
        assertEquals(0, fired.get(), "fired early");
        assertTrue(t.isPending());
        scheduler.advance(1);
        assertEquals(1, fired.get());
        assertFalse(t.isPending());
        scheduler.advance(10_000 * MS);
        assertEquals(1, fired.get(), "fired again");
    }

    @Test
    void rearmingLaterPostponesWithoutANewWakeupAndEarlierAdvances() {
        t.arm(100 * MS);
        t.arm(3000 * MS); // later: the 100 ms wake-up stays and only reschedules itself
        assertEquals(1, scheduler.scheduled, "arming later scheduled another wake-up");
        scheduler.advance(100 * MS);
        assertEquals(0, fired.get(), "fired at the superseded deadline");
        assertTrue(t.isPending());
        assertEquals(2, scheduler.scheduled, "the early wake-up rescheduled itself for the new deadline");
        t.arm(10 * MS); // earlier again: a wake-up of its own, the 3 s one is cancelled
        assertEquals(1, scheduler.live());
        scheduler.advance(10 * MS);
        assertEquals(1, fired.get());
        scheduler.advance(3000 * MS); // past the old 3 s deadline: no second firing
        assertEquals(1, fired.get(), "fired twice");
        assertFalse(t.isPending());
    }

    @Test
    void rearmingManyTimesLaterKeepsOneWakeup() {
        for (int i = 1; i <= 1000; i++) {
            t.arm(i * MS); // as the data path does for every packet
        }
        assertEquals(1, scheduler.scheduled);
        scheduler.advance(999 * MS);
        assertEquals(0, fired.get());
        scheduler.advance(1 * MS);
        assertEquals(1, fired.get());
    }

    @Test
    void cancelPreventsFiringAndTheTimerCanBeArmedAgain() {
        t.arm(200 * MS);
        t.cancel();
        assertFalse(t.isPending());
        scheduler.advance(600 * MS);
        assertEquals(0, fired.get());
        t.arm(10 * MS);
        scheduler.advance(10 * MS);
        assertEquals(1, fired.get());
    }

    @Test
    void armedAgainAfterFiringFiresAgain() {
        t.arm(50 * MS);
        scheduler.advance(50 * MS);
        t.arm(50 * MS);
        scheduler.advance(49 * MS);
        assertEquals(1, fired.get());
        scheduler.advance(1 * MS);
        assertEquals(2, fired.get());
    }

    /** The real clock and scheduler thread: it fires, and never before its delay. */
    @Test
    void theSystemClockFiresNoEarlierThanTheDelay() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        long[] firedAt = new long[1];
        Timer real = Clock.system().newTimer("real", () -> {
            firedAt[0] = System.nanoTime();
            done.countDown();
        });
        long start = System.nanoTime();
        real.arm(300 * MS);
        assertTrue(done.await(60, TimeUnit.SECONDS), "did not fire");
        assertTrue(firedAt[0] - start >= 300 * MS, "fired early: after " + (firedAt[0] - start) / MS + " ms");
        assertFalse(real.isPending());
    }
}
