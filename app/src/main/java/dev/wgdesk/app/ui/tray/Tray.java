package dev.wgdesk.app.ui.tray;

/**
 * A tray icon with its menu, however the desktop provides it: {@link AwtTray} (Windows, macOS,
 * XEmbed trays) or {@link dev.wgdesk.app.ui.tray.sni.SniTray} (StatusNotifierItem over D-Bus).
 * {@link Trays#install} picks one.
 */
public interface Tray {
    /** Shows {@code model}: icon, tooltip and menu. May be called from any thread. */
    void show(TrayMenuModel model);

    /**
     * Tells the user something while the window is hidden: a desktop notification
     * (org.freedesktop.Notifications on Linux, the tray's balloon elsewhere). Never blocks.
     *
     * @param title a short summary
     * @param body  the details
     * @param error true for a failure (shown as urgent)
     */
    void notify(String title, String body, boolean error);

    /** Removes the icon. The tray cannot be shown again. */
    void remove();

    /** What kind of tray this is, for messages and logs ("StatusNotifierItem", "system tray"). */
    String kind();
}
