package dev.wgdesk.app.ui.tray;

/** What the tray menu's items do. Called on the UI thread. */
public interface TrayActions {
    /** Activates or deactivates a tunnel (a tunnel entry was clicked). */
    void toggleTunnel(String name);

    /** Shows the main window ("Manage tunnels…", or a click on the icon). */
    void showWindow();

    /** Opens the import file chooser. */
    void importFromFile();

    /** Quits the app (tunnels keep running). */
    void quit();
}
