package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.PeerDiagnosis;
import dev.wgdesk.app.ipc.PeerStatus;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.device.Diagnosis;
import dev.wgdesk.engine.device.PeerSnapshot;
import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.TunnelBackend;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The activation state machine of {@link TunnelManager}'s tunnels: each tunnel's
 * {@link TunnelState} ({@code INACTIVE -> ACTIVATING -> ACTIVE -> DEACTIVATING -> INACTIVE}, or
 * {@code FAILED}), activation through the {@link TunnelBackend} with the crash journal and hooks
 * under the policy, overlap handling (activating one tunnel first stops every active tunnel whose
 * AllowedIPs overlap its own), clean-up and restore at start-up, the monitor that reports
 * handshakes and dead interfaces, and bringing everything down at close. Every transition is
 * logged and pushed as an {@link IpcEvent.StateChanged}.
 *
 * <p>Locks: each tunnel's {@link Entry#op} is held across its operations (commands, DNS look-ups,
 * hooks); {@code lock}, shared with the manager, only for short bookkeeping. Lock order: a
 * tunnel's lock, then the manager's. Who may do what is decided before ({@link Ownership}),
 * except stopping overlapping tunnels, decided while reserving. Thread-safe.
 */
final class Activations {
    /** How often the monitor looks at active tunnels. */
    static final long MONITOR_INTERVAL_MILLIS = 1000;
    /** How long an activation waits for an overlapping tunnel's own operation to finish. */
    static final long OTHER_TUNNEL_WAIT_SECONDS = 120;

    private final ConfigStore store;
    private final StateStore state;
    private final RuntimeJournal journal;
    private final TunnelBackend backend;
    private final HelperPolicy policy;
    private final HelperLog log;
    private final Consumer<IpcEvent> events;
    private final Ownership ownership;
    private final ReentrantLock lock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private Thread monitor;

    /** Runtime facts about one tunnel; fields are written under the lock and read anywhere. */
    static final class Entry {
        volatile TunnelState state = TunnelState.INACTIVE;
        volatile TunnelBackend.Active active;
        volatile String error;
        volatile long activeSince;
        /** Wall time (epoch nanoseconds) the current activation was asked for; 0 once its first handshake was logged. */
        volatile long activationRequestedNanos;
        volatile List<IpPrefix> allowedIps = List.of();
        volatile String hooksBlocked; // the notice when this activation's hooks were not run
        volatile int hooks = -1; // hook commands in the stored configuration; -1 not known yet
        final ReentrantLock op = new ReentrantLock();
        final Map<String, Long> handshakes = new HashMap<>(); // monitor thread only
    }

    Activations(ConfigStore store, StateStore state, RuntimeJournal journal, TunnelBackend backend, HelperPolicy policy,
                HelperLog log, Consumer<IpcEvent> events, Ownership ownership, ReentrantLock lock) {
        this.store = store;
        this.state = state;
        this.journal = journal;
        this.backend = backend;
        this.policy = policy;
        this.log = log;
        this.events = events;
        this.ownership = ownership;
        this.lock = lock;
    }

    /* ====================== status and hooks ====================== */

    /**
     * Why the tunnel's hooks are stored but not run although the policy allows scripts, or null
     * (no hooks, scripts disabled by policy, or root wrote it last).
     */
    String hooksNotice(String name) {
        if (!policy.allowScripts()) {
            return null;
        }
        StateStore.Meta m = state.meta(name);
        if (Ownership.hooksTrusted(m)) {
            return null;
        }
        Entry e = entry(name);
        int n = e.hooks;
        if (n < 0) {
            try {
                TunnelConfig c = store.load(name);
                try {
                    n = hookCount(c);
                } finally {
                    c.destroy();
                }
            } catch (StoreException ex) {
                return null;
            }
            e.hooks = n;
        }
        return n == 0 ? null : ownership.hooksNotice(m.writer(), n);
    }

    private static int hookCount(TunnelConfig c) {
        var i = c.interfaceConfig();
        return i.preUp().size() + i.postUp().size() + i.preDown().size() + i.postDown().size();
    }

    private static TunnelConfig withoutHooks(TunnelConfig c) {
        return c.toBuilder().setInterface(c.interfaceConfig().toBuilder()
                .setPreUp(List.of()).setPostUp(List.of()).setPreDown(List.of()).setPostDown(List.of()).build()).build();
    }

