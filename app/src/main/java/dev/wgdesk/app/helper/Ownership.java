package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.UserDirectory;
import java.util.Collection;
import java.util.Objects;

/**
 * Who may do what with a tunnel, from its {@link StateStore.Meta}: the owner and administrators
 * (root) manage it (read its keys, replace, rename, remove it, change its autostart and sharing);
 * anyone allowed on the helper uses it (activates and deactivates it) when it is shared. Hooks run
 * only from configurations an administrator wrote last. Decisions compare
 * {@link ClientIdentity#id()}s and {@link ClientIdentity#administrator()}; names only go into
 * messages. Thread-safe (stateless apart from the directory).
 */
final class Ownership {
    /** Most tunnels one non-administrator user may own. */
    static final int MAX_TUNNELS_PER_USER = TunnelManager.MAX_TUNNELS_PER_USER;

    private final UserDirectory users;

    Ownership(UserDirectory users) {
        this.users = Objects.requireNonNull(users, "users");
    }

    /** True when {@code who} is the owner or an administrator. */
    static boolean mayManage(StateStore.Meta m, ClientIdentity who) {
        return who.administrator() || m.owner().equals(who.id());
    }

    /** True when {@code who} may activate and deactivate the tunnel. */
    static boolean mayUse(StateStore.Meta m, ClientIdentity who) {
        return mayManage(m, who) || m.shared();
    }

    /** An id's name for messages (the id when it has none). */
    String userName(String id) {
        if (id.equals(StateStore.Meta.ROOT)) {
            return "root";
        }
        return users.nameOf(id).orElse(id);
    }

    /** {@code who} for the log: "root", or its name and id. */
    static String describe(ClientIdentity who) {
        return who.administrator() && who.id().equals(StateStore.Meta.ROOT) ? "root"
                : who.name() + " (" + idLabel(who.id()) + ")";
    }

    /** "uid 1000" for a decimal id, the id alone otherwise (a SID). */
    static String idLabel(String id) {
        return !id.isEmpty() && id.chars().allMatch(Character::isDigit) ? "uid " + id : id;
    }

    /** Throws unless {@code who} is the owner or an administrator. */
    void requireManage(String name, StateStore.Meta m, ClientIdentity who, String action) throws IpcException {
        if (!mayManage(m, who)) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "cannot " + action + " " + name + ": it belongs to "
                    + userName(m.owner()) + "; only its owner and root may do that");
        }
    }

    /** Throws unless {@code who} may activate or deactivate the tunnel. */
    void requireUse(String name, StateStore.Meta m, ClientIdentity who, String action) throws IpcException {
        if (!mayUse(m, who)) {
            throw new IpcException(ErrorCode.NOT_PERMITTED, "cannot " + action + " " + name + ": it belongs to "
                    + userName(m.owner()) + ", who has not shared it (only its owner can: wgdesk share " + name + " on)");
        }
    }

    /** The end of the refusal when {@code who} may not stop an overlapping tunnel of {@code m}, or null. */
    String overlapRefusal(StateStore.Meta m, ClientIdentity who) {
        if (mayUse(m, who)) {
            return null;
        }
        return ", which belongs to " + userName(m.owner()) + " and is not shared, so you may not stop it";
    }

    /**
     * Throws when a non-administrator {@code who} already owns {@link #MAX_TUNNELS_PER_USER}
     * tunnels among {@code owners}.
     */
    static void requireRoomFor(Collection<StateStore.Meta> owners, ClientIdentity who) throws IpcException {
        if (who.administrator()) {
            return;
        }
        long mine = owners.stream().filter(m -> m.owner().equals(who.id())).count();
        if (mine >= MAX_TUNNELS_PER_USER) {
            throw new IpcException(ErrorCode.LIMIT_REACHED, "you own " + mine + " tunnels, the most one user may have ("
                    + MAX_TUNNELS_PER_USER + "); remove one first");
        }
    }

    /** True when the configuration's hooks may run: an administrator wrote it last. */
    static boolean hooksTrusted(StateStore.Meta m) {
        return m.writtenByRoot();
    }

    /** Why a configuration's {@code count} hook commands are stored but not run. */
    String hooksNotice(String writer, int count) {
        String who = writer.equals(StateStore.Meta.UNKNOWN_WRITER)
                ? "this configuration was stored before wgdesk recorded who wrote it"
                : userName(writer) + " (" + idLabel(writer) + "), not root, imported or last edited this configuration";
        return "PreUp/PostUp/PreDown/PostDown stored but not run (" + count + " command(s)): " + who
                + ". Hooks run as root, so they run only from configurations root wrote; root can save it again to allow them";
    }
}
