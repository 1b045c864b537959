package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.testing.Requirements;
import org.junit.jupiter.api.Test;

/** {@link LinuxClocks}: both clocks move forward together while the machine stays awake. */
class LinuxClocksTest {
    @Test
    void bootTimeAndMonotonicAdvanceTogetherWhileAwake() throws Exception {
        Requirements.require(LinuxClocks.isAvailable(), "libc through JNA is not available");
        long m0 = LinuxClocks.monotonicNanos();
        long b0 = LinuxClocks.bootTimeNanos();
        Thread.sleep(200);
        long m1 = LinuxClocks.monotonicNanos();
        long b1 = LinuxClocks.bootTimeNanos();
        assertTrue(m1 - m0 >= 200_000_000L, "monotonic moved by " + (m1 - m0));
        assertTrue(b1 - b0 >= 200_000_000L, "boot time moved by " + (b1 - b0));
        assertTrue(b0 >= m0, "boot time counts at least what monotonic does");
        long drift = Math.abs((b1 - m1) - (b0 - m0));
        assertTrue(drift < 50_000_000L, "no suspend, so their difference stays put: drifted " + drift + " ns");
    }
}
