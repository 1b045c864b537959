package dev.wgdesk.app.ui.tray;

import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.vm.Connection;
import dev.wgdesk.app.ui.vm.NaturalOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The tray menu as data, built from the tunnel list and the connection, so that it can be tested
 * without a tray and drawn by any tray implementation:
 * <pre>
 *   Status: 1 tunnel active          (disabled)
 *   ─────────
 *   ✓ home                           (one entry per tunnel; a "Tunnels" submenu past 10)
 *     office
 *   ─────────
 *   Manage tunnels…
 *   Import tunnel(s) from file…
 *   Import from this computer…
 *   ─────────
 *   Quit
 * </pre>
 * Immutable.
 *
 * @param status  the first, disabled line
 * @param icon    which icon the tray shows
 * @param inline  tunnel entries shown directly in the menu (empty when they are in the submenu)
 * @param submenu tunnel entries shown in the "Tunnels" submenu (empty with {@value #MAX_INLINE} or fewer)
 * @param tunnelsEnabled whether clicking a tunnel does anything (not while the helper is away)
 */
public record TrayMenuModel(String status, IconState icon, List<Entry> inline, List<Entry> submenu,
                            boolean tunnelsEnabled) {
    /** More tunnels than this go into a submenu. */
    public static final int MAX_INLINE = 10;

    /** The three looks of the tray icon, plus one for "no helper". */
    public enum IconState {
        /** No tunnel is up. */
        INACTIVE,
        /** A tunnel is being activated or deactivated. */
        ACTIVATING,
        /** At least one tunnel is active. */
        ACTIVE,
        /** The helper cannot be reached. */
        DISCONNECTED
    }

    /**
     * One tunnel entry.
     *
     * @param name    the tunnel
     * @param checked true when the tunnel is up (or on its way up)
     * @param busy    true while it is activating or deactivating
     */
    public record Entry(String name, boolean checked, boolean busy) {
    }

    /** A tunnel as the tray sees it. */
    public record Tunnel(String name, TunnelState state) {
        /** Checks the fields. */
        public Tunnel {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
        }
    }

    /** Copies the lists. */
    public TrayMenuModel {
        inline = List.copyOf(inline);
        submenu = List.copyOf(submenu);
    }

    /** Builds the menu for these tunnels (any order) and connection. */
    public static TrayMenuModel build(List<Tunnel> tunnels, Connection connection) {
        List<Tunnel> sorted = new ArrayList<>(tunnels);
        sorted.sort(Comparator.comparing(Tunnel::name, NaturalOrder.INSTANCE));
        List<Entry> entries = sorted.stream()
                .map(t -> new Entry(t.name(),
                        t.state() == TunnelState.ACTIVE || t.state() == TunnelState.ACTIVATING,
                        t.state() == TunnelState.ACTIVATING || t.state() == TunnelState.DEACTIVATING))
                .toList();
        long active = sorted.stream().filter(t -> t.state() == TunnelState.ACTIVE).count();
        boolean moving = sorted.stream().anyMatch(t -> t.state() == TunnelState.ACTIVATING
                || t.state() == TunnelState.DEACTIVATING);
        IconState icon;
        String status;
        if (connection != Connection.CONNECTED) {
            icon = IconState.DISCONNECTED;
            status = Messages.get(connection == Connection.NOT_AUTHORISED ? "tray.status.notAuthorised"
                    : connection == Connection.CONNECTING ? "tray.status.connecting" : "tray.status.unreachable");
        } else if (moving) {
            icon = IconState.ACTIVATING;
            status = Messages.get("tray.status.changing");
        } else if (active > 0) {
            icon = IconState.ACTIVE;
            status = active == 1
                    ? Messages.get("tray.status.activeOne", sorted.stream()
                            .filter(t -> t.state() == TunnelState.ACTIVE).findFirst().orElseThrow().name())
                    : Messages.get("tray.status.activeMany", active);
        } else {
            icon = IconState.INACTIVE;
            status = Messages.get("tray.status.inactive");
        }
        boolean overflow = entries.size() > MAX_INLINE;
        return new TrayMenuModel(status, icon, overflow ? List.of() : entries, overflow ? entries : List.of(),
                connection == Connection.CONNECTED);
    }

    /** Every tunnel entry, inline or in the submenu. */
    public List<Entry> entries() {
        return inline.isEmpty() ? submenu : inline;
    }

    /** The tooltip of the tray icon: "wgdesk: 1 tunnel active". */
    public String tooltip() {
        return Messages.get("tray.tooltip", status);
    }
}
