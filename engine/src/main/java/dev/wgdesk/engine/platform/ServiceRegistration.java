package dev.wgdesk.engine.platform;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How the helper becomes and runs as the OS's privileged service: a systemd unit on Linux (the
 * package installs it), a launchd LaunchDaemon on macOS, a Windows service registered with the
 * service control manager ({@code wgdesk-helper.exe --install-service}).
 */
public interface ServiceRegistration {
    /** What the helper's body does when the service manager drives it. */
    interface Body {
        /** Starts serving; returns once ready (the service is then reported running). */
        void start() throws Exception;

        /** Stops; returns once stopped. */
        void stop();

        /** The machine resumed from sleep: start new handshakes at once. */
        default void resumed() {}
    }

    /** The service's name ({@code wgdesk-helper.service}, {@code dev.wgdesk.helper}, {@code wgdesk-helper}). */
    String serviceName();

    /**
     * The command an administrator runs to start the service, for messages when the helper does
     * not answer ({@code systemctl start wgdesk-helper}).
     */
    default String howToStart() {
        return "start the service " + serviceName();
    }

    /**
     * Registers the service to start at boot and restart on failure.
     *
     * @param executable the helper's launcher
     * @throws UnsupportedOperationException where the package manager registers it (Linux)
     */
    void install(Path executable) throws IOException;

    /** Stops and removes the service; not an error when it is absent. */
    void uninstall() throws IOException;

    /** Whether the service is registered, as the service manager says. */
    boolean isInstalled() throws IOException;

    /**
     * Runs {@code body} under the service manager: on Windows hands the thread to the service
     * dispatcher at once and maps stop, shutdown and power events to {@code body}; elsewhere starts
     * it, tells the manager it is ready where it asks to be told, and returns when it is stopped by
     * a signal. Blocks until the service stops.
     */
    void run(Body body) throws Exception;
}
