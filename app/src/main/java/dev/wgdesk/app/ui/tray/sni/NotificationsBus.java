package dev.wgdesk.app.ui.tray.sni;

import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * The {@code org.freedesktop.Notifications} D-Bus interface (Desktop Notifications
 * Specification 1.2): how a Linux app shows a notification bubble.
 */
@DBusInterfaceName("org.freedesktop.Notifications")
public interface NotificationsBus extends DBusInterface {
    /** Well-known bus name of the notification server. */
    String BUS_NAME = "org.freedesktop.Notifications";
    /** Object path of the notification server. */
    String PATH = "/org/freedesktop/Notifications";

    /**
     * Shows a notification: {@code Notify(s app_name, u replaces_id, s app_icon, s summary,
     * s body, as actions, a{sv} hints, i expire_timeout) -> u id}.
     */
    UInt32 Notify(String appName, UInt32 replacesId, String appIcon, String summary, String body, List<String> actions,
                  Map<String, Variant<?>> hints, int expireTimeout);
}
