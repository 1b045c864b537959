package dev.wgdesk.app.ui.tray.sni;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;

/**
 * The {@code org.kde.StatusNotifierItem} D-Bus interface (freedesktop.org StatusNotifierItem
 * specification; KDE and the GNOME AppIndicator extension still use the {@code org.kde} names).
 * The properties (Category, Id, Title, Status, IconPixmap, ToolTip, Menu, ...) are served through
 * {@code org.freedesktop.DBus.Properties}. Method and signal names are the protocol's.
 */
@DBusInterfaceName("org.kde.StatusNotifierItem")
public interface StatusNotifierItemBus extends DBusInterface {

    /** Primary click on the icon at screen position (x, y). */
    void Activate(int x, int y);

    /** Middle click. */
    void SecondaryActivate(int x, int y);

    /** The host asks the item to show its own context menu (we publish a D-Bus menu instead). */
    void ContextMenu(int x, int y);

    /** Mouse wheel over the icon. */
    void Scroll(int delta, String orientation);

    /** The icon changed: hosts re-read IconPixmap. */
    final class NewIcon extends DBusSignal {
        /** The signal from the item at {@code path}. */
        public NewIcon(String path) throws DBusException {
            super(path);
        }
    }

    /** The tooltip changed: hosts re-read ToolTip. */
    final class NewToolTip extends DBusSignal {
        /** The signal from the item at {@code path}. */
        public NewToolTip(String path) throws DBusException {
            super(path);
        }
    }

    /** The title changed. */
    final class NewTitle extends DBusSignal {
        /** The signal from the item at {@code path}. */
        public NewTitle(String path) throws DBusException {
            super(path);
        }
    }

    /** The status (Passive, Active, NeedsAttention) changed. */
    final class NewStatus extends DBusSignal {
        /** The new status. */
        public final String status;

        /** The signal from the item at {@code path}. */
        public NewStatus(String path, String status) throws DBusException {
            super(path, status);
            this.status = status;
        }
    }
}
