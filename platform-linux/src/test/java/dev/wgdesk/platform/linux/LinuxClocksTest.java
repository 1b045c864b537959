package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.testing.Requirements;
import org.junit.jupiter.api.Test;

/** {@link LinuxClocks}: both clocks move forward together while the machine stays awake. */
class LinuxClocksTest {
    /**
     * Boot time minus monotonic time at one instant, read as monotonic, boot time, monotonic: the
     * boot-time reading lies between the two monotonic ones, so the error is at most half their
     * gap. A thread may be preempted between two reads for any time on a busy machine (that was
     * once taken for drift here), so the pair with the narrowest gap of a few tries is used.
     *
     * @return {offset, maximum error}
     */
    private static long[] offset() {
        long bestOffset = 0;
        long bestGap = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long before = LinuxClocks.monotonicNanos();
            long boot = LinuxClocks.bootTimeNanos();
            long after = LinuxClocks.monotonicNanos();
            long gap = after - before;
            if (gap < bestGap) {
                bestGap = gap;
                bestOffset = boot - (before + gap / 2);
            }
        }
        return new long[] {bestOffset, bestGap / 2 + 1};
    }

    @Test
    void bootTimeAndMonotonicAdvanceTogetherWhileAwake() throws Exception {
        Requirements.require(LinuxClocks.isAvailable(), "libc through JNA is not available");
        long m0 = LinuxClocks.monotonicNanos();
        long b0 = LinuxClocks.bootTimeNanos();
        long[] o0 = offset();
        Thread.sleep(200);
        long m1 = LinuxClocks.monotonicNanos();
        long b1 = LinuxClocks.bootTimeNanos();
        long[] o1 = offset();
        assertTrue(m1 - m0 >= 200_000_000L, "monotonic moved by " + (m1 - m0));
        assertTrue(b1 - b0 >= 200_000_000L, "boot time moved by " + (b1 - b0));
        assertTrue(b0 >= m0, "boot time counts at least what monotonic does");
        long drift = Math.abs(o1[0] - o0[0]);
        long error = o0[1] + o1[1];
        assertTrue(drift - error < 50_000_000L, "no suspend, so their difference stays put: drifted " + drift
                + " ns (reads at most " + error + " ns apart)");
    }
}
