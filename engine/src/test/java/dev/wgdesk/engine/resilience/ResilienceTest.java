package dev.wgdesk.engine.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The resume and route-change trigger of {@link Resilience} in virtual time: what starts new
 * handshakes, how bursts are coalesced, and that unregistered tunnels are left alone.
 */
class ResilienceTest {
    private static final long MS = 1_000_000L;
    private final VirtualClock clock = new VirtualClock();
    private final AtomicLong boot = new AtomicLong();
    private final SleepDetector sleep = new SleepDetector(clock::nanoTime, () -> clock.nanoTime() + boot.get(),
            SleepDetector.DEFAULT_THRESHOLD_NANOS);
    private final Resilience r = new Resilience(clock, sleep);
    private final AtomicInteger restartsA = new AtomicInteger();
    private final AtomicInteger restartsB = new AtomicInteger();
    private final List<String> logA = new ArrayList<>();
    private final List<String> logB = new ArrayList<>();

    private Resilience.Registration registerA() {
        return r.register("a", null, () -> {
            restartsA.incrementAndGet();
            return 2;
        }, logA::add);
    }

    private void ticks(int n) {
        for (int i = 0; i < n; i++) {
            clock.advanceMillis(Resilience.TICK_MILLIS);
            r.tick();
        }
    }

    @Test
    void aResumeStartsNewHandshakesInEveryTunnelOnce() {
        registerA();
        r.register("b", null, () -> {
            restartsB.incrementAndGet();
            return 1;
        }, logB::add);
        ticks(20);
        assertEquals(0, restartsA.get(), "nothing happened");
        boot.addAndGet(3_600_000 * MS); // an hour asleep
        ticks(1);
        ticks(1); // settled
        assertEquals(1, restartsA.get());
        assertEquals(1, restartsB.get());
        assertTrue(logA.getLast().contains("resumed from sleep after about 3600 s"), logA.getLast());
        assertTrue(logA.getLast().contains("new handshake started with 2 peers"), logA.getLast());
        assertTrue(logB.getLast().contains("with 1 peer"), logB.getLast());
        ticks(100);
        assertEquals(1, restartsA.get(), "once per resume");
    }

    @Test
    void aBurstOfRouteChangesStartsOneRestartAfterItSettles() {
        registerA();
        for (int i = 0; i < 5; i++) { // a link coming back: several route messages in a row
            r.networkChanged("default route changed");
            clock.advanceMillis(100);
            r.tick();
        }
        assertEquals(0, restartsA.get(), "not while the burst goes on");
        ticks(1);
        assertEquals(1, restartsA.get(), "once it settled");
        assertTrue(logA.getLast().startsWith("Network changed (default route changed)"), logA.getLast());
    }

    @Test
    void restartsAreAtMostOncePerRekeyTimeout() {
        registerA();
        r.networkChanged("default route changed");
        ticks(1);
        assertEquals(1, restartsA.get());
        r.networkChanged("default route changed"); // 0.5 s later
        ticks(8);
        assertEquals(1, restartsA.get(), "within 5 s of the last");
        ticks(2);
        assertEquals(2, restartsA.get(), "the pending change is served once 5 s passed");
    }

    @Test
    void aResumeAndARouteChangeTogetherAreOneRestartNamingBoth() {
        registerA();
        boot.addAndGet(60_000 * MS);
        r.networkChanged("default route changed");
        ticks(2);
        assertEquals(1, restartsA.get());
        assertTrue(logA.getLast().contains("default route changed; resumed from sleep"), logA.getLast());
    }

    @Test
    void anUnregisteredTunnelIsLeftAlone() {
        Resilience.Registration a = registerA();
        a.close();
        r.networkChanged("default route changed");
        ticks(4);
        assertEquals(0, restartsA.get());
        assertEquals(List.of(), r.tunnels());
    }

    @Test
    void aTunnelThatThrowsDoesNotStopTheOthers() {
        r.register("bad", null, () -> {
            throw new IllegalStateException("device closed");
        }, logB::add);
        registerA();
        r.networkChanged("default route changed");
        ticks(2);
        assertEquals(1, restartsA.get());
        assertTrue(logB.getLast().contains("could not start"), logB.getLast());
    }
}