    /** The status of a tunnel, stored or not. */
    TunnelStatus statusOf(String name) {
        Entry e = entry(name);
        boolean auto = state.autostart().contains(name);
        TunnelBackend.Active a = e.active;
        TunnelState s = e.state;
        if (a == null || !s.isUp()) {
            return TunnelStatus.inactive(name, s, auto, e.error, hooksNotice(name));
        }
        DeviceSnapshot snap = a.snapshot();
        try {
            List<PeerStatus> peers = new ArrayList<>();
            for (PeerSnapshot p : snap.peers()) {
                peers.add(new PeerStatus(p.publicKey().toBase64(), endpoint(p.endpoint()),
                        p.lastHandshakeEpochNanos() / 1_000_000, p.rxBytes(), p.txBytes(),
                        p.persistentKeepaliveSeconds(), p.allowedIps().stream().map(Object::toString).toList(),
                        diagnosis(p)));
            }
            String pub = snap.privateKey() == null ? null : snap.privateKey().publicKey().toBase64();
            List<String> warnings = new ArrayList<>(a.warnings());
            String blocked = e.hooksBlocked;
            if (blocked != null) {
                warnings.add(blocked);
            }
            return new TunnelStatus(name, s, auto, pub, snap.listenPort(), a.mtu(), e.activeSince, peers,
                    warnings, e.error, blocked != null ? blocked : hooksNotice(name));
        } finally {
            destroyKeys(snap);
        }
    }

    /** The engine's diagnosis of a peer (issue 14), in IPC terms. */
    private static PeerDiagnosis diagnosis(PeerSnapshot p) {
        Diagnosis d = p.diagnosis();
        return new PeerDiagnosis(d.code().id(), d.message(), d.counters());
    }

