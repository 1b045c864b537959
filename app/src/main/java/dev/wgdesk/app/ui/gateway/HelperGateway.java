package dev.wgdesk.app.ui.gateway;

import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ipc.SystemTunnel;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelStatus;
import java.util.List;

/**
 * Everything the tray app asks of the privileged helper, and nothing more. The real
 * implementation, {@link IpcHelperGateway}, speaks the helper's IPC protocol
 * ({@code docs/ipc.md}); {@link FakeHelperGateway} keeps tunnels in memory for tests and the
 * screenshot script.
 *
 * <p>Every method blocks until the helper answers, so callers run them on a background executor,
 * never on the UI thread. Failures are {@link IpcException}s with the protocol's error codes.
 * Implementations are thread-safe.
 */
public interface HelperGateway extends AutoCloseable {

    /** Receives what the helper pushes. Called on the gateway's own thread, never the UI thread. */
    interface Listener {
        /** A pushed event (state change, handshake, error, log line). */
        void onEvent(IpcEvent event);

        /** The connection broke; {@link #connect()} may be tried again. */
        void onDisconnected(IpcException why);
    }

    /**
     * Connects (or reconnects) and subscribes to events, which go to the listener set with
     * {@link #setListener}. A no-op when already connected.
     *
     * @throws IpcException {@code UNREACHABLE} when no helper runs, {@code NOT_AUTHORISED} when
     *                      the user may not use it
     */
    void connect() throws IpcException;

    /** True while connected. */
    boolean isConnected();

    /** Where the helper is expected, for messages such as "no helper at /run/wgdesk/helper.sock". */
    String address();

    /** Sets the one listener for events and disconnection. */
    void setListener(Listener listener);

    /** Every stored tunnel, sorted by name. */
    List<TunnelInfo> list() throws IpcException;

    /** The stored wg-quick text of a tunnel. It holds the private key: never log it. */
    String getConfig(String name) throws IpcException;

    /** Creates a tunnel or replaces its configuration. */
    TunnelInfo save(String name, String config) throws IpcException;

    /** Creates a tunnel; {@code ALREADY_EXISTS} if the name is taken. */
    TunnelInfo importConfig(String name, String config) throws IpcException;

    /** Deletes a tunnel, deactivating it first. */
    void delete(String name) throws IpcException;

    /** Renames an inactive tunnel. */
    TunnelInfo rename(String name, String newName) throws IpcException;

    /** Sets whether the helper activates the tunnel when it starts (at boot, before anyone logs in). */
    TunnelInfo setAutostart(String name, boolean enabled) throws IpcException;

    /**
     * Sets whether other users of this computer may activate and deactivate the tunnel ("Let
     * other users of this computer use this tunnel"); only its owner and root may.
     */
    TunnelInfo setShared(String name, boolean shared) throws IpcException;

    /**
     * Sets the tunnel's on-demand rule ({@link dev.wgdesk.app.ipc.OnDemandRule#OFF} removes it;
     * only its owner and root may); answers its status.
     */
    TunnelStatus setOnDemand(String name, dev.wgdesk.app.ipc.OnDemandRule rule) throws IpcException;

    /** Activates a tunnel. */
    TunnelStatus activate(String name) throws IpcException;

    /** Deactivates a tunnel. */
    TunnelStatus deactivate(String name) throws IpcException;

    /** The runtime status of every tunnel. */
    List<TunnelStatus> status() throws IpcException;

    /** The last {@code lines} lines of the helper's log, oldest first. */
    List<LogEntry> logTail(int lines) throws IpcException;

    /**
     * The WireGuard tunnels already on the computer (wg-quick's /etc/wireguard, NetworkManager's
     * system connections), with previews that hold no key.
     */
    List<SystemTunnel> systemTunnels() throws IpcException;

    /**
     * Copies the system tunnel at {@code path} into the helper's store as {@code name}; the
     * original stays as it is. Root only ({@code NOT_PERMITTED} otherwise).
     */
    TunnelInfo importSystem(String path, String name) throws IpcException;

    /** Disconnects; the tunnels keep running in the helper. */
    @Override
    void close();
}
