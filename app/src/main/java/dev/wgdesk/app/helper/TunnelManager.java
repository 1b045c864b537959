package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.IpcServer;
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
 * <p><b>Ownership.</b> Every tunnel has an owner ({@link StateStore.Meta}): the uid that imported
 * or created it. Only the owner and root may read its keys ({@link #export}), replace, rename or
 * remove it, and change its autostart or sharing; other members see it, and may activate and
 * deactivate it only when the owner shares it. Hooks (PreUp...) run only when root wrote the
 * configuration last: a member's hooks are stored but not run ({@link #hooksNotice}).
 *
 * <p><b>Locks.</b> Each tunnel has its own lock, held while it is activated, deactivated, renamed
 * or deleted (which runs {@code ip} commands, DNS look-ups and hooks); the manager's lock is held
 * only for short bookkeeping (the store, the state file, reserving an activation against
 * overlapping ones), never across a command. So a slow activation of one tunnel never holds up
 * another tunnel, the list, or the status. Lock order: a tunnel's lock, then the manager's.
 *
 * <p>Thread-safe.
 */
public final class TunnelManager implements AutoCloseable {
    /** How often the monitor looks at active tunnels. */
    static final long MONITOR_INTERVAL_MILLIS = 1000;
    /** Most tunnels stored in all. */
    public static final int MAX_TUNNELS = 256;
    /** Most tunnels one non-root user may own. */
    public static final int MAX_TUNNELS_PER_USER = 32;
    /** How long an activation waits for an overlapping tunnel's own operation to finish. */
    static final long OTHER_TUNNEL_WAIT_SECONDS = 120;

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
        /** Wall time (epoch nanoseconds) the current activation was asked for; 0 once its first handshake was logged. */
        volatile long activationRequestedNanos;
        volatile List<IpPrefix> allowedIps = List.of();
        volatile String hooksBlocked; // the notice when this activation's hooks were not run
        volatile int hooks = -1; // hook commands in the stored configuration; -1 not known yet
        final ReentrantLock op = new ReentrantLock();
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

    /** Every stored tunnel, sorted by name, as {@code who} may use it. */
    public List<TunnelInfo> list(IpcServer.Peer who) throws IpcException {
        List<TunnelInfo> out = new ArrayList<>();
        Set<String> auto = state.autostart();
        for (String name : storeCall(store::list)) {
            out.add(infoOf(name, auto.contains(name), who));
        }
        return out;
    }

    /** One tunnel's info, as {@code who} may use it. */
    public TunnelInfo info(String name, IpcServer.Peer who) throws IpcException {
        requireExists(name);
        return infoOf(name, state.autostart().contains(name), who);
    }

    private TunnelInfo infoOf(String name, boolean auto, IpcServer.Peer who) {
        StateStore.Meta m = state.meta(name);
        boolean manage = mayManage(m, who);
        return new TunnelInfo(name, entry(name).state, auto, m.owner(), userName(m.owner()), m.shared(), manage,
                manage || m.shared());
    }

    static boolean mayManage(StateStore.Meta m, IpcServer.Peer who) {
        return who.isRoot() || m.owner() == who.uid();
    }

    /** A uid's name for messages (the number when it has none). */
    static String userName(int uid) {
        if (uid == 0) {
            return "root";
        }
        return Nss.userById(uid).map(Nss.Passwd::name).orElse(Integer.toString(uid));
    }

    private static String describe(IpcServer.Peer who) {
        return who.isRoot() ? "root" : who.user() + " (uid " + who.uid() + ")";
    }

    /** Throws unless {@code who} is the owner or root. */
    private void requireManage(String name, IpcServer.Peer who, String action) throws IpcException {
        StateStore.Meta m = state.meta(name);
        if (!mayManage(m, who)) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "cannot " + action + " " + name + ": it belongs to "
                    + userName(m.owner()) + "; only its owner and root may do that");
        }
    }

    /** Throws unless {@code who} may activate or deactivate the tunnel. */
    private void requireUse(String name, IpcServer.Peer who, String action) throws IpcException {
        StateStore.Meta m = state.meta(name);
        if (!mayManage(m, who) && !m.shared()) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "cannot " + action + " " + name + ": it belongs to "
                    + userName(m.owner()) + ", who has not shared it (only its owner can: wgdesk share " + name + " on)");
        }
    }

    /**
     * The stored text of a tunnel, with its private and preshared keys: for its owner and root only.
     */
    public String export(String name, IpcServer.Peer who) throws IpcException {
        requireExists(name);
        requireManage(name, who, "read the keys of");
        return storeCall(() -> store.read(name));
    }

    /**
     * Why the tunnel's hooks are stored but not run although the policy allows scripts, or null
     * (no hooks, scripts disabled by policy, or root wrote it last).
     */
    public String hooksNotice(String name) {
        if (!policy.allowScripts()) {
            return null;
        }
        StateStore.Meta m = state.meta(name);
        if (m.writer() == 0) {
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
        return n == 0 ? null : hooksNotice(m.writer(), n);
    }

    static String hooksNotice(int writer, int count) {
        String who = writer == StateStore.Meta.UNKNOWN_WRITER
                ? "this configuration was stored before wgdesk recorded who wrote it"
                : userName(writer) + " (uid " + writer + "), not root, imported or last edited this configuration";
        return "PreUp/PostUp/PreDown/PostDown stored but not run (" + count + " command(s)): " + who
                + ". Hooks run as root, so they run only from configurations root wrote; root can save it again to allow them";
    }

    private static int hookCount(TunnelConfig c) {
        var i = c.interfaceConfig();
        return i.preUp().size() + i.postUp().size() + i.preDown().size() + i.postDown().size();
    }

    private static TunnelConfig withoutHooks(TunnelConfig c) {
        return c.toBuilder().setInterface(c.interfaceConfig().toBuilder()
                .setPreUp(List.of()).setPostUp(List.of()).setPreDown(List.of()).setPostDown(List.of()).build()).build();
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
            return TunnelStatus.inactive(name, s, auto, e.error, hooksNotice(name));
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

    /**
     * Creates a tunnel owned by {@code who}, or (unless {@code mustBeNew}) replaces the
     * configuration of one {@code who} owns (root may replace any). The writer is recorded: a
     * configuration last written by anyone but root does not run its hooks.
     */
    public TunnelInfo save(String name, String text, boolean mustBeNew, IpcServer.Peer who) throws IpcException {
        lock.lock();
        try {
            boolean exists = storeCall(() -> store.exists(name));
            if (exists) {
                if (mustBeNew) {
                    throw new IpcException(ErrorCode.ALREADY_EXISTS, "a tunnel named " + name + " exists already");
                }
                requireManage(name, who, "change");
            } else {
                requireRoomFor(who);
            }
            if (mustBeNew) {
                storeRun(() -> store.create(name, text));
            } else {
                storeRun(() -> store.save(name, text));
            }
            StateStore.Meta m = exists ? state.meta(name).withWriter(who.uid()) : StateStore.Meta.createdBy(who.uid());
            persist(() -> state.setMeta(name, m));
            entry(name).hooks = -1;
            if (entry(name).state == TunnelState.ACTIVE) {
                log.info(name, "Configuration saved; it takes effect when the tunnel is next activated");
            }
            return info(name, who);
        } finally {
            lock.unlock();
        }
    }

    private void requireRoomFor(IpcServer.Peer who) throws IpcException {
        List<String> all = storeCall(store::list);
        if (all.size() >= MAX_TUNNELS) {
            throw new IpcException(ErrorCode.LIMIT_REACHED, "the helper stores at most " + MAX_TUNNELS
                    + " tunnels and has " + all.size() + "; remove one first");
        }
        if (!who.isRoot()) {
            long mine = all.stream().filter(n -> state.meta(n).owner() == who.uid()).count();
            if (mine >= MAX_TUNNELS_PER_USER) {
                throw new IpcException(ErrorCode.LIMIT_REACHED, "you own " + mine + " tunnels, the most one user may have ("
                        + MAX_TUNNELS_PER_USER + "); remove one first");
            }
        }
    }

    /** Deactivates (if needed) and deletes a tunnel: its owner or root. */
    public void delete(String name, IpcServer.Peer who) throws IpcException {
        requireExists(name);
        requireManage(name, who, "remove");
        Entry e = entry(name);
        e.op.lock();
        try {
            requireExists(name);
            if (e.state.isUp()) {
                deactivateLocked(name, "deleted by " + describe(who), true);
            }
            lock.lock();
            try {
                storeRun(() -> store.delete(name));
                persist(() -> state.forget(name));
                e.hooks = -1;
                e.error = null;
            } finally {
                lock.unlock();
            }
            log.info(name, "Deleted by " + describe(who));
        } finally {
            e.op.unlock();
        }
    }

    /** Renames an inactive tunnel: its owner or root. */
    public TunnelInfo rename(String name, String newName, IpcServer.Peer who) throws IpcException {
        requireExists(name);
        requireManage(name, who, "rename");
        Entry e = entry(name);
        e.op.lock();
        try {
            if (e.state.isUp()) {
                throw new IpcException(ErrorCode.INVALID_STATE, "tunnel " + name + " is active; deactivate it before renaming it");
            }
            lock.lock();
            try {
                storeRun(() -> store.rename(name, newName));
                persist(() -> state.rename(name, newName));
                entries.remove(name);
                entries.remove(newName);
            } finally {
                lock.unlock();
            }
            log.info(newName, "Renamed from " + name + " by " + describe(who));
            return info(newName, who);
        } finally {
            e.op.unlock();
        }
    }

    /** Sets whether a tunnel starts with the helper: its owner or root. */
    public TunnelInfo setAutostart(String name, boolean enabled, IpcServer.Peer who) throws IpcException {
        lock.lock();
        try {
            requireExists(name);
            requireManage(name, who, "change autostart of");
            persist(() -> state.setAutostart(name, enabled));
            log.info(name, enabled ? "Will be activated when the helper starts" : "Will no longer be activated at start");
            return info(name, who);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets whether other members of the group may activate and deactivate the tunnel ("Let other
     * users of this computer use this tunnel"): its owner or root.
     */
    public TunnelInfo setShared(String name, boolean shared, IpcServer.Peer who) throws IpcException {
        lock.lock();
        try {
            requireExists(name);
            requireManage(name, who, "change sharing of");
            persist(() -> state.setMeta(name, state.meta(name).withShared(shared)));
            log.info(name, (shared ? "Shared with the other users of the helper by " : "No longer shared, by ")
                    + describe(who));
            return info(name, who);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records {@link StateStore.Meta#LEGACY} (root's, shared, writer unknown) for stored tunnels
     * that have no owner yet: those stored before owners existed. Call once at start.
     */
    public void migrateOwners() {
        try {
            for (String name : state.migrate(store.list())) {
                log.info(name, "Stored before wgdesk recorded owners: now owned by root and shared with the group"
                        + " (members may switch it; only root may read its keys, edit or remove it)");
            }
        } catch (IOException | StoreException e) {
            log.error(null, "Cannot record the owners of older tunnels: " + e.getMessage());
        }
    }

    /* ====================== activation ====================== */

    /**
     * Activates a tunnel (no-op if active), first deactivating active tunnels whose AllowedIPs
     * overlap its own. {@code who} must own it, be root, or the tunnel must be shared; and
     * {@code who} must be allowed to deactivate each overlapping tunnel too.
     *
     * @throws IpcException ACTIVATION_FAILED naming the failed step (everything was rolled
     *                      back), INVALID_CONFIG if the stored file no longer parses, NOT_FOUND,
     *                      NOT_PERMITTED, INVALID_STATE when an overlapping tunnel is changing state
     */
    public TunnelStatus activate(String name, IpcServer.Peer who) throws IpcException {
        requireExists(name);
        requireUse(name, who, "activate");
        return activateAs(name, who, "activated by " + describe(who));
    }

    private TunnelStatus activateAs(String name, IpcServer.Peer who, String why) throws IpcException {
        Entry e = entry(name);
        e.op.lock();
        try {
            requireExists(name);
            if (e.state == TunnelState.ACTIVE) {
                return statusOf(name);
            }
            TunnelConfig config = storeCall(() -> store.load(name));
            try {
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
     * Under the manager's lock: finds the active tunnels that overlap, checks that {@code who}
     * may stop them and that none is changing state, and marks this one ACTIVATING with its
     * AllowedIPs so a concurrent activation sees it.
     */
    private List<String> reserve(String name, Entry e, List<IpPrefix> allowed, IpcServer.Peer who, String why)
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
                    StateStore.Meta m = state.meta(other.getKey());
                    if (!mayManage(m, who) && !m.shared()) {
                        throw new IpcException(ErrorCode.NOT_PERMITTED, "cannot activate " + name + ": its AllowedIPs "
                                + clash.get()[0] + " overlap " + clash.get()[1] + " of the active tunnel " + other.getKey()
                                + ", which belongs to " + userName(m.owner()) + " and is not shared, so you may not stop it");
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
        int writer = state.meta(name).writer();
        boolean blockHooks = policy.allowScripts() && hooks > 0 && writer != 0;
        e.hooksBlocked = blockHooks ? hooksNotice(writer, hooks) : null;
        TunnelConfig config = blockHooks ? withoutHooks(stored) : stored;
        if (blockHooks) {
            log.warning(name, e.hooksBlocked);
        }
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

    /** Deactivates a tunnel (no-op if it is not up): its owner, root, or anyone when it is shared. */
    public TunnelStatus deactivate(String name, IpcServer.Peer who) throws IpcException {
        requireExists(name);
        requireUse(name, who, "deactivate");
        Entry e = entry(name);
        e.op.lock();
        try {
            requireExists(name);
            if (e.state.isUp()) {
                deactivateLocked(name, "deactivated by " + describe(who), true);
            }
            return statusOf(name);
        } finally {
            e.op.unlock();
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
     * that were active and those marked autostart, and starts the monitor. Failures are logged
     * and pushed as error events, never thrown.
     */
    public void startup() {
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
                if (RuntimeJournal.isAllowed(cmd)) {
                    undo.add(cmd);
                } else {
                    log.error(j.getKey(), "Cleanup: not running " + cmd.getFirst()
                            + " from the journal: only ip, nft, iptables, ip6tables, resolvectl and resolvconf are replayed");
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
                activateAs(name, null, "restored at helper start");
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
            lockOf.op.unlock();
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
