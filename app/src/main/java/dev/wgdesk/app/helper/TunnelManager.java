package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UserDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The helper's tunnels at run time, as the IPC methods use them: the stored tunnels and their
 * owners, and their activation and deactivation. Who may do what is {@link Ownership}'s; the
 * activation state machine (states, the backend, overlap handling, persistence of which tunnels
 * are active, restore at start-up, and the monitor that reports handshakes and dead interfaces)
 * is {@link Activations}'.
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
 * <p><b>Ownership.</b> Every tunnel has an owner ({@link StateStore.Meta}): the client id that
 * imported or created it; the rules are {@link Ownership}'s. Only the owner and root may read its keys ({@link #export}), replace, rename or
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
    /** Most tunnels stored in all. */
    public static final int MAX_TUNNELS = 256;
    /** Most tunnels one non-root user may own. */
    public static final int MAX_TUNNELS_PER_USER = 32;

    private final ConfigStore store;
    private final StateStore state;
    private final HelperLog log;
    private final Ownership ownership;
    private final ReentrantLock lock = new ReentrantLock();
    private final Activations activations;
    private final OnDemand onDemand;

    /**
     * A last word before a tunnel is activated, by a request or restored at {@link #startup()}: the
     * reason it may not be, or empty. {@link SystemTunnels#refuseActivation} refuses a copy whose
     * original is up.
     */
    @FunctionalInterface
    interface ActivationGuard {
        java.util.Optional<String> refuse(String name, dev.wgdesk.engine.config.TunnelConfig config);
    }

    /** Sets the {@link ActivationGuard} asked before every activation; set it before {@link #startup()}. */
    void setActivationGuard(ActivationGuard g) {
        activations.setActivationGuard(g);
    }

    TunnelManager(ConfigStore store, StateStore state, RuntimeJournal journal, TunnelBackend backend,
                  HelperPolicy policy, HelperLog log, Consumer<IpcEvent> events, UserDirectory users) {
        this.store = Objects.requireNonNull(store);
        this.state = Objects.requireNonNull(state);
        this.log = Objects.requireNonNull(log);
        this.ownership = new Ownership(users);
        this.activations = new Activations(store, state, Objects.requireNonNull(journal), Objects.requireNonNull(backend),
                Objects.requireNonNull(policy), log, Objects.requireNonNull(events), ownership, lock);
        this.onDemand = new OnDemand(state, store, activations, ownership, log, System::currentTimeMillis);
    }

    /** The on-demand controller (tests set its network source and scheduler before {@link #startup()}). */
    OnDemand onDemand() {
        return onDemand;
    }

    /* ====================== queries ====================== */

    /** Every stored tunnel, sorted by name, as {@code who} may use it. */
    public List<TunnelInfo> list(ClientIdentity who) throws IpcException {
        List<TunnelInfo> out = new ArrayList<>();
        Set<String> auto = state.autostart();
        for (String name : storeCall(store::list)) {
            out.add(infoOf(name, auto.contains(name), who));
        }
        return out;
    }

    /** One tunnel's info, as {@code who} may use it. */
    public TunnelInfo info(String name, ClientIdentity who) throws IpcException {
        requireExists(name);
        return infoOf(name, state.autostart().contains(name), who);
    }

    private TunnelInfo infoOf(String name, boolean auto, ClientIdentity who) {
        StateStore.Meta m = state.meta(name);
        boolean manage = Ownership.mayManage(m, who);
        return new TunnelInfo(name, activations.entry(name).state, auto, m.owner(), userName(m.owner()), m.shared(), manage,
                manage || m.shared());
    }

    /** An id's name for messages (the id when it has none). */
    String userName(String id) {
        return ownership.userName(id);
    }

    private static String describe(ClientIdentity who) {
        return Ownership.describe(who);
    }

    /** Throws unless {@code who} is the owner or root. */
    private void requireManage(String name, ClientIdentity who, String action) throws IpcException {
        ownership.requireManage(name, state.meta(name), who, action);
    }

    /** Throws unless {@code who} may activate or deactivate the tunnel. */
    private void requireUse(String name, ClientIdentity who, String action) throws IpcException {
        ownership.requireUse(name, state.meta(name), who, action);
    }

    /**
     * The stored text of a tunnel, with its private and preshared keys: for its owner and root only.
     */
    public String export(String name, ClientIdentity who) throws IpcException {
        requireExists(name);
        requireManage(name, who, "read the keys of");
        return storeCall(() -> store.read(name));
    }

    /**
     * Why the tunnel's hooks are stored but not run although the policy allows scripts, or null
     * (no hooks, scripts disabled by policy, or root wrote it last).
     */
    public String hooksNotice(String name) {
        return activations.hooksNotice(name);
    }

    /** Status of every stored tunnel. */
    public List<TunnelStatus> statusAll() throws IpcException {
        List<TunnelStatus> out = new ArrayList<>();
        for (String name : storeCall(store::list)) {
            out.add(activations.statusOf(name).withOnDemand(onDemand.status(name)));
        }
        return out;
    }

    /** Status of one tunnel. */
    public TunnelStatus status(String name) throws IpcException {
        requireExists(name);
        return activations.statusOf(name).withOnDemand(onDemand.status(name));
    }

    /* ====================== store operations ====================== */

    /**
     * Creates a tunnel owned by {@code who}, or (unless {@code mustBeNew}) replaces the
     * configuration of one {@code who} owns (root may replace any). The writer is recorded: a
     * configuration last written by anyone but root does not run its hooks.
     */
    public TunnelInfo save(String name, String text, boolean mustBeNew, ClientIdentity who) throws IpcException {
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
            StateStore.Meta m = exists ? state.meta(name).withWriter(who) : StateStore.Meta.createdBy(who);
            persist(() -> state.setMeta(name, m));
            activations.entry(name).hooks = -1;
            if (activations.entry(name).state == TunnelState.ACTIVE) {
                log.info(name, "Configuration saved; it takes effect when the tunnel is next activated");
            }
            return info(name, who);
        } finally {
            lock.unlock();
        }
    }

    private void requireRoomFor(ClientIdentity who) throws IpcException {
        List<String> all = storeCall(store::list);
        if (all.size() >= MAX_TUNNELS) {
            throw new IpcException(ErrorCode.LIMIT_REACHED, "the helper stores at most " + MAX_TUNNELS
                    + " tunnels and has " + all.size() + "; remove one first");
        }
        Ownership.requireRoomFor(all.stream().map(state::meta).toList(), who);
    }

    /** Deactivates (if needed) and deletes a tunnel: its owner or root. */
    public void delete(String name, ClientIdentity who) throws IpcException {
        requireExists(name);
        requireManage(name, who, "remove");
        Activations.Entry e = activations.entry(name);
        e.op.lock();
        try {
            requireExists(name);
            if (e.state.isUp()) {
                activations.deactivateLocked(name, "deleted by " + describe(who), true);
            }
            lock.lock();
            try {
                storeRun(() -> store.delete(name));
                persist(() -> state.forget(name));
                onDemand.forget(name);
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
    public TunnelInfo rename(String name, String newName, ClientIdentity who) throws IpcException {
        requireExists(name);
        requireManage(name, who, "rename");
        Activations.Entry e = activations.entry(name);
        e.op.lock();
        try {
            if (e.state.isUp()) {
                throw new IpcException(ErrorCode.INVALID_STATE, "tunnel " + name + " is active; deactivate it before renaming it");
            }
            lock.lock();
            try {
                storeRun(() -> store.rename(name, newName));
                persist(() -> state.rename(name, newName));
                activations.forget(name, newName);
                onDemand.forget(name);
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
    public TunnelInfo setAutostart(String name, boolean enabled, ClientIdentity who) throws IpcException {
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
    public TunnelInfo setShared(String name, boolean shared, ClientIdentity who) throws IpcException {
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
    public TunnelStatus activate(String name, ClientIdentity who) throws IpcException {
        requireExists(name);
        requireUse(name, who, "activate");
        TunnelStatus s = onDemand.switchByHand(name, true, () -> activations.activate(name, who, "activated by " + describe(who)));
        return s.withOnDemand(onDemand.status(name));
    }

    /** Deactivates a tunnel (no-op if it is not up): its owner, root, or anyone when it is shared. */
    public TunnelStatus deactivate(String name, ClientIdentity who) throws IpcException {
        requireExists(name);
        requireUse(name, who, "deactivate");
        TunnelStatus s = onDemand.switchByHand(name, false, () -> activations.deactivate(name, "deactivated by " + describe(who)));
        return s.withOnDemand(onDemand.status(name));
    }

    /**
     * Sets a tunnel's on-demand rule ({@link OnDemandRule#OFF} removes it): its owner or root.
     * Recorded in the state file with the tunnel's owner; on-demand then decides at once.
     */
    public TunnelStatus setOnDemand(String name, dev.wgdesk.app.ipc.OnDemandRule rule, ClientIdentity who)
            throws IpcException {
        lock.lock();
        try {
            requireExists(name);
            requireManage(name, who, "change on-demand of");
            persist(() -> state.setOnDemand(name, rule));
            log.info(name, "On-demand set to " + rule.describe() + " by " + describe(who));
        } finally {
            lock.unlock();
        }
        onDemand.rulesChanged();
        return status(name);
    }

    /* ====================== start-up, monitor, shutdown ====================== */

    /**
     * Cleans up after a crash (stale journals: interfaces, rules, DNS), then activates the tunnels
     * that were active and those marked autostart, and starts the monitor. Failures are logged
     * and pushed as error events, never thrown.
     */
    public void startup() {
        activations.startup();
        onDemand.start();
    }

    /** One monitor pass: reports new handshakes, and tunnels whose interface died. */
    void checkOnce() {
        activations.checkOnce();
    }

    /** Brings every tunnel down, keeping them recorded as active for the next start. */
    @Override
    public void close() {
        onDemand.close();
        activations.close();
    }

    /* ====================== helpers ====================== */

    private void requireExists(String name) throws IpcException {
        requireExists(store, name);
    }

    static void requireExists(ConfigStore store, String name) throws IpcException {
        if (!storeCall(() -> store.exists(name))) {
            throw new IpcException(ErrorCode.NOT_FOUND, "no tunnel named " + name + " (see: wgdesk list)");
        }
    }

    interface StoreCall<T> {
        T call() throws StoreException;
    }

    interface StoreRun {
        void run() throws StoreException;
    }

    interface IoRun {
        void run() throws IOException;
    }

    static <T> T storeCall(StoreCall<T> c) throws IpcException {
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

    static void persistQuietly(HelperLog log, String name, IoRun r) {
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
