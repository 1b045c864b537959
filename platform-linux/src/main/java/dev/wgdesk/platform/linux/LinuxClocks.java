package dev.wgdesk.platform.linux;

import java.lang.ref.Reference;

/**
 * The two Linux clocks whose difference is the time spent suspended: {@code CLOCK_MONOTONIC}
 * stops while the machine sleeps, {@code CLOCK_BOOTTIME} does not. The helper's sleep detector
 * compares them (a jump in {@code boottime - monotonic} is a resume); unlike wall-clock time
 * neither moves when the administrator or NTP sets the clock.
 */
public final class LinuxClocks {
    private static final int CLOCK_MONOTONIC = 1;
    private static final int CLOCK_BOOTTIME = 7;

    private LinuxClocks() {}

    /** True if both clocks can be read (libc bound through JNA). */
    public static boolean isAvailable() {
        if (!LibC.isAvailable()) {
            return false;
        }
        try {
            read(CLOCK_BOOTTIME);
            read(CLOCK_MONOTONIC);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** {@code CLOCK_MONOTONIC} in nanoseconds (not counting suspend). */
    public static long monotonicNanos() {
        return read(CLOCK_MONOTONIC);
    }

    /** {@code CLOCK_BOOTTIME} in nanoseconds (counting suspend). */
    public static long bootTimeNanos() {
        return read(CLOCK_BOOTTIME);
    }

    private static long read(int clock) {
        NativeBuffer ts = new NativeBuffer(16); // struct timespec { time_t tv_sec; long tv_nsec; }
        int rc = LibC.clock_gettime(clock, ts.address());
        Reference.reachabilityFence(ts);
        if (rc != 0) {
            throw new IllegalStateException("clock_gettime(" + clock + ") failed: errno " + LibC.errno());
        }
        return ts.view().getLong(0) * 1_000_000_000L + ts.view().getLong(8);
    }
}
