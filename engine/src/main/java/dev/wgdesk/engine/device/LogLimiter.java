package dev.wgdesk.engine.device;

import dev.wgdesk.engine.time.Clock;

/**
 * Rate limit for one kind of log line that a remote party can trigger at will: at most one line
 * per interval of the injected {@link Clock}, the ones in between counted so the next line can say
 * how many were left out. Thread-safe; allocates nothing.
 */
final class LogLimiter {
    private final Clock clock;
    private final long intervalNanos;
    private boolean anyWritten; // guarded by this
    private long lastWrittenNanos; // guarded by this
    private long leftOut; // guarded by this

    LogLimiter(Clock clock, long intervalNanos) {
        this.clock = clock;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Asks to write one line now.
     *
     * @return -1 if the line must be left out (it is counted), else how many lines were left out
     *     since the last one written
     */
    synchronized long tryAcquire() {
        long now = clock.nanoTime();
        if (anyWritten && now - lastWrittenNanos < intervalNanos) {
            leftOut++;
            return -1;
        }
        anyWritten = true;
        lastWrittenNanos = now;
        long n = leftOut;
        leftOut = 0;
        return n;
    }
}
