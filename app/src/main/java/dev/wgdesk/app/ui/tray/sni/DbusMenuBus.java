package dev.wgdesk.app.ui.tray.sni;

import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * The {@code com.canonical.dbusmenu} D-Bus interface (version 3), through which a
 * StatusNotifierItem publishes its menu: the host asks for the layout, draws it, and sends
 * {@code Event(id, "clicked", ...)} back. Method, signal and struct shapes follow the protocol.
 */
@DBusInterfaceName("com.canonical.dbusmenu")
public interface DbusMenuBus extends DBusInterface {

    /** {@code GetLayout(i parentId, i recursionDepth, as propertyNames) -> (u revision, (ia{sv}av) layout)}. */
    Pair<UInt32, Layout> GetLayout(int parentId, int recursionDepth, List<String> propertyNames);

    /** {@code GetGroupProperties(ai ids, as propertyNames) -> a(ia{sv})}. */
    List<ItemProperties> GetGroupProperties(List<Integer> ids, List<String> propertyNames);

    /** {@code GetProperty(i id, s name) -> v}. */
    Variant<?> GetProperty(int id, String name);

    /** {@code Event(i id, s eventId, v data, u timestamp)}: "clicked", "hovered", "opened", "closed". */
    void Event(int id, String eventId, Variant<?> data, UInt32 timestamp);

    /** {@code EventGroup(a(isvu) events) -> ai idErrors}. */
    List<Integer> EventGroup(List<MenuEvent> events);

    /** {@code AboutToShow(i id) -> b needUpdate}. */
    boolean AboutToShow(int id);

    /** {@code AboutToShowGroup(ai ids) -> (ai updatesNeeded, ai idErrors)}. */
    Pair<List<Integer>, List<Integer>> AboutToShowGroup(List<Integer> ids);

    /** A two-value reply. */
    final class Pair<A, B> extends Tuple {
        /** The first value. */
        @Position(0)
        public final A first;
        /** The second value. */
        @Position(1)
        public final B second;

        /** A pair. */
        public Pair(A first, B second) {
            this.first = first;
            this.second = second;
        }
    }

    /** {@code (ia{sv}av)}: an item, its properties, and its children as variants of the same shape. */
    final class Layout extends Struct {
        /** The item's id (0 is the root). */
        @Position(0)
        public final int id;
        /** Its properties. */
        @Position(1)
        public final Map<String, Variant<?>> properties;
        /** Its children, each a variant holding a {@code Layout}. */
        @Position(2)
        public final List<Variant<?>> children;

        /** A layout node. */
        public Layout(int id, Map<String, Variant<?>> properties, List<Variant<?>> children) {
            this.id = id;
            this.properties = properties;
            this.children = children;
        }
    }

    /** {@code (ia{sv})}: an item's properties. */
    final class ItemProperties extends Struct {
        /** The item's id. */
        @Position(0)
        public final int id;
        /** Its properties. */
        @Position(1)
        public final Map<String, Variant<?>> properties;

        /** Properties of one item. */
        public ItemProperties(int id, Map<String, Variant<?>> properties) {
            this.id = id;
            this.properties = properties;
        }
    }

    /** {@code (ias)}: names of properties an item no longer has. */
    final class RemovedProperties extends Struct {
        /** The item's id. */
        @Position(0)
        public final int id;
        /** The removed property names. */
        @Position(1)
        public final List<String> names;

        /** Removed properties of one item. */
        public RemovedProperties(int id, List<String> names) {
            this.id = id;
            this.names = names;
        }
    }

    /** {@code (isvu)}: one event of an {@code EventGroup}. */
    final class MenuEvent extends Struct {
        /** The item's id. */
        @Position(0)
        public final int id;
        /** "clicked", "hovered", ... */
        @Position(1)
        public final String eventId;
        /** Event data (unused). */
        @Position(2)
        public final Variant<?> data;
        /** The X server timestamp of the event. */
        @Position(3)
        public final UInt32 timestamp;

        /** One event. */
        public MenuEvent(int id, String eventId, Variant<?> data, UInt32 timestamp) {
            this.id = id;
            this.eventId = eventId;
            this.data = data;
            this.timestamp = timestamp;
        }
    }

    /** The layout changed under {@code parent} (0: everything); hosts call GetLayout again. */
    final class LayoutUpdated extends DBusSignal {
        /** The new revision. */
        public final UInt32 revision;
        /** The item whose subtree changed. */
        public final int parent;

        /** The signal from the menu at {@code path}. */
        public LayoutUpdated(String path, UInt32 revision, int parent) throws DBusException {
            super(path, revision, parent);
            this.revision = revision;
            this.parent = parent;
        }
    }

    /** Items' properties changed without a layout change. */
    final class ItemsPropertiesUpdated extends DBusSignal {
        /** The changed properties. */
        public final List<ItemProperties> updated;
        /** The removed properties. */
        public final List<RemovedProperties> removed;

        /** The signal from the menu at {@code path}. */
        public ItemsPropertiesUpdated(String path, List<ItemProperties> updated, List<RemovedProperties> removed)
                throws DBusException {
            super(path, updated, removed);
            this.updated = updated;
            this.removed = removed;
        }
    }
}
