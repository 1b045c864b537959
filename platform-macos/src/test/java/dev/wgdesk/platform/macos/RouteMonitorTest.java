package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The route monitor on the simulated kernel: one callback per burst of routing messages. */
class RouteMonitorTest {
    @Test
    void aBurstOfMessagesGivesOneCallAndCloseStopsIt() throws Exception {
        FakeDarwin kernel = new FakeDarwin();
        AtomicInteger calls = new AtomicInteger();
        Semaphore called = new Semaphore(0);
        RouteMonitor m = RouteMonitor.start(kernel, () -> {
            calls.incrementAndGet();
            called.release();
        });
        byte[] msg = FakeDarwin.ifInfo(3, 1, 1500);
        for (int i = 0; i < 5; i++) {
            kernel.broadcast(msg);
        }
        assertTrue(called.tryAcquire(5, TimeUnit.SECONDS));
        byte[] other = msg.clone();
        other[2] = 4; // another routing message version: ignored
        kernel.broadcast(other);
        kernel.broadcast(msg);
        assertTrue(called.tryAcquire(5, TimeUnit.SECONDS));
        Thread.sleep(2 * RouteMonitor.QUIET_MILLIS);
        assertEquals(2, calls.get(), "one call per burst");
        m.close();
        assertEquals(0, kernel.openFiles(), "socket and wake-up pipe closed");
        m.close(); // idempotent
    }
}
