package dev.wgdesk.engine.device;

import dev.wgdesk.engine.time.Clock;

/**
 * Unexpected exceptions in the data path: each one costs a packet, is counted in
 * {@link DeviceStats#internalErrors()}, and is logged at ERROR at most once per
 * {@link #INTERVAL_NANOS} (with how many were not logged since), so a fault that repeats for
 * every packet cannot flood the log.
 */
final class ErrorLog {
    static final long INTERVAL_NANOS = 10_000_000_000L;

    private final System.Logger log;
    private final Clock clock;
    private final DeviceStats stats;
    private long lastLogged; // guarded by this
    private boolean loggedAny; // guarded by this
    private long suppressed; // guarded by this

    ErrorLog(System.Logger log, Clock clock, DeviceStats stats) {
        this.log = log;
        this.clock = clock;
        this.stats = stats;
    }

    /** Records an unexpected exception in {@code stage}; the caller has dropped the packet. */
    void unexpected(String stage, Throwable e) {
        stats.internalErrors.incrementAndGet();
        long skipped;
        synchronized (this) {
            long now = clock.nanoTime();
            if (loggedAny && now - lastLogged < INTERVAL_NANOS) {
                suppressed++;
                return;
            }
            loggedAny = true;
            lastLogged = now;
            skipped = suppressed;
            suppressed = 0;
        }
        log.log(System.Logger.Level.ERROR, "unexpected error in the " + stage + "; the packet was dropped"
                + (skipped > 0 ? " (" + skipped + " more errors in the last seconds were not logged)" : ""), e);
    }
}
