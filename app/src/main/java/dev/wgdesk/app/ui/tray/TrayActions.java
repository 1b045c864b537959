package dev.wgdesk.app.ui.tray;

/** What the tray menu's items do. Called on the UI thread. */
public interface TrayActions {
    /** Activates or deactivates a tunnel (a tunnel entry was clicked). */
    void toggleTunnel(String name);

    /** Shows the main window ("Manage tunnels…", or a click on the icon). */
    void showWindow();

    /** Opens the import file chooser. */
    void importFromFile();

    /**
     * "Import from this computer…": shows the main window and the dialog listing the tunnels
     * wg-quick and NetworkManager have, as the window's menu entry of that name does.
     */
    void importFromSystem();

    /** Quits the app (tunnels keep running). */
    void quit();
}
