package dev.wgdesk.engine.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link SleepDetector} with two hand-driven clocks. */
class SleepDetectorTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong awake = new AtomicLong(5 * S);
    private final AtomicLong boot = new AtomicLong(9 * S);
    private final SleepDetector d = new SleepDetector(awake::get, boot::get, 3 * S);

    private void both(long nanos) {
        awake.addAndGet(nanos);
        boot.addAndGet(nanos);
    }

    @Test
    void awakeTimeIsNotSleep() {
        for (int i = 0; i < 100; i++) {
            both(S);
            assertEquals(0, d.check());
        }
    }

    @Test
    void aJumpOfTheSleepingClockIsReportedOnce() {
        both(S);
        assertEquals(0, d.check());
        boot.addAndGet(60 * S); // suspended for a minute
        both(S);
        assertEquals(60 * S, d.check());
        both(S);
        assertEquals(0, d.check(), "reported once");
    }

    @Test
    void slowDriftNeverAddsUpToAFalseAlarm() {
        for (int i = 0; i < 1000; i++) {
            both(S);
            boot.addAndGet(10_000_000L); // 10 ms per second: 10 s over the run
            assertEquals(0, d.check());
        }
    }

    @Test
    void shortJumpsAndClocksSetBackAreIgnored() {
        boot.addAndGet(2 * S);
        assertEquals(0, d.check(), "below the threshold");
        boot.addAndGet(-3600 * S);
        assertEquals(0, d.check(), "a wall clock set back");
        boot.addAndGet(4 * S);
        assertEquals(4 * S, d.check(), "measured from where it was set back to");
    }

    @Test
    void theThresholdMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new SleepDetector(awake::get, boot::get, 0));
    }
}
