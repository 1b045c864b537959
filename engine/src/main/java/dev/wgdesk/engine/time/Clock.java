package dev.wgdesk.engine.time;

/**
 * The engine's only source of time, injected so timers can be tested in virtual time.
 *
 * <p>{@link #nanoTime()} is monotonic and used for every protocol interval; {@link #epochNanos()}
 * is wall-clock time, used only where WireGuard exposes wall time (TAI64N timestamps,
 * {@code last_handshake_time}).
 */
public interface Clock {
    /** Monotonic nanoseconds, with an arbitrary origin. */
    long nanoTime();

    /** Wall-clock nanoseconds since the Unix epoch. */
    long epochNanos();

    /** A new, unarmed timer that runs {@code task} when it fires. */
    Timer newTimer(String name, Runnable task);

    /** The real clock. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
