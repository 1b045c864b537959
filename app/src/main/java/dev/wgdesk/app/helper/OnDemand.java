package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.OnDemandRule;
import dev.wgdesk.app.ipc.OnDemandStatus;
import dev.wgdesk.app.ondemand.NetworkManagerSource;
import dev.wgdesk.app.ondemand.NetworkSource;
import dev.wgdesk.app.ondemand.NetworkState;
import dev.wgdesk.app.ondemand.OnDemandEvaluator;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.platform.ClientIdentity;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * On-demand activation in the helper: watches the networks ({@link NetworkSource}), and on every
 * change (debounced by {@link #DEBOUNCE_MILLIS}) asks {@link OnDemandEvaluator} which tunnels
 * with a rule should be up, then activates and deactivates them through {@link Activations}, the
 * path a user's request takes, as the tunnel's owner: the owner's permissions apply (e.g. to
 * stopping an overlapping tunnel of someone else, which on-demand then does not do). Only a
 * tunnel's owner or root can set its rule ({@link TunnelManager#setOnDemand}).
 *
 * <p>The network source is started only once a tunnel has a rule, so a helper without rules
 * neither connects to D-Bus nor keeps a thread for this. When the source cannot work (no
 * NetworkManager; macOS and Windows, which have no source yet) every rule's status says why and
 * the log has an error, once per reason: on-demand never silently does nothing.
 *
 * <p>A tunnel switched on or off by hand while it has a rule is left as the user put it until the
 * network changes ({@link #userSwitched}); see {@link OnDemandEvaluator}. Thread-safe.
 */
final class OnDemand implements AutoCloseable {
    /**
     * A system property naming the D-Bus address to ask NetworkManager on instead of the system
     * bus (tests run the whole helper against a fake NetworkManager on a private bus).
     */
    static final String BUS_PROPERTY = "wgdesk.onDemand.bus";

    /** How long the networks must stay unchanged before on-demand acts (a roam, a DHCP renewal...). */
    static final long DEBOUNCE_MILLIS = 2000;

    /** How soon a decision that met a switch by hand in progress is tried again. */
    static final long BUSY_RETRY_MILLIS = 200;

    private final StateStore state;
    private final ConfigStore store;
    private final Activations activations;
    private final Ownership ownership;
    private final HelperLog log;
    private final LongSupplier clock;
    private final ReentrantLock evaluating = new ReentrantLock();
    /**
     * Switches by hand hold its read lock from their activation until they are recorded
     * ({@link #switchByHand}), so they never wait for each other (a slow activation holds up no
     * other tunnel); a decision of on-demand holds its write lock from noting the network until it
     * has acted, and when a switch by hand is under way it does not wait but tries again
     * {@value #BUSY_RETRY_MILLIS} ms later. Without it, a decision taken just before a switch by hand could undo it until the
     * next network change. Taken before any tunnel's lock.
     */
    private final ReentrantReadWriteLock switching = new ReentrantReadWriteLock();
    private final Set<String> overridden = ConcurrentHashMap.newKeySet();
    private final Map<String, OnDemandStatus> decided = new ConcurrentHashMap<>();
    private volatile Supplier<NetworkSource> sources = OnDemand::sourceForThisOs;
    private volatile Scheduler scheduler;
    private volatile ScheduledExecutorService ownScheduler;
    private volatile NetworkSource source;
    private volatile NetworkState lastNetwork;
    private volatile String unavailable;
    private volatile String loggedUnavailable;
    private Runnable pending; // cancels the decision still to come
    private volatile boolean closed;

    OnDemand(StateStore state, ConfigStore store, Activations activations, Ownership ownership, HelperLog log,
             LongSupplier clock) {
        this.state = state;
        this.store = store;
        this.activations = activations;
        this.ownership = ownership;
        this.log = log;
        this.clock = clock;
    }

    /**
     * The network source of the OS the helper runs on: NetworkManager on the system bus on Linux
     * (or on the bus {@value #BUS_PROPERTY} names);
     * on other OSes one that always says on-demand is not implemented there yet.
     */
    static NetworkSource sourceForThisOs() {
        return sourceFor(dev.wgdesk.engine.platform.HelperPlatform.current().map(p -> p.os()).orElse("unknown"),
                System.getProperty(BUS_PROPERTY));
    }

    /** The network source for {@code os} ({@code linux}, {@code macos}, {@code windows}); {@code bus} overrides the system bus. */
    static NetworkSource sourceFor(String os, String bus) {
        if (os.equals("linux")) {
            return bus != null && !bus.isBlank() ? NetworkManagerSource.atAddress(bus) : NetworkManagerSource.systemBus();
        }
        return NetworkSource.unavailable("on-demand is not implemented yet on " + os + ": wgdesk has no network source"
                + " there (only NetworkManager on Linux); tunnels with on-demand rules are not switched automatically");
    }

    /** Where the networks come from (tests: a fake); set before {@link #start()}. */
    void setSources(Supplier<NetworkSource> value) {
        sources = value;
    }

    /** Runs a task after a delay; returns what cancels it. Tests drive one in virtual time. */
    @FunctionalInterface
    interface Scheduler {
        Runnable schedule(Runnable task, long delayMillis);
    }

    /** The scheduler for debouncing (tests: one they drive); set before {@link #start()}. */
    void setScheduler(Scheduler value) {
        scheduler = value;
    }

    /** At helper start: watches the networks if any tunnel has a rule, and decides once. */
    void start() {
        if (!state.onDemand().isEmpty()) {
            rulesChanged();
        }
    }

    /** A rule was set or removed: watch the networks if needed, and decide soon. */
    void rulesChanged() {
        if (state.onDemand().isEmpty()) {
            decided.keySet().retainAll(Set.of());
            return;
        }
        ensureSource();
        schedule(0);
    }

    /** A switch by hand: an activation or deactivation through {@link Activations}. */
    @FunctionalInterface
    interface Switch<T> {
        T run() throws IpcException;
    }

    /**
     * Switches {@code name} on or off by hand ({@code action}) and, when that worked, records it
     * ({@link #userSwitched}), as one step that a decision of on-demand never interleaves with: a
     * decision in progress is finished first, and the next one sees the switch. Switches of
     * several tunnels still run side by side.
     */
    <T> T switchByHand(String name, boolean up, Switch<T> action) throws IpcException {
        switching.readLock().lock();
        try {
            T result = action.run();
            userSwitched(name, up);
            return result;
        } finally {
            switching.readLock().unlock();
        }
    }

    /** The user switched {@code name} on or off by hand: on-demand leaves it so on this network. */
    private void userSwitched(String name, boolean up) {
        if (state.onDemand(name).enabled() && overridden.add(name)) {
            log.info(name, "Switched " + (up ? "on" : "off") + " by hand: on-demand leaves it "
                    + (up ? "up" : "down") + " until the network changes");
        }
        if (state.onDemand(name).enabled()) {
            decided.put(name, new OnDemandStatus(state.onDemand(name), "kept",
                    "switched " + (up ? "on" : "off") + " by hand on this network; on-demand applies again when the network changes",
                    lastNetwork == null ? null : lastNetwork.describe(), unavailable, clock.getAsLong()));
        }
    }

    /** Forgets what on-demand knew about a tunnel deleted or renamed. */
    void forget(String name) {
        overridden.remove(name);
        decided.remove(name);
    }

    /** The on-demand part of a tunnel's status, or null when it has no rule. */
    OnDemandStatus status(String name) {
        OnDemandRule rule = state.onDemand(name);
        if (!rule.enabled()) {
            return null;
        }
        OnDemandStatus d = decided.get(name);
        String why = unavailable;
        if (d == null || !d.rule().equals(rule)) {
            return new OnDemandStatus(rule, null, null, lastNetwork == null ? null : lastNetwork.describe(), why, 0);
        }
        return new OnDemandStatus(rule, d.decision(), d.reason(), d.network(), why, d.decidedAtMillis());
    }

    private synchronized void ensureSource() {
        if (source != null || closed) {
            return;
        }
        if (scheduler == null) {
            ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                    .name("wgdesk-ondemand").daemon().unstarted(r));
            ownScheduler = ex;
            scheduler = (task, delay) -> {
                ScheduledFuture<?> f = ex.schedule(task, delay, TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            };
        }
        NetworkSource s;
        try {
            s = sources.get();
        } catch (LinkageError e) { // a helper launched without the D-Bus library: say so, never fail the request
            s = NetworkSource.unavailable("the helper was started without its D-Bus library (" + e.getMessage()
                    + "), so it cannot ask NetworkManager; start it with the launcher of this version");
        }
        source = s;
        s.start(() -> schedule(DEBOUNCE_MILLIS));
    }

    /** Decides after {@code delayMillis}, replacing a decision still pending (the debounce). */
    private synchronized void schedule(long delayMillis) {
        if (closed || scheduler == null) {
            return;
        }
        if (pending != null) {
            pending.run();
        }
        pending = scheduler.schedule(this::evaluateQuietly, delayMillis);
    }

    private void evaluateQuietly() {
        try {
            evaluateNow();
        } catch (RuntimeException e) {
            log.error(null, "On-demand failed: " + e);
        }
    }

    /** Reads the networks and brings tunnels up and down as their rules say. */
    void evaluateNow() {
        evaluating.lock();
        try {
            if (closed) {
                return;
            }
            Map<String, OnDemandRule> rules = new HashMap<>(state.onDemand());
            NetworkSource s = source;
            if (rules.isEmpty() || s == null) {
                return;
            }
            Optional<String> why = s.unavailableReason();
            NetworkState net = null;
            if (why.isEmpty()) {
                try {
                    net = s.read();
                } catch (NetworkSource.NetworkSourceException e) {
                    why = Optional.of(e.getMessage());
                }
            }
            if (why.isPresent()) {
                unavailable = why.get();
                if (!why.get().equals(loggedUnavailable)) {
                    loggedUnavailable = why.get();
                    log.error(null, "On-demand is unavailable: " + why.get() + ". Tunnels with on-demand rules ("
                            + String.join(", ", new java.util.TreeSet<>(rules.keySet()))
                            + ") are not switched automatically until this is fixed.");
                }
                return;
            }
            if (unavailable != null) {
                log.info(null, "On-demand works again");
            }
            unavailable = null;
            loggedUnavailable = null;
            if (!switching.writeLock().tryLock()) {
                // A switch by hand is under way: decide again once it is recorded. Waiting here would
                // also queue every later switch by hand (of any tunnel) behind this decision.
                schedule(BUSY_RETRY_MILLIS);
                return;
            }
            try {
                decideAndAct(rules, net);
            } finally {
                switching.writeLock().unlock();
            }
        } finally {
            evaluating.unlock();
        }
    }

    /**
     * With {@link #switching} held: notes a new network (switches by hand on the previous one no
     * longer count), decides which tunnels should be up on {@code net}, and switches them.
     */
    private void decideAndAct(Map<String, OnDemandRule> rules, NetworkState net) {
        if (!net.equals(lastNetwork)) {
            log.info(null, "On-demand: the network is now " + net.describe());
            if (lastNetwork != null && !overridden.isEmpty()) {
                log.info(null, "On-demand applies again to " + String.join(", ", new java.util.TreeSet<>(overridden))
                        + " (switched by hand on the previous network)");
                overridden.clear();
            }
            lastNetwork = net;
        }
        rules.keySet().removeIf(n -> !exists(n));
        Set<String> upByHand = new HashSet<>();
        for (String n : storedNames()) {
            if (activations.entry(n).state.isUp() && (!rules.containsKey(n) || overridden.contains(n))) {
                upByHand.add(n);
            }
        }
        Map<String, List<IpPrefix>> ips = new HashMap<>();
        List<OnDemandEvaluator.Decision> decisions = OnDemandEvaluator.evaluate(new OnDemandEvaluator.Input(rules, net,
                Set.copyOf(overridden), upByHand, (a, b) -> Activations.firstOverlap(allowed(ips, a), allowed(ips, b))
                        .isPresent()));
        for (OnDemandEvaluator.Decision d : decisions) {
            act(d, rules.get(d.tunnel()), net);
        }
    }

    private void act(OnDemandEvaluator.Decision d, OnDemandRule rule, NetworkState net) {
        String name = d.tunnel();
        String reason = d.reason();
        String decision = switch (d.action()) {
            case UP -> "up";
            case DOWN -> "down";
            case KEEP -> "kept";
        };
        boolean up = activations.entry(name).state.isUp();
        try {
            if (d.action() == OnDemandEvaluator.Action.UP && !up) {
                activations.activate(name, ownerOf(name), "on-demand: " + reason);
            } else if (d.action() == OnDemandEvaluator.Action.DOWN && up) {
                activations.deactivate(name, "on-demand: " + reason);
            }
        } catch (IpcException e) {
            reason = reason + "; but it failed: " + e.getMessage();
            log.error(name, "On-demand could not bring it " + decision + ": " + e.getMessage());
        }
        OnDemandStatus before = decided.get(name);
        if (before == null || !before.reason().equals(reason) || !before.decision().equals(decision)) {
            decided.put(name, new OnDemandStatus(rule, decision, reason, net.describe(), null, clock.getAsLong()));
        }
    }

    /** The tunnel's owner, as whom on-demand acts. */
    private ClientIdentity ownerOf(String name) {
        String owner = state.meta(name).owner();
        return new ClientIdentity(owner, owner, ownership.userName(owner) + " (on-demand)",
                owner.equals(StateStore.Meta.ROOT));
    }

    private List<IpPrefix> allowed(Map<String, List<IpPrefix>> cache, String name) {
        return cache.computeIfAbsent(name, n -> {
            try {
                TunnelConfig c = store.load(n);
                try {
                    return Activations.allowedIps(c);
                } finally {
                    c.destroy();
                }
            } catch (StoreException e) {
                return List.of();
            }
        });
    }

    private boolean exists(String name) {
        try {
            return store.exists(name);
        } catch (StoreException e) {
            return false;
        }
    }

    private List<String> storedNames() {
        try {
            return store.list();
        } catch (StoreException e) {
            return List.of();
        }
    }

    /** Stops watching; tunnels stay as they are (the helper's close brings them down). */
    @Override
    public void close() {
        NetworkSource s;
        ScheduledExecutorService sch;
        synchronized (this) {
            closed = true;
            if (pending != null) {
                pending.run();
            }
            s = source;
            source = null;
            sch = ownScheduler;
        }
        if (sch != null) {
            sch.shutdownNow();
        }
        evaluating.lock(); // waits for a decision in progress
        evaluating.unlock();
        if (s != null) {
            s.close();
        }
    }
}
