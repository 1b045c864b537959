package dev.wgdesk.app.ipc;

import java.util.Objects;

/**
 * One stored tunnel as {@code list} reports it. Immutable.
 *
 * @param name      the tunnel (and interface) name
 * @param state     its current state
 * @param autostart whether the helper activates it when it starts (at boot)
 * @param owner     the id of its owner (who imported or created it) in the OS's spelling: the uid
 *                  in decimal on Linux and macOS ({@link #ROOT_OWNER} for root), the user SID on
 *                  Windows. Sent as a JSON string; a number from an older helper reads the same.
 * @param ownerName the owner's user name (the id when it has none)
 * @param shared    whether the owner lets other members activate and deactivate it
 * @param canManage whether the asking user may read its keys, edit, rename, remove it and
 *                  change its sharing and autostart (the owner and root)
 * @param canUse    whether the asking user may activate and deactivate it (owner, root, or
 *                  anyone in the group when it is shared)
 */
public record TunnelInfo(String name, TunnelState state, boolean autostart, String owner, String ownerName,
                         boolean shared, boolean canManage, boolean canUse) {
    /** The owner of tunnels root (an administrator) owns, and of those stored before owners existed. */
    public static final String ROOT_OWNER = "0";

    public TunnelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        if (owner == null) {
            owner = ROOT_OWNER;
        }
        if (ownerName == null) {
            ownerName = owner;
        }
    }

    /** A tunnel root owns, not shared, as root (or its owner) sees it. */
    public TunnelInfo(String name, TunnelState state, boolean autostart) {
        this(name, state, autostart, ROOT_OWNER, "root", false, true, true);
    }

    /** The same tunnel in another state. */
    public TunnelInfo withState(TunnelState value) {
        return new TunnelInfo(name, value, autostart, owner, ownerName, shared, canManage, canUse);
    }
}
