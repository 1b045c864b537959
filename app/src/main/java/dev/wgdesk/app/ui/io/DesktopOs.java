package dev.wgdesk.app.ui.io;

import java.util.Locale;

/**
 * The desktop family the app runs on, from {@code os.name}: it picks the tray, the login
 * autostart and how double-clicked files arrive. Everything that is neither macOS nor Windows
 * (Linux, the BSDs) is treated as a freedesktop.org desktop.
 */
public enum DesktopOs {
    /** Linux and other freedesktop.org desktops: XDG autostart, StatusNotifierItem tray. */
    FREEDESKTOP,
    /** macOS: LaunchAgent, menu-bar icon as a template image, open-file Apple events. */
    MACOS,
    /** Windows: the HKCU Run key, the notification-area icon, files as arguments. */
    WINDOWS;

    /** The family for an {@code os.name} value ("Mac OS X", "Windows 11", "Linux", ...). */
    public static DesktopOs of(String osName) {
        String n = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (n.startsWith("mac") || n.contains("os x") || n.contains("darwin")) {
            return MACOS;
        }
        if (n.startsWith("windows")) {
            return WINDOWS;
        }
        return FREEDESKTOP;
    }

    /** The family of this JVM's OS. */
    public static DesktopOs current() {
        return of(System.getProperty("os.name", ""));
    }
}