    /** Destroys the keys in a snapshot. */
    static void destroyKeys(DeviceSnapshot snap) {
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

    /* ====================== activation ====================== */

    private volatile TunnelManager.ActivationGuard guard = (name, config) -> java.util.Optional.empty();

    /** Sets the guard asked before every activation: a client's, and each restore at {@link #startup()}. */
    void setActivationGuard(TunnelManager.ActivationGuard g) {
        guard = java.util.Objects.requireNonNull(g, "g");
    }

    /**
     * Activates a tunnel (no-op if active), first deactivating active tunnels whose AllowedIPs
     * overlap its own; {@code who} (null at start-up) must be allowed to stop each of them.
     *
     * @return its status, taken under its lock
     */
    TunnelStatus activate(String name, ClientIdentity who, String why) throws IpcException {
        Entry e = entry(name);
        e.op.lock();
        try {
            TunnelManager.requireExists(store, name);
            if (e.state == TunnelState.ACTIVE) {
                return statusOf(name);
            }
            TunnelConfig config = TunnelManager.storeCall(() -> store.load(name));
            try {
                java.util.Optional<String> refusal = guard.refuse(name, config);
                if (refusal.isPresent()) {
                    refused(name, e, refusal.get(), who == null);
                    throw new IpcException(ErrorCode.INVALID_STATE, refusal.get());
                }
                List<IpPrefix> allowed = allowedIps(config);
                List<String> others = reserve(name, e, allowed, who, why);
                try {
                    stopOverlapping(name, allowed, others);
                } catch (IpcException ex) {
                    unreserve(name, e, ex.getMessage());
                    throw ex;
                }
                activateLocked(name, config, allowed, why);
            } finally {
                config.destroy();
            }
            return statusOf(name);
        } finally {
            e.op.unlock();
        }
    }

    /**
     * The guard refused to activate {@code name}. At start-up (a restore, with nobody to answer)
     * the tunnel's status keeps the reason as its error and it is no longer recorded as active:
     * it stays inactive until someone activates it (autostart stays as its owner set it).
     */
    private void refused(String name, Entry e, String reason, boolean atStart) {
        log.warning(name, "Not activated: " + reason);
        if (atStart) {
            e.error = reason;
            persistQuietly(name, () -> state.setActive(name, false));
        }
    }

    /**
     * Under the manager's lock: finds the active tunnels that overlap, checks that {@code who}
     * may stop them and that none is changing state, and marks this one ACTIVATING with its
     * AllowedIPs so a concurrent activation sees it.
     */
    private List<String> reserve(String name, Entry e, List<IpPrefix> allowed, ClientIdentity who, String why)
            throws IpcException {
        lock.lock();
        try {
            List<String> stop = new ArrayList<>();
            for (Map.Entry<String, Entry> other : List.copyOf(entries.entrySet())) {
                Entry o = other.getValue();
                if (other.getKey().equals(name) || o.state == TunnelState.INACTIVE || o.state == TunnelState.FAILED) {
                    continue;
                }
                Optional<IpPrefix[]> clash = firstOverlap(allowed, o.allowedIps);
                if (clash.isEmpty()) {
                    continue;
                }
                if (o.state != TunnelState.ACTIVE) {
                    throw new IpcException(ErrorCode.INVALID_STATE, "cannot activate " + name + " now: " + other.getKey()
                            + ", whose AllowedIPs " + clash.get()[1] + " overlap " + clash.get()[0] + ", is "
                            + o.state.name().toLowerCase(java.util.Locale.ROOT) + "; try again in a moment");
                }
                if (who != null) {
                    String refusal = ownership.overlapRefusal(state.meta(other.getKey()), who);
                    if (refusal != null) {
                        throw new IpcException(ErrorCode.NOT_PERMITTED, "cannot activate " + name + ": its AllowedIPs "
                                + clash.get()[0] + " overlap " + clash.get()[1] + " of the active tunnel " + other.getKey()
                                + refusal);
                    }
                }
                stop.add(other.getKey());
            }
            e.allowedIps = allowed;
            e.error = null;
            transition(name, e, TunnelState.ACTIVATING, why);
            return stop;
        } finally {
            lock.unlock();
        }
    }

    private void unreserve(String name, Entry e, String why) {
        e.allowedIps = List.of();
        transition(name, e, TunnelState.INACTIVE, why);
    }

    static List<IpPrefix> allowedIps(TunnelConfig config) {
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

    private void stopOverlapping(String name, List<IpPrefix> allowed, List<String> others) throws IpcException {
        for (String otherName : others) {
            Entry o = entry(otherName);
            boolean locked;
            try {
                locked = o.op.tryLock(OTHER_TUNNEL_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                locked = false;
            }
            if (!locked) {
                throw new IpcException(ErrorCode.INVALID_STATE, "cannot activate " + name + ": the overlapping tunnel "
                        + otherName + " is busy; try again");
            }
            try {
                Optional<IpPrefix[]> clash = firstOverlap(allowed, o.allowedIps);
                if (o.state != TunnelState.ACTIVE || clash.isEmpty()) {
                    continue;
                }
                String why = "its AllowedIPs " + clash.get()[1] + " overlap " + clash.get()[0] + " of " + name;
                log.warning(otherName, "Deactivating " + otherName + " because " + name + " is being activated and " + why);
                deactivateLocked(otherName, "stopped for " + name + ": " + why, true);
            } finally {
                o.op.unlock();
            }
        }
    }

    /** Brings the tunnel up; the caller holds its lock and has {@linkplain #reserve reserved} it. */
    private void activateLocked(String name, TunnelConfig stored, List<IpPrefix> allowed, String why) throws IpcException {
        Entry e = entry(name);
        e.activationRequestedNanos = epochNanos();
        transition(name, e, TunnelState.ACTIVATING, why);
        e.error = null;
        int hooks = hookCount(stored);
        StateStore.Meta meta = state.meta(name);
        boolean blockHooks = policy.allowScripts() && hooks > 0 && !Ownership.hooksTrusted(meta);
        e.hooksBlocked = blockHooks ? ownership.hooksNotice(meta.writer(), hooks) : null;
        TunnelConfig config = blockHooks ? withoutHooks(stored) : stored;
        if (blockHooks) {
            log.warning(name, e.hooksBlocked);
        }
        TunnelBackend.Active leftover = e.active; // the kill switch of this tunnel when it died, or null
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
            e.active = a; // the new activation's table replaced the leftover kill switch's, same name
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
            if (leftover != null) {
                for (String problem : leftover.deactivate()) {
                    log.warning(name, "While removing the kill switch left from before: " + problem);
                }
            }
            e.allowedIps = List.of();
            e.hooksBlocked = null;
            deleteJournal(name);
            persistQuietly(name, () -> state.setActive(name, false));
            log.error(name, "Activation failed, rolled back: " + msg);
            transition(name, e, TunnelState.FAILED, msg);
            events.accept(new IpcEvent.ErrorOccurred(name, "activation failed: " + msg));
            throw new IpcException(ErrorCode.ACTIVATION_FAILED, "cannot activate " + name + ": " + msg);
        } finally {
            if (config != stored) {
                config.destroy();
            }
        }
    }

    /**
     * Deactivates a tunnel (no-op if it is not up).
     *
     * @return its status, taken under its lock
     */
    TunnelStatus deactivate(String name, String why) throws IpcException {
        Entry e = entry(name);
        e.op.lock();
        try {
            TunnelManager.requireExists(store, name);
            if (e.state.isUp() || e.state == TunnelState.FAILED && e.active != null) { // FAILED: a kill switch left
                deactivateLocked(name, why, true);
            }
            return statusOf(name);
        } finally {
            e.op.unlock();
        }
    }

    /** Brings a tunnel down; the caller holds its lock. {@code forget}: record it as inactive. */
    void deactivateLocked(String name, String why, boolean forget) {
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
        e.hooksBlocked = null;
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
     * Cleans up after a crash (stale journals: interfaces, rules, DNS), then activates the tunnels
     * that were active and those marked autostart, each through the activation guard (set it
     * before), and starts the monitor. Failures are logged and pushed as error events, never
     * thrown; a tunnel the guard refuses stays inactive with the reason as its error.
     */
    void startup() {
        Map<String, List<List<String>>> stale;
        try {
            stale = journal.all();
        } catch (IOException ex) {
            log.error(null, "Cannot read the runtime journals: " + ex.getMessage());
            stale = Map.of();
        }
        for (Map.Entry<String, List<List<String>>> j : stale.entrySet()) {
            log.warning(j.getKey(), "Cleaning up after an unclean stop of the helper");
            List<List<String>> undo = new ArrayList<>();
            for (List<String> cmd : j.getValue()) {
                if (RuntimeJournal.isAllowed(cmd, backend.journalPrograms())) {
                    undo.add(cmd);
                } else {
                    log.error(j.getKey(), "Cleanup: not running " + (cmd.isEmpty() ? "an empty command" : cmd.getFirst())
                            + " from the journal: only " + String.join(", ", new java.util.TreeSet<>(backend.journalPrograms()))
                            + " are replayed");
                }
            }
            for (String line : backend.cleanupStale(j.getKey(), undo)) {
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
                activate(name, null, "restored at helper start");
            } catch (IpcException | StoreException ex) {
                Entry e = entry(name);
                if (e.state == TunnelState.ACTIVATING) {
                    e.error = ex.getMessage();
                    e.allowedIps = List.of();
                    transition(name, e, TunnelState.FAILED, ex.getMessage());
                }
                log.error(name, "Not restored: " + ex.getMessage());
                events.accept(new IpcEvent.ErrorOccurred(name, "not restored at start: " + ex.getMessage()));
            }
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
                            logActivationTime(name, e, t);
                        }
                    }
                }
            } finally {
                destroyKeys(snap);
            }
        }
    }

    /**
     * Logs, once per activation, how long after the request the first handshake completed (both
     * wall times taken inside the helper; bench/footprint.sh reads this line).
     */
    private void logActivationTime(String name, Entry e, long handshakeEpochNanos) {
        long requested = e.activationRequestedNanos;
        if (requested != 0 && handshakeEpochNanos >= requested) {
            e.activationRequestedNanos = 0;
            log.info(name, String.format(java.util.Locale.ROOT, "First handshake %.1f ms after the activation was requested",
                    (handshakeEpochNanos - requested) / 1e6));
        }
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void died(String name, TunnelBackend.Active a) {
        Entry lockOf = entry(name);
        if (!lockOf.op.tryLock()) {
            return; // an operation on it is in progress; the next pass looks again
        }
        try {
            Entry e = entry(name);
            if (e.active != a || e.state != TunnelState.ACTIVE) {
                return; // changed meanwhile
            }
            String reason = a.failureReason();
            boolean keep = a.hasKillSwitch();
            String msg = (reason != null ? "the tunnel failed: " + reason + "; tunnel stopped"
                    : "the interface " + name + " disappeared (deleted from outside?); tunnel stopped")
                    + (keep ? "; the kill switch keeps blocking traffic outside the tunnel until you deactivate it" : "");
            log.error(name, msg);
            for (String problem : keep ? a.stopKeepingKillSwitch() : a.deactivate()) {
                log.warning(name, "While cleaning up: " + problem);
            }
            e.active = keep ? a : null; // a kill switch left: deactivate() removes it, the journal after a crash
            e.error = msg;
            if (!keep) {
                deleteJournal(name);
            }
            persistQuietly(name, () -> state.setActive(name, false));
            transition(name, e, TunnelState.FAILED, msg);
            events.accept(new IpcEvent.ErrorOccurred(name, msg));
        } finally {
            lockOf.op.unlock();
        }
    }

    /** Brings every tunnel down, keeping them recorded as active for the next start. */
    void close() {
        closed = true;
        Thread m = monitor;
        if (m != null) {
            m.interrupt();
        }
        for (Map.Entry<String, Entry> me : List.copyOf(entries.entrySet())) {
            Entry e = me.getValue();
            e.op.lock();
            try {
                if (e.state.isUp()) {
                    deactivateLocked(me.getKey(), "helper stopping", false);
                }
            } finally {
                e.op.unlock();
            }
        }
    }

    /** The runtime facts of a tunnel (created on first use). */
    Entry entry(String name) {
        return entries.computeIfAbsent(name, n -> new Entry());
    }

    /** Forgets the runtime facts of tunnels (after a rename). */
    void forget(String... names) {
        for (String n : names) {
            entries.remove(n);
        }
    }

    private void persistQuietly(String name, TunnelManager.IoRun r) {
        TunnelManager.persistQuietly(log, name, r);
    }
}
