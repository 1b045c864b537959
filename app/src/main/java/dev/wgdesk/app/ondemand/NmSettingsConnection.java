package dev.wgdesk.app.ondemand;

import java.util.Map;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.Variant;

/**
 * NetworkManager's {@code org.freedesktop.NetworkManager.Settings.Connection}, as far as
 * on-demand uses it: a saved connection's settings, where a Wi-Fi connection keeps its SSID
 * ({@code 802-11-wireless.ssid}, bytes). Public for dbus-java's proxies.
 */
@DBusInterfaceName("org.freedesktop.NetworkManager.Settings.Connection")
public interface NmSettingsConnection extends DBusInterface {
    /** {@code GetSettings() -> a{sa{sv}}}: the settings by group; secrets are never included. */
    Map<String, Map<String, Variant<?>>> GetSettings();
}
