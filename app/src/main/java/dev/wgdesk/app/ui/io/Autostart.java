package dev.wgdesk.app.ui.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * "Start wgdesk at login" for the user running the app, however the OS does it:
 * {@link XdgAutostart} (freedesktop.org autostart entries), {@link MacLaunchAgentAutostart} (a
 * per-user LaunchAgent) or {@link WindowsRunKeyAutostart} (the HKCU Run key). Each starts the
 * app's launcher with {@code tray}, which shows only the tray icon. Implementations do blocking
 * file or process work: call them off the UI thread.
 */
public interface Autostart {
    /** Whether wgdesk starts at login. */
    enum State {
        /** It starts at login. */
        ENABLED,
        /** It does not. */
        DISABLED,
        /** This system or installation cannot say (no launcher to run, not a supported desktop). */
        UNSUPPORTED
    }

    /** Whether wgdesk starts at login now, read back from where the OS keeps it. */
    State state() throws IOException;

    /**
     * Turns starting at login on or off for this user.
     *
     * @throws IOException                   if the setting cannot be written
     * @throws UnsupportedOperationException when {@link #state()} is {@link State#UNSUPPORTED}
     */
    void setEnabled(boolean on) throws IOException;

    /**
     * The current user's setting for this OS ({@link DesktopOs#current()}), with the launcher
     * from {@code wgdesk.launcher} (the directory distribution's script) or
     * {@code jpackage.app-path} (the installed launcher); without either, UNSUPPORTED on macOS and
     * Windows.
     */
    static Autostart forCurrentUser() {
        String launcher = System.getProperty("wgdesk.launcher", System.getProperty("jpackage.app-path"));
        return switch (DesktopOs.current()) {
            case FREEDESKTOP -> XdgAutostart.forCurrentUser();
            case MACOS -> new MacLaunchAgentAutostart(Path.of(System.getProperty("user.home")), launcher);
            case WINDOWS -> new WindowsRunKeyAutostart(launcher, CommandRunner.processes());
        };
    }
}
