package dev.wgdesk.app.ui.tray.sni;

import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.tray.TrayActions;
import dev.wgdesk.app.ui.tray.TrayMenuModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The tray menu as a {@code com.canonical.dbusmenu} item tree: ids, properties and what a click
 * on each id does. Built from a {@link TrayMenuModel}; each build is a new {@link Revision}.
 *
 * <p>Ids are stable: the fixed entries keep theirs, and a tunnel keeps its id for as long as the
 * menu lives, so a click that was sent for an older layout still reaches the tunnel it was
 * meant for, or nothing (an id of a tunnel that is gone), never a neighbour. Thread-safe.
 */
final class SniMenu {
    /** The root item. */
    static final int ROOT = 0;
    static final int STATUS = 1;
    static final int SEPARATOR_TUNNELS = 2;
    static final int TUNNELS_SUBMENU = 3;
    static final int SEPARATOR_ACTIONS = 4;
    static final int MANAGE = 5;
    static final int IMPORT = 6;
    static final int SEPARATOR_QUIT = 7;
    static final int QUIT = 8;
    static final int IMPORT_SYSTEM = 9;
    /** Tunnel entries get ids from here on. */
    static final int FIRST_TUNNEL_ID = 100;

    /**
     * One menu item.
     *
     * @param id         its dbusmenu id
     * @param properties its dbusmenu properties (label, enabled, type, toggle-type, ...): String,
     *                   Boolean or Integer values
     * @param children   its children, in order
     * @param onClick    what a click does, or null for nothing
     */
    record Item(int id, Map<String, Object> properties, List<Item> children, Consumer<TrayActions> onClick) {
        Item {
            properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
            children = List.copyOf(children);
        }
    }

    /**
     * One layout.
     *
     * @param number the layout's revision (grows with each build)
     * @param root   the root item (id 0)
     * @param byId   every item by id
     */
    record Revision(long number, Item root, Map<Integer, Item> byId) {
        /** The item with this id, or null. */
        Item item(int id) {
            return byId.get(id);
        }
    }

    private final Map<String, Integer> tunnelIds = new HashMap<>();
    private int nextTunnelId = FIRST_TUNNEL_ID;
    private long revision;

    /** Builds the next revision for {@code model}. */
    synchronized Revision build(TrayMenuModel model) {
        Objects.requireNonNull(model, "model");
        Map<Integer, Item> byId = new HashMap<>();
        List<Item> top = new ArrayList<>();
        top.add(add(byId, standard(STATUS, model.status(), false, null)));
        if (!model.entries().isEmpty()) {
            top.add(add(byId, separator(SEPARATOR_TUNNELS)));
            List<Item> tunnels = new ArrayList<>();
            for (TrayMenuModel.Entry e : model.entries()) {
                tunnels.add(add(byId, tunnel(e, model.tunnelsEnabled())));
            }
            if (model.inline().isEmpty()) {
                Map<String, Object> p = standardProperties(Messages.get("tray.tunnels"), true);
                p.put("children-display", "submenu");
                top.add(add(byId, new Item(TUNNELS_SUBMENU, p, tunnels, null)));
            } else {
                top.addAll(tunnels);
            }
        }
        top.add(add(byId, separator(SEPARATOR_ACTIONS)));
        top.add(add(byId, standard(MANAGE, Messages.get("tray.manage"), true, TrayActions::showWindow)));
        top.add(add(byId, standard(IMPORT, Messages.get("tray.import"), true, TrayActions::importFromFile)));
        top.add(add(byId, standard(IMPORT_SYSTEM, Messages.get("tray.importSystem"), true,
                TrayActions::importFromSystem)));
        top.add(add(byId, separator(SEPARATOR_QUIT)));
        top.add(add(byId, standard(QUIT, Messages.get("tray.quit"), true, TrayActions::quit)));
        Item root = add(byId, new Item(ROOT, Map.of("children-display", "submenu"), top, null));
        return new Revision(++revision, root, Map.copyOf(byId));
    }

    private Item tunnel(TrayMenuModel.Entry e, boolean enabled) {
        int id = tunnelIds.computeIfAbsent(e.name(), n -> nextTunnelId++);
        Map<String, Object> p = standardProperties(e.name(), enabled && !e.busy());
        p.put("toggle-type", "checkmark");
        p.put("toggle-state", e.checked() ? 1 : 0);
        String name = e.name();
        return new Item(id, p, List.of(), a -> a.toggleTunnel(name));
    }

    private static Item standard(int id, String label, boolean enabled, Consumer<TrayActions> onClick) {
        return new Item(id, standardProperties(label, enabled), List.of(), onClick);
    }

    private static Map<String, Object> standardProperties(String label, boolean enabled) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "standard");
        p.put("label", mnemonicSafe(label));
        p.put("enabled", enabled);
        p.put("visible", true);
        return p;
    }

    private static Item separator(int id) {
        return new Item(id, Map.of("type", "separator", "visible", true), List.of(), null);
    }

    private static Item add(Map<Integer, Item> byId, Item item) {
        byId.put(item.id(), item);
        return item;
    }

    /**
     * A label with its underscores doubled: dbusmenu reads "_" as the mnemonic marker, so a
     * tunnel called "my_vpn" would otherwise show as "myvpn" with an underlined v.
     */
    static String mnemonicSafe(String label) {
        return label.replace("_", "__");
    }
}
