package dev.wgdesk.app.ui.tray.sni;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/**
 * The {@code org.kde.StatusNotifierWatcher} D-Bus interface: the desktop's registry of tray items
 * (run by KDE Plasma, the GNOME AppIndicator extension, waybar, xfce's SNI plugin...). Its
 * property {@code IsStatusNotifierHostRegistered} says whether anything will draw the items.
 */
@DBusInterfaceName("org.kde.StatusNotifierWatcher")
public interface StatusNotifierWatcherBus extends DBusInterface {
    /** Well-known bus name of the watcher. */
    String BUS_NAME = "org.kde.StatusNotifierWatcher";
    /** Object path of the watcher. */
    String PATH = "/StatusNotifierWatcher";

    /** Registers an item by its bus name (or, for some hosts, its object path). */
    void RegisterStatusNotifierItem(String service);
}
