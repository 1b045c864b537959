package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link LanRefresh} with a hand-cranked scheduler and a runner answering {@code ip route} from a field. */
class LanRefreshTest {
    private final List<Runnable> scheduled = new ArrayList<>();
    private final List<Long> delays = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final List<String> nftInputs = new ArrayList<>();
    private String routes4 = "192.168.1.0/24 dev wlan0 proto kernel scope link src 192.168.1.5\n";
    private String routes6 = "fe80::/64 dev wlan0 proto kernel metric 256 pref medium\n";
    private int nftExit;
    private int cancelled;

    private int shutdowns;

    private final LanRefresh.Scheduler scheduler = new LanRefresh.Scheduler() {
        @Override
        public Runnable schedule(Runnable task, long delay) {
            scheduled.add(task);
            delays.add(delay);
            return () -> cancelled++;
        }

        @Override
        public void shutdown() {
            shutdowns++;
        }
    };

    private final Command.Runner runner = (argv, stdin, env, timeout) -> {
        if (argv.equals(List.of("ip", "-4", "route", "show", "table", "main"))) {
            return new Command.Result(0, routes4, "");
        }
        if (argv.equals(List.of("ip", "-6", "route", "show", "table", "main"))) {
            return new Command.Result(0, routes6, "");
        }
        if (argv.equals(List.of("nft", "-f", "-"))) {
            nftInputs.add(stdin);
            return new Command.Result(nftExit, "", nftExit == 0 ? "" : "Error: No such file or directory");
        }
        throw new AssertionError("unexpected " + argv);
    };

    private LanRefresh refresh() {
        return new LanRefresh("wg0", Firewall.Lan.fromRoutes("wg0", routes4, routes6), runner, log::add, scheduler);
    }

    private void runScheduled() {
        List<Runnable> now = new ArrayList<>(scheduled);
        scheduled.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void aBurstOfChangesIsOneDelayedRefreshReplacingTheSets() {
        LanRefresh r = refresh();
        routes4 = "default via 10.1.0.1 dev eth0\n10.1.0.0/16 dev eth0 proto kernel scope link src 10.1.2.3\n"
                + "10.200.0.0/24 dev wg0 proto kernel scope link src 10.200.0.1\n";
        r.changed();
        r.changed();
        r.changed();
        assertEquals(1, scheduled.size(), "one refresh for the burst");
        assertEquals(List.of(LanRefresh.DELAY_MILLIS), delays);
        assertTrue(nftInputs.isEmpty(), "nothing before the delay");
        runScheduled();
        assertEquals(List.of("""
                flush set inet wgdesk-wg0 lan4
                add element inet wgdesk-wg0 lan4 { 10.1.0.0/16 }
                flush set inet wgdesk-wg0 lan6
                add element inet wgdesk-wg0 lan6 { fe80::/64, ff02::/16 }
                """), nftInputs);
        assertEquals(List.of(IpPrefix.parse("10.1.0.0/16")), r.current().v4());
        assertTrue(log.getLast().contains("now let through: 10.1.0.0/16, fe80::/64"), log.toString());

        r.changed(); // a change after the refresh started schedules the next one
        assertEquals(1, scheduled.size());
        runScheduled();
        assertEquals(1, nftInputs.size(), "same LAN: nft not run again");
    }

    @Test
    void aFailedUpdateIsAWarningKeepsTheOldLanAndIsRetriedOnTheNextChange() {
        LanRefresh r = refresh();
        Firewall.Lan before = r.current();
        routes4 = "172.16.0.0/12 dev eth1 proto kernel scope link\n";
        nftExit = 1;
        r.changed();
        runScheduled();
        assertEquals(before, r.current());
        assertTrue(log.getLast().startsWith("WARNING: kill switch: could not update"), log.toString());
        assertTrue(log.getLast().contains("No such file or directory"), log.toString());
        nftExit = 0;
        r.changed();
        runScheduled();
        assertEquals(2, nftInputs.size());
        assertEquals(List.of(IpPrefix.parse("172.16.0.0/12")), r.current().v4());
    }

    @Test
    void afterCloseNothingRunsAndThePendingRefreshIsCancelled() {
        LanRefresh r = refresh();
        routes4 = "10.9.0.0/24 dev eth0 proto kernel scope link\n";
        r.changed();
        r.close();
        assertEquals(1, cancelled);
        assertEquals(1, shutdowns);
        runScheduled(); // had it already started
        r.changed();
        assertTrue(scheduled.isEmpty(), "no refresh scheduled once closed");
        assertTrue(nftInputs.isEmpty());
        r.close();
    }

    @Test
    void theOwnThreadSchedulerRunsTasksLaterAndNothingOnceShutDown() throws Exception {
        LanRefresh.Scheduler own = LanRefresh.ownThread("wg0");
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        String[] thread = new String[1];
        own.schedule(() -> {
            thread[0] = Thread.currentThread().getName();
            ran.countDown();
        }, 10);
        assertTrue(ran.await(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("wgdesk-lan-refresh-wg0", thread[0]);
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
        own.schedule(() -> late.set(true), 50);
        own.shutdown();
        own.schedule(() -> late.set(true), 0).run(); // rejected: a no-op cancel
        Thread.sleep(200);
        assertTrue(!late.get(), "a delayed task does not run after shutdown");
    }
}
