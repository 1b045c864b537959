package dev.wgdesk.engine.resilience;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Notices that the machine was suspended: compares a clock that stops during suspend
 * (monotonic) with one that does not (on Linux {@code CLOCK_BOOTTIME}; on macOS
 * {@code mach_continuous_time}; on Windows the interrupt time with bias; wall-clock time as a
 * fallback, which also jumps when the clock is set, a harmless false alarm here). While the
 * machine is awake their difference stays put; after a resume it has grown by the time spent
 * asleep. It is polled often (every second or so), so a suspend shows as one jump between two
 * polls; slow drift between the clocks is absorbed poll by poll. Both clocks are injected, so tests run in virtual time. Not thread-safe: one caller
 * polls it.
 */
public final class SleepDetector {
    /** A difference that grew by less than this is clock noise, not a suspend. */
    public static final long DEFAULT_THRESHOLD_NANOS = 3_000_000_000L;

    private final LongSupplier awakeNanos;
    private final LongSupplier sleepingTooNanos;
    private final long thresholdNanos;
    private long offset;

    /**
     * @param awakeNanos       a clock that does not advance while suspended
     * @param sleepingTooNanos a clock that does
     * @param thresholdNanos   the least growth of their difference taken as a suspend
     */
    public SleepDetector(LongSupplier awakeNanos, LongSupplier sleepingTooNanos, long thresholdNanos) {
        this.awakeNanos = Objects.requireNonNull(awakeNanos, "awakeNanos");
        this.sleepingTooNanos = Objects.requireNonNull(sleepingTooNanos, "sleepingTooNanos");
        if (thresholdNanos <= 0) {
            throw new IllegalArgumentException("threshold must be positive: " + thresholdNanos);
        }
        this.thresholdNanos = thresholdNanos;
        this.offset = sleepingTooNanos.getAsLong() - awakeNanos.getAsLong();
    }

    /**
     * {@link System#nanoTime} against wall-clock time ({@link System#currentTimeMillis}): where
     * {@code nanoTime} stops during suspend (macOS: {@code mach_absolute_time}; Linux:
     * {@code CLOCK_MONOTONIC}) and no better pair is bound. A wall clock set forward by 3 s or
     * more also counts as a suspend, a harmless false alarm (new handshakes start early).
     */
    public static SleepDetector wallClock() {
        return new SleepDetector(System::nanoTime, () -> System.currentTimeMillis() * 1_000_000L,
                DEFAULT_THRESHOLD_NANOS);
    }

    /**
     * Looks at the clocks.
     *
     * @return how long the machine slept since the previous call (ns), or 0 if it did not
     *     (the difference grew by less than the threshold, or shrank: a wall clock set back)
     */
    public long check() {
        long now = sleepingTooNanos.getAsLong() - awakeNanos.getAsLong();
        long grown = now - offset;
        offset = now; // small drift between the clocks never adds up to a false alarm
        return grown >= thresholdNanos ? grown : 0;
    }
}
