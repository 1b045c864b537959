package dev.wgdesk.platform.linux.net;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Keeps the kill switch's LAN sets ({@code lan4}/{@code lan6}, see {@link Firewall}) in step with
 * the main routing table while the tunnel is up, so that when the machine joins another network
 * its new LAN is let through (and the old one no longer is) without reconnecting.
 *
 * <p>{@link #changed()} (called for every change of the main table, on the route monitor's
 * thread) only schedules a refresh {@link #DELAY_MILLIS} later, unless one is already pending, so
 * a burst of changes (an address, its prefix route, a default route from DHCP) costs one refresh.
 * The refresh re-reads the routes as at activation ({@link Firewall.Lan#fromRoutes}) and, if the
 * LAN differs from what the sets hold, replaces both sets' contents in one {@code nft -f -}
 * transaction ({@link Firewall#nftLanUpdate}). A failure is logged as a warning and the sets stay
 * as they were; the next change tries again.
 *
 * <p>Thread-safe. After {@link #close()} returns no refresh runs or starts. The refresh runs on
 * the scheduler's thread, which must be in the tunnel's network namespace ({@link #ownThread}).
 */
final class LanRefresh implements AutoCloseable {
    /** How long after a change the routes are re-read. */
    static final long DELAY_MILLIS = 700;

    /** Runs a task later; returns what cancels it. */
    interface Scheduler {
        Runnable schedule(Runnable task, long delayMillis);

        /** Releases the scheduler (its thread); tasks not yet started never run. */
        default void shutdown() {}
    }

    /**
     * A scheduler with a daemon thread of its own, started now by the calling thread so that it
     * is in the same network namespace (a thread starts in its parent's): the {@code ip} and
     * {@code nft} it runs then see the tunnel's namespace, whatever thread reports the change.
     */
    static Scheduler ownThread(String dev) {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon()
                .name("wgdesk-lan-refresh-" + dev).unstarted(r));
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ex.prestartCoreThread();
        return new Scheduler() {
            @Override
            public Runnable schedule(Runnable task, long delayMillis) {
                try {
                    ScheduledFuture<?> f = ex.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
                    return () -> f.cancel(false);
                } catch (RejectedExecutionException e) {
                    return () -> {}; // shut down: closing
                }
            }

            @Override
            public void shutdown() {
                ex.shutdown();
            }
        };
    }

    private final String dev;
    private final String table;
    private final Command.Runner runner;
    private final Consumer<String> log;
    private final Scheduler scheduler;
    private final AtomicBoolean pending = new AtomicBoolean();
    private Firewall.Lan current; // guarded by this
    private Runnable cancel; // guarded by this
    private volatile boolean closed;

    /**
     * @param dev     the tunnel's interface (its own routes are not LAN)
     * @param lan     what the sets hold now
     * @param runner  runs {@code ip} and {@code nft}
     * @param log     progress and warnings
     */
    LanRefresh(String dev, Firewall.Lan lan, Command.Runner runner, Consumer<String> log, Scheduler scheduler) {
        this.dev = Objects.requireNonNull(dev, "dev");
        this.table = Firewall.tableName(dev);
        this.current = Objects.requireNonNull(lan, "lan");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.log = Objects.requireNonNull(log, "log");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** Some route of the main table changed: refresh a little later (once for a burst). */
    void changed() {
        if (closed || !pending.compareAndSet(false, true)) {
            return;
        }
        Runnable c = scheduler.schedule(this::refresh, DELAY_MILLIS);
        synchronized (this) {
            cancel = c;
        }
    }

    /** Re-reads the LAN and updates the sets if it changed. */
    synchronized void refresh() {
        pending.set(false); // a change from now on schedules another refresh
        if (closed) {
            return;
        }
        try {
            Firewall.Lan lan = LinuxTunnel.localNetwork(dev, runner);
            if (lan.equals(current)) {
                return;
            }
            List<String> argv = List.of("nft", "-f", "-");
            Command.Result r = runner.run(argv, Firewall.nftLanUpdate(table, lan), Map.of(),
                    Command.DEFAULT_TIMEOUT_SECONDS);
            if (r.exitCode() != 0) {
                throw new CommandException(argv, r);
            }
            current = lan;
            log.accept("Kill switch: the local network changed, now let through: " + LinuxTunnel.describe(lan));
        } catch (CommandException | RuntimeException e) {
            log.accept("WARNING: kill switch: could not update the local network let through (nft table inet "
                    + table + "), it stays " + LinuxTunnel.describe(current) + ": " + e.getMessage());
        }
    }

    /** What the sets hold, as far as this knows. */
    synchronized Firewall.Lan current() {
        return current;
    }

    /** Stops refreshing and the scheduler; waits for a refresh in progress. Idempotent. */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (cancel != null) {
                cancel.run();
                cancel = null;
            }
        }
        scheduler.shutdown();
    }
}
