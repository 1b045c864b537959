package dev.wgdesk.app.ui.gateway;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ipc.SystemTunnel;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@link HelperGateway} over the helper's real IPC client ({@link IpcClient}). One connection
 * at a time; {@link #connect()} opens a new one after the old one broke. Thread-safe.
 */
public final class IpcHelperGateway implements HelperGateway {
    private final Path socket;
    private volatile Listener listener = new Listener() {
        @Override
        public void onEvent(IpcEvent event) { }

        @Override
        public void onDisconnected(IpcException why) { }
    };
    private IpcClient client; // guarded by this

    /** A gateway to the helper listening on {@code socket} (not connected yet). */
    public IpcHelperGateway(Path socket) {
        this.socket = Objects.requireNonNull(socket, "socket");
    }

    @Override
    public synchronized void connect() throws IpcException {
        if (client != null && client.isConnected()) {
            return;
        }
        IpcClient c = IpcClient.connect(socket);
        try {
            c.onDisconnect(why -> listener.onDisconnected(why));
            c.subscribe(e -> listener.onEvent(e));
        } catch (IpcException e) {
            c.close();
            throw e;
        }
        client = c;
    }

    @Override
    public synchronized boolean isConnected() {
        return client != null && client.isConnected();
    }

    @Override
    public String address() {
        return socket.toString();
    }

    @Override
    public void setListener(Listener l) {
        this.listener = Objects.requireNonNull(l, "listener");
    }

    private synchronized IpcClient client() throws IpcException {
        if (client == null || !client.isConnected()) {
            throw new IpcException(ErrorCode.DISCONNECTED, IpcClient.unreachableMessage(socket));
        }
        return client;
    }

    @Override
    public List<TunnelInfo> list() throws IpcException {
        return client().list();
    }

    @Override
    public String getConfig(String name) throws IpcException {
        return client().getConfig(name);
    }

    @Override
    public TunnelInfo save(String name, String config) throws IpcException {
        return client().save(name, config);
    }

    @Override
    public TunnelInfo importConfig(String name, String config) throws IpcException {
        return client().importConfig(name, config);
    }

    @Override
    public List<SystemTunnel> systemTunnels() throws IpcException {
        return client().systemTunnels();
    }

    @Override
    public TunnelInfo importSystem(String path, String name) throws IpcException {
        return client().importSystem(path, name);
    }

    @Override
    public void delete(String name) throws IpcException {
        client().delete(name);
    }

    @Override
    public TunnelInfo rename(String name, String newName) throws IpcException {
        return client().rename(name, newName);
    }

    @Override
    public TunnelInfo setAutostart(String name, boolean enabled) throws IpcException {
        return client().setAutostart(name, enabled);
    }

    @Override
    public TunnelStatus setOnDemand(String name, dev.wgdesk.app.ipc.OnDemandRule rule) throws IpcException {
        return client().setOnDemand(name, rule);
    }

    @Override
    public TunnelInfo setShared(String name, boolean shared) throws IpcException {
        return client().setShared(name, shared);
    }

    @Override
    public TunnelStatus activate(String name) throws IpcException {
        return client().activate(name);
    }

    @Override
    public TunnelStatus deactivate(String name) throws IpcException {
        return client().deactivate(name);
    }

    @Override
    public List<TunnelStatus> status() throws IpcException {
        return client().status();
    }

    @Override
    public List<LogEntry> logTail(int lines) throws IpcException {
        return client().logTail(lines);
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
