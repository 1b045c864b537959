package dev.wgdesk.app.ui.tray;

/**
 * A tray icon with its menu, however the desktop provides it: {@link AwtTray} (Windows, macOS,
 * XEmbed trays) or {@link dev.wgdesk.app.ui.tray.sni.SniTray} (StatusNotifierItem over D-Bus).
 * {@link Trays#install} picks one.
 */
public interface Tray {
    /** Shows {@code model}: icon, tooltip and menu. May be called from any thread. */
    void show(TrayMenuModel model);

    /** Removes the icon. The tray cannot be shown again. */
    void remove();

    /** What kind of tray this is, for messages and logs ("StatusNotifierItem", "system tray"). */
    String kind();
}
