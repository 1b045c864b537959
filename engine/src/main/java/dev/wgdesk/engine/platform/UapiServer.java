package dev.wgdesk.engine.platform;

import dev.wgdesk.engine.uapi.UapiTarget;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Serves the standard WireGuard userspace API (the {@code get=1}/{@code set=1} protocol of
 * {@code wg} and {@code wg-quick}) for the helper's tunnels, so that {@code wg show},
 * {@code wg showconf} and {@code wg set} work on them as on wireguard-go's interfaces: the UNIX
 * socket {@code /var/run/wireguard/IFACE.sock} on Linux and macOS ({@link UnixUapiServer}), the
 * named pipe {@code \\.\pipe\ProtectedPrefix\Administrators\WireGuard\IFACE} on Windows.
 *
 * <p>{@code wg set} through it changes the running device, as on wireguard-go and
 * wireguard-windows (root/Administrators only); the helper's status comes from the device, so it
 * shows the change. The helper's stored configuration is not changed: the next activation uses it.
 */
public interface UapiServer {
    /** One interface being served. */
    interface Endpoint extends AutoCloseable {
        /** Serves nothing. */
        Endpoint NONE = new Endpoint() {
            @Override
            public String address() {
                return "(none)";
            }

            @Override
            public void close() {
            }
        };

        /** Where {@code wg} finds it (a socket path, a pipe name). */
        String address();

        /** Stops serving, closes open connections and removes the endpoint if it is still this one's. Never throws. */
        @Override
        void close();
    }

    /** The name is served by another running process (an engine, wireguard-go, another helper). */
    final class InUseException extends IOException {
        public InUseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Serves nothing (tests, and platforms without a UAPI). */
    UapiServer NONE = (name, target) -> Endpoint.NONE;

    /**
     * Starts serving {@code target} as {@code interfaceName}. A stale endpoint (left by a crashed
     * process) is replaced.
     *
     * @throws InUseException if a running process already serves that name: it is not taken over
     * @throws IOException    if the endpoint cannot be created
     */
    Endpoint serve(String interfaceName, UapiTarget target) throws IOException;

    /**
     * Removes what a crashed helper left for {@code interfaceName} (a stale socket); what a
     * running process serves is left alone. Returns what was removed.
     */
    default List<String> cleanupStale(String interfaceName) {
        return List.of();
    }

    /**
     * {@link #serve}, and if that fails, a warning instead: the tunnel works without {@code wg}
     * seeing it. Users asking for a tunnel expect it to come up; the warning (shown by the app
     * and the CLI, and logged) says that {@code wg show IFACE} does not show this tunnel, and
     * why. A name served by another process is never taken over.
     *
     * @param warnings receives the warning, if any
     * @return the endpoint, or one serving nothing
     */
    default Endpoint serveOrWarn(String interfaceName, UapiTarget target, Consumer<String> warnings) {
        try {
            return serve(interfaceName, target);
        } catch (InUseException e) {
            warnings.accept("wg show " + interfaceName + " will not show this tunnel: another running program"
                    + " serves that name (" + e.getMessage() + "); it is left alone");
        } catch (IOException | RuntimeException e) {
            warnings.accept("wg show " + interfaceName + " will not show this tunnel: cannot serve its userspace API: "
                    + e.getMessage());
        }
        return Endpoint.NONE;
    }
}
