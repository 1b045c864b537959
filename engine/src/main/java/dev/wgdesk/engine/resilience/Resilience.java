package dev.wgdesk.engine.resilience;

import dev.wgdesk.engine.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Keeps running tunnels working when the network moves under them (issue 14 item 2):
 * <ul>
 *   <li>on resume from sleep (a {@link SleepDetector}) and on a change of default route
 *       ({@link #networkChanged}, called by the platform's route monitor), every tunnel starts new
 *       handshakes at once ({@code Device.restartHandshakes()}) instead of sending on sessions the
 *       other side may have dropped and noticing only 15 s later;</li>
 *   <li>each tunnel's {@link EndpointWatcher} re-resolves endpoint host names.</li>
 * </ul>
 * Events are coalesced: a change starts handshakes once things settled for
 * {@link #SETTLE_NANOS} (a link coming back brings several route messages), and at most once per
 * {@link #MIN_RESTART_INTERVAL_NANOS} (one {@code REKEY_TIMEOUT}: the engine sends no more than
 * one initiation per peer per 5 s anyway). {@link #tick()} does one pass; {@link #start()} runs
 * it every {@link #TICK_MILLIS} on a daemon thread. Nothing here is specific to an OS: the
 * clocks, the route monitor and the tunnels are handed in.
 */
public final class Resilience implements AutoCloseable {
    public static final long TICK_MILLIS = 500;
    public static final long SETTLE_NANOS = 500_000_000L;
    public static final long MIN_RESTART_INTERVAL_NANOS = 5_000_000_000L;

    /** A registered tunnel; {@link #close()} unregisters it. */
    public final class Registration implements AutoCloseable {
        private final String name;
        private final EndpointWatcher watcher;
        private final IntSupplier restartHandshakes;
        private final Consumer<String> log;

        private Registration(String name, EndpointWatcher watcher, IntSupplier restartHandshakes, Consumer<String> log) {
            this.name = name;
            this.watcher = watcher;
            this.restartHandshakes = restartHandshakes;
            this.log = log;
        }

        /** The tunnel's name. */
        public String name() {
            return name;
        }

        /** The resolution state of its endpoint names (empty when none is a name). */
        public List<ResolutionStatus> resolutions() {
            return watcher == null ? List.of() : watcher.status();
        }

        @Override
        public void close() {
            tunnels.remove(this);
        }
    }

    private final Clock clock;
    private final SleepDetector sleep;
    private final List<Registration> tunnels = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private String pendingWhy; // guarded by lock
    private long pendingSince; // guarded by lock
    private long lastRestart; // guarded by lock
    private boolean restartedOnce; // guarded by lock
    private volatile Thread thread;
    private volatile boolean closed;

    /**
     * @param clock monotonic time for the coalescing (the watchers have their own)
     * @param sleep the suspend detector, or null where none is available
     */
    public Resilience(Clock clock, SleepDetector sleep) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleep = sleep;
    }

    /**
     * Adds a running tunnel.
     *
     * @param watcher           re-resolves its endpoint names, or null if it has none
     * @param restartHandshakes starts new handshakes with its peers, returning how many started
     * @param log               receives the tunnel's INFO lines
     */
    public Registration register(String name, EndpointWatcher watcher, IntSupplier restartHandshakes,
                                 Consumer<String> log) {
        Registration r = new Registration(Objects.requireNonNull(name, "name"),
                watcher == null || watcher.isEmpty() ? null : watcher,
                Objects.requireNonNull(restartHandshakes, "restartHandshakes"), Objects.requireNonNull(log, "log"));
        tunnels.add(r);
        return r;
    }

    /** The network changed ({@code why}, e.g. "default route changed"); thread-safe, returns at once. */
    public void networkChanged(String why) {
        synchronized (lock) {
            if (pendingWhy == null) {
                pendingWhy = why;
            } else if (!pendingWhy.contains(why)) {
                pendingWhy = pendingWhy + "; " + why;
            }
            pendingSince = clock.nanoTime(); // settle after the last of a burst
        }
    }

    /** One pass: a suspend, a pending network change, then the endpoint watchers. */
    public void tick() {
        if (sleep != null) {
            long slept = sleep.check();
            if (slept > 0) {
                networkChanged("resumed from sleep after about " + Math.round(slept / 1e9) + " s");
            }
        }
        String why = null;
        synchronized (lock) {
            long now = clock.nanoTime();
            if (pendingWhy != null && now - pendingSince >= SETTLE_NANOS
                    && (!restartedOnce || now - lastRestart >= MIN_RESTART_INTERVAL_NANOS)) {
                why = pendingWhy;
                pendingWhy = null;
                lastRestart = now;
                restartedOnce = true;
            }
        }
        for (Registration r : tunnels) {
            if (why != null) {
                try {
                    int n = r.restartHandshakes.getAsInt();
                    r.log.accept("Network changed (" + why + "): new handshake started with " + n
                            + (n == 1 ? " peer" : " peers"));
                } catch (RuntimeException e) {
                    r.log.accept("Network changed (" + why + "), but new handshakes could not start: " + e);
                }
            }
            if (r.watcher != null) {
                try {
                    r.watcher.tick();
                } catch (RuntimeException e) {
                    r.log.accept("Endpoint re-resolution failed: " + e);
                }
            }
        }
    }

    /** Runs {@link #tick()} every {@link #TICK_MILLIS} on a daemon thread. Idempotent. */
    public synchronized void start() {
        if (thread != null || closed) {
            return;
        }
        thread = Thread.ofPlatform().daemon().name("wgdesk-resilience").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    tick();
                } catch (RuntimeException e) {
                    System.getLogger(Resilience.class.getName()).log(System.Logger.Level.WARNING, "resilience pass: " + e);
                }
            }
        });
    }

    /** The registered tunnels (for diagnostics and tests). */
    public List<Registration> tunnels() {
        return List.copyOf(tunnels);
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        tunnels.clear();
    }
}
