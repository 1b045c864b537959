package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.PeerStatus;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.device.PeerSnapshot;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The helper's tunnels at run time: activation and deactivation through a {@link TunnelBackend},
 * their {@link TunnelState}s, overlap handling, persistence of which tunnels are active, restore
 * at start-up, and a monitor that reports handshakes and dead interfaces.
 *
 * <p><b>Overlap.</b> Two tunnels whose AllowedIPs overlap as CIDR ranges (one contains the other,
 * not only equal prefixes) cannot route correctly at once, so activating one first deactivates
 * every active tunnel it overlaps, and logs why.
 *
 * <p><b>Restart.</b> {@link #startup()} replays the undo journals a crash left
 * ({@link RuntimeJournal}), then activates the tunnels that were active, plus those marked
 * autostart. A clean {@link #close()} brings tunnels down but keeps them recorded as active, so
 * they come back with the helper (as after a reboot); only an explicit deactivation clears that.
 *
 * <p>Thread-safe. Operations that change tunnels are serialised by one lock; status and list
 * read without it.
 */
public final class TunnelManager implements AutoCloseable {
    /** How often the monitor looks at active tunnels. */
    static final long MONITOR_INTERVAL_MILLIS = 1000;

    private final ConfigStore store;
    private final StateStore state;
    private final RuntimeJournal journal;
    private final TunnelBackend backend;
    private final HelperPolicy policy;
    private final HelperLog log;
    private final Consumer<IpcEvent> events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private Thread monitor;

    /** Runtime facts about one tunnel; fields are written under the lock and read anywhere. */
    private static final class Entry {
        volatile TunnelState state = TunnelState.INACTIVE;
        volatile TunnelBackend.Active active;
        volatile String error;
        volatile long activeSince;
        volatile List<IpPrefix> allowedIps = List.of();
        final Map<String, Long> handshakes = new HashMap<>(); // monitor thread only
    }

    TunnelManager(ConfigStore store, StateStore state, RuntimeJournal journal, TunnelBackend backend,
                  HelperPolicy policy, HelperLog log, Consumer<IpcEvent> events) {
        this.store = Objects.requireNonNull(store);
        this.state = Objects.requireNonNull(state);
        this.journal = Objects.requireNonNull(journal);
        this.backend = Objects.requireNonNull(backend);
        this.policy = Objects.requireNonNull(policy);
        this.log = Objects.requireNonNull(log);
        this.events = Objects.requireNonNull(events);
    }

    /* ====================== queries ====================== */

    /** Every stored tunnel, sorted by name. */
    public List<TunnelInfo> list() throws IpcException {
        List<TunnelInfo> out = new ArrayList<>();
        Set<String> auto = state.autostart();
        for (String name : storeCall(store::list)) {
            out.add(new TunnelInfo(name, entry(name).state, auto.contains(name)));
        }
        return out;
    }

    /** One tunnel's info. */
    public TunnelInfo info(String name) throws IpcException {
        requireExists(name);
        return new TunnelInfo(name, entry(name).state, state.autostart().contains(name));
    }

    /** Status of every stored tunnel. */
    public List<TunnelStatus> statusAll() throws IpcException {
        List<TunnelStatus> out = new ArrayList<>();
        for (String name : storeCall(store::list)) {
            out.add(statusOf(name));
        }
        return out;
    }

    /** Status of one tunnel. */
    public TunnelStatus status(String name) throws IpcException {
        requireExists(name);
        return statusOf(name);
    }

    private TunnelStatus statusOf(String name) {
        Entry e = entry(name);
        boolean auto = state.autostart().contains(name);
        TunnelBackend.Active a = e.active;
        TunnelState s = e.state;
        if (a == null || !s.isUp()) {
            return TunnelStatus.inactive(name, s, auto, e.error);
        }
        DeviceSnapshot snap = a.snapshot();
        try {
            List<PeerStatus> peers = new ArrayList<>();
            for (PeerSnapshot p : snap.peers()) {
                peers.add(new PeerStatus(p.publicKey().toBase64(), endpoint(p.endpoint()),
                        p.lastHandshakeEpochNanos() / 1_000_000, p.rxBytes(), p.txBytes(),
                        p.persistentKeepaliveSeconds(), p.allowedIps().stream().map(Object::toString).toList()));
            }
            String pub = snap.privateKey() == null ? null : snap.privateKey().publicKey().toBase64();
            return new TunnelStatus(name, s, auto, pub, snap.listenPort(), a.mtu(), e.activeSince, peers,
                    a.warnings(), e.error);
        } finally {
            destroyKeys(snap);
        }
    }

    private static void destroyKeys(DeviceSnapshot snap) {
        if (snap.privateKey() != null) {
            snap.privateKey().destroy();
        }
        for (PeerSnapshot p : snap.peers()) {
            if (p.presharedKey() != null) {
                p.presharedKey().destroy();
            }
        }
    }

    static String endpoint(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            return null;
        }
        String host = a.getAddress().getHostAddress();
        if (a.getAddress() instanceof Inet6Address) {
            int pct = host.indexOf('%');
            return "[" + (pct < 0 ? host : host.substring(0, pct)) + "]:" + a.getPort();
        }
        return host + ":" + a.getPort();
    }

    /* ====================== store operations ====================== */

    /** Creates or replaces a tunnel's configuration. */
    public TunnelInfo save(String name, String text, boolean mustBeNew) throws IpcException {
        lock.lock();
        try {
            if (mustBeNew) {
                storeRun(() -> store.create(name, text));
            } else {
                storeRun(() -> store.save(name, text));
            }
            if (entry(name).state == TunnelState.ACTIVE) {
                log.info(name, "Configuration saved; it takes effect when the tunnel is next activated");
            }
            return info(name);
        } finally {
            lock.unlock();
        }
    }

    /** Deactivates (if needed) and deletes a tunnel. */
    public void delete(String name, String who) throws IpcException {
        lock.lock();
        try {
            requireExists(name);
            if (entry(name).state.isUp()) {
                deactivateLocked(name, "deleted by " + who, true);
            }
            storeRun(() -> store.delete(name));
            persist(() -> state.forget(name));
            entries.remove(name);
            log.info(name, "Deleted by " + who);
        } finally {
            lock.unlock();
        }
    }

    /** Renames an inactive tunnel. */
    public TunnelInfo rename(String name, String newName, String who) throws IpcException {
        lock.lock();
        try {
            requireExists(name);
            if (entry(name).state.isUp()) {
                throw new IpcException(ErrorCode.INVALID_STATE, "tunnel " + name + " is active; deactivate it before renaming it");
            }
            storeRun(() -> store.rename(name, newName));
            persist(() -> state.rename(name, newName));
            entries.remove(name);
            log.info(newName, "Renamed from " + name + " by " + who);
            return info(newName);
        } finally {
            lock.unlock();
        }
    }

    /** Sets whether a tunnel starts with the helper. */
    public TunnelInfo setAutostart(String name, boolean enabled) throws IpcException {
        lock.lock();
        try {
            requireExists(name);
            persist(() -> state.setAutostart(name, enabled));
            log.info(name, enabled ? "Will be activated when the helper starts" : "Will no longer be activated at start");
            return info(name);
        } finally {
            lock.unlock();
        }
    }

    /* ====================== activation ====================== */

    /**
     * Activates a tunnel (no-op if active), first deactivating active tunnels whose AllowedIPs
     * overlap its own.
     *
     * @throws IpcException ACTIVATION_FAILED naming the failed step (everything was rolled
     *                      back), INVALID_CONFIG if the stored file no longer parses, NOT_FOUND
     */
    public TunnelStatus activate(String name, String who) throws IpcException {
        lock.lock();
        try {
            requireExists(name);
            if (entry(name).state == TunnelState.ACTIVE) {
                return statusOf(name);
            }
            TunnelConfig config = storeCall(() -> store.load(name));
            try {
                List<IpPrefix> allowed = allowedIps(config);
                stopOverlapping(name, allowed);
                activateLocked(name, config, allowed, "activated by " + who);
            } finally {
                config.destroy();
            }
            return statusOf(name);
        } finally {
            lock.unlock();
        }
    }

    private static List<IpPrefix> allowedIps(TunnelConfig config) {
        Set<IpPrefix> all = new LinkedHashSet<>();
        for (PeerConfig p : config.peers()) {
            for (IpPrefix ip : p.allowedIps()) {
                all.add(ip.masked());
            }
        }
        return List.copyOf(all);
    }

    /** True when two prefixes share an address: same family, and the shorter contains the longer. */
    static boolean overlap(IpPrefix a, IpPrefix b) {
        if (a.isIpv4() != b.isIpv4()) {
            return false;
        }
        IpPrefix shorter = a.cidr() <= b.cidr() ? a : b;
        IpPrefix longer = shorter == a ? b : a;
        return shorter.contains(longer.address());
    }

    /** The first overlapping pair between two lists, if any. */
    static Optional<IpPrefix[]> firstOverlap(List<IpPrefix> mine, List<IpPrefix> theirs) {
        for (IpPrefix a : mine) {
            for (IpPrefix b : theirs) {
                if (overlap(a, b)) {
                    return Optional.of(new IpPrefix[] {a, b});
                }
            }
        }
        return Optional.empty();
    }

    private void stopOverlapping(String name, List<IpPrefix> allowed) {
        for (Map.Entry<String, Entry> other : List.copyOf(entries.entrySet())) {
            if (other.getKey().equals(name) || other.getValue().state != TunnelState.ACTIVE) {
                continue;
            }
            Optional<IpPrefix[]> clash = firstOverlap(allowed, other.getValue().allowedIps);
            if (clash.isPresent()) {
                String why = "its AllowedIPs " + clash.get()[1] + " overlap " + clash.get()[0] + " of " + name;
                log.warning(other.getKey(), "Deactivating " + other.getKey() + " because " + name
                        + " is being activated and " + why);
                deactivateLocked(other.getKey(), "stopped for " + name + ": " + why, true);
            }
        }
    }

    private void activateLocked(String name, TunnelConfig config, List<IpPrefix> allowed, String why) throws IpcException {
        Entry e = entry(name);
        transition(name, e, TunnelState.ACTIVATING, why);
        e.error = null;
        try {
            TunnelBackend.Active a = backend.activate(name, config, policy.allowScripts(),
                    undo -> {
                        try {
                            journal.write(name, undo);
                        } catch (IOException ex) {
                            throw new java.io.UncheckedIOException(ex);
                        }
                    },
                    line -> log.info(name, line));
            e.active = a;
            e.allowedIps = allowed;
            e.activeSince = System.currentTimeMillis();
            synchronized (e.handshakes) {
                e.handshakes.clear();
            }
            for (String w : a.warnings()) {
                log.warning(name, w);
            }
            transition(name, e, TunnelState.ACTIVE, why);
            persistQuietly(name, () -> state.setActive(name, true));
        } catch (TunnelBackend.ActivationException | RuntimeException ex) {
            String msg = ex instanceof TunnelBackend.ActivationException ? ex.getMessage()
                    : "step \"journal\" failed: " + ex.getMessage();
            e.error = msg;
            e.active = null;
            deleteJournal(name);
            persistQuietly(name, () -> state.setActive(name, false));
            log.error(name, "Activation failed, rolled back: " + msg);
            transition(name, e, TunnelState.FAILED, msg);
            events.accept(new IpcEvent.ErrorOccurred(name, "activation failed: " + msg));
            throw new IpcException(ErrorCode.ACTIVATION_FAILED, "cannot activate " + name + ": " + msg);
        }
    }

    /** Deactivates a tunnel (no-op if it is not up). */
    public TunnelStatus deactivate(String name, String who) throws IpcException {
        lock.lock();
        try {
            requireExists(name);
            if (entry(name).state.isUp()) {
                deactivateLocked(name, "deactivated by " + who, true);
            }
            return statusOf(name);
        } finally {
            lock.unlock();
        }
    }

    private void deactivateLocked(String name, String why, boolean forget) {
        Entry e = entry(name);
        TunnelBackend.Active a = e.active;
        transition(name, e, TunnelState.DEACTIVATING, why);
        if (a != null) {
            for (String problem : a.deactivate()) {
                log.warning(name, "While deactivating: " + problem);
            }
        }
        e.active = null;
        e.activeSince = 0;
        e.allowedIps = List.of();
        deleteJournal(name);
        if (forget) {
            persistQuietly(name, () -> state.setActive(name, false));
        }
        transition(name, e, TunnelState.INACTIVE, why);
    }

    private void deleteJournal(String name) {
        try {
            journal.delete(name);
        } catch (IOException ex) {
            log.warning(name, "Cannot remove the runtime journal: " + ex.getMessage());
        }
    }

    private void transition(String name, Entry e, TunnelState to, String message) {
        TunnelState from = e.state;
        if (from == to) {
            return;
        }
        e.state = to;
        log.info(name, from + " -> " + to + (message == null ? "" : " (" + message + ")"));
        events.accept(new IpcEvent.StateChanged(name, to, from, message));
    }

    /* ====================== start-up, monitor, shutdown ====================== */

    /**
     * Marks the tunnels that {@link #startup()} will restore as {@link TunnelState#ACTIVATING}, so
     * clients that connect before the restore is done see them coming up rather than inactive.
     * Call before the IPC server starts.
     */
    public void markRestoring() {
        Set<String> restore = new LinkedHashSet<>(state.active());
        restore.addAll(state.autostart());
        for (String name : restore) {
            try {
                if (store.exists(name)) {
                    entry(name).state = TunnelState.ACTIVATING;
                }
            } catch (StoreException e) {
                // startup() reports it
            }
        }
    }

    /**
     * Cleans up after a crash (stale journals: interfaces, rules, DNS), then activates the tunnels
     * that were active and those marked autostart, and starts the monitor. Failures are logged
     * and pushed as error events, never thrown.
     */
    public void startup() {
        lock.lock();
        try {
            Map<String, List<List<String>>> stale;
            try {
                stale = journal.all();
            } catch (IOException ex) {
                log.error(null, "Cannot read the runtime journals: " + ex.getMessage());
                stale = Map.of();
            }
            for (Map.Entry<String, List<List<String>>> j : stale.entrySet()) {
                log.warning(j.getKey(), "Cleaning up after an unclean stop of the helper");
                for (String line : backend.cleanupStale(j.getKey(), j.getValue())) {
                    log.info(j.getKey(), "Cleanup: " + line);
                }
                deleteJournal(j.getKey());
            }
            Set<String> restore = new LinkedHashSet<>(state.active());
            restore.addAll(state.autostart());
            for (String name : restore) {
                try {
                    if (!store.exists(name)) {
                        log.warning(name, "Recorded as active but no longer stored; forgetting it");
                        persistQuietly(name, () -> state.forget(name));
                        continue;
                    }
                    log.info(name, state.active().contains(name) ? "Restoring (was active)" : "Activating (autostart)");
                    TunnelConfig config = store.load(name);
                    try {
                        List<IpPrefix> allowed = allowedIps(config);
                        stopOverlapping(name, allowed);
                        activateLocked(name, config, allowed, "restored at helper start");
                    } finally {
                        config.destroy();
                    }
                } catch (IpcException | StoreException ex) {
                    Entry e = entry(name);
                    if (e.state == TunnelState.ACTIVATING) {
                        e.error = ex.getMessage();
                        transition(name, e, TunnelState.FAILED, ex.getMessage());
                    }
                    log.error(name, "Not restored: " + ex.getMessage());
                    events.accept(new IpcEvent.ErrorOccurred(name, "not restored at start: " + ex.getMessage()));
                }
            }
        } finally {
            lock.unlock();
        }
        monitor = Thread.ofPlatform().name("wgdesk-monitor").daemon().start(this::monitorLoop);
    }

    private void monitorLoop() {
        while (!closed) {
            try {
                Thread.sleep(MONITOR_INTERVAL_MILLIS);
            } catch (InterruptedException ex) {
                return;
            }
            try {
                checkOnce();
            } catch (RuntimeException ex) {
                log.error(null, "Monitor: " + ex);
            }
        }
    }

    /** One monitor pass: reports new handshakes, and tunnels whose interface died. */
    void checkOnce() {
        for (Map.Entry<String, Entry> me : List.copyOf(entries.entrySet())) {
            String name = me.getKey();
            Entry e = me.getValue();
            TunnelBackend.Active a = e.active;
            if (e.state != TunnelState.ACTIVE || a == null) {
                continue;
            }
            if (!a.isAlive()) {
                died(name, a);
                continue;
            }
            DeviceSnapshot snap = a.snapshot();
            try {
                synchronized (e.handshakes) {
                    for (PeerSnapshot p : snap.peers()) {
                        String key = p.publicKey().toBase64();
                        long t = p.lastHandshakeEpochNanos();
                        Long before = e.handshakes.put(key, t);
                        if (t != 0 && (before == null || t != before)) {
                            events.accept(new IpcEvent.HandshakeCompleted(name, key, t / 1_000_000));
                        }
                    }
                }
            } finally {
                destroyKeys(snap);
            }
        }
    }

    private void died(String name, TunnelBackend.Active a) {
        lock.lock();
        try {
            Entry e = entry(name);
            if (e.active != a || e.state != TunnelState.ACTIVE) {
                return; // changed meanwhile
            }
            String reason = a.failureReason();
            String msg = reason != null ? "the tunnel failed: " + reason + "; tunnel stopped"
                    : "the interface " + name + " disappeared (deleted from outside?); tunnel stopped";
            log.error(name, msg);
            for (String problem : a.deactivate()) {
                log.warning(name, "While cleaning up: " + problem);
            }
            e.active = null;
            e.error = msg;
            deleteJournal(name);
            persistQuietly(name, () -> state.setActive(name, false));
            transition(name, e, TunnelState.FAILED, msg);
            events.accept(new IpcEvent.ErrorOccurred(name, msg));
        } finally {
            lock.unlock();
        }
    }

    /** Brings every tunnel down, keeping them recorded as active for the next start. */
    @Override
    public void close() {
        closed = true;
        Thread m = monitor;
        if (m != null) {
            m.interrupt();
        }
        lock.lock();
        try {
            for (Map.Entry<String, Entry> me : List.copyOf(entries.entrySet())) {
                if (me.getValue().state.isUp()) {
                    deactivateLocked(me.getKey(), "helper stopping", false);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /* ====================== helpers ====================== */

    private Entry entry(String name) {
        return entries.computeIfAbsent(name, n -> new Entry());
    }

    private void requireExists(String name) throws IpcException {
        if (!storeCall(() -> store.exists(name))) {
            throw new IpcException(ErrorCode.NOT_FOUND, "no tunnel named " + name + " (see: wgdesk list)");
        }
    }

    private interface StoreCall<T> {
        T call() throws StoreException;
    }

    private interface StoreRun {
        void run() throws StoreException;
    }

    private interface IoRun {
        void run() throws IOException;
    }

    private static <T> T storeCall(StoreCall<T> c) throws IpcException {
        try {
            return c.call();
        } catch (StoreException e) {
            throw toIpc(e);
        }
    }

    private static void storeRun(StoreRun r) throws IpcException {
        try {
            r.run();
        } catch (StoreException e) {
            throw toIpc(e);
        }
    }

    private static void persist(IoRun r) throws IpcException {
        try {
            r.run();
        } catch (IOException e) {
            throw new IpcException(ErrorCode.STORAGE_FAILED, "cannot write the helper state: " + e.getMessage());
        }
    }

    private void persistQuietly(String name, IoRun r) {
        try {
            r.run();
        } catch (IOException e) {
            log.error(name, "Cannot write the helper state: " + e.getMessage());
        }
    }

    /** The IPC error for a store failure. */
    static IpcException toIpc(StoreException e) {
        ErrorCode code = switch (e.kind()) {
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
            case INVALID_NAME -> ErrorCode.INVALID_NAME;
            case INVALID_CONFIG -> ErrorCode.INVALID_CONFIG;
            case IO -> ErrorCode.STORAGE_FAILED;
        };
        return new IpcException(code, e.getMessage(), e.details());
    }
}
