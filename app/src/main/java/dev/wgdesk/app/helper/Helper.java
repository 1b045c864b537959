package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.IpcProtocol;
import dev.wgdesk.app.ipc.IpcServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The assembled helper daemon: configuration store, state, tunnel manager and IPC server. Start
 * it with {@link #start}; {@link #close()} stops serving and brings tunnels down (keeping them
 * recorded as active, so the next start restores them).
 */
public final class Helper implements AutoCloseable {
    /** The helper's name and version, sent in the IPC greeting. */
    public static final String SERVER_NAME = "wgdesk-helper/" + Version.version();

    /**
     * Where the helper keeps things.
     *
     * @param socket     the IPC socket ({@code /run/wgdesk/helper.sock})
     * @param stateDir   the state directory ({@code /var/lib/wgdesk})
     * @param policyFile the administrator's policy ({@code /etc/wgdesk/helper.conf})
     * @param maxClients connections served at once
     */
    public record Options(Path socket, Path stateDir, Path policyFile, int maxClients) {
        public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/wgdesk");

        public Options {
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(policyFile, "policyFile");
        }

        /** The defaults. */
        public static Options defaults() {
            return new Options(IpcProtocol.DEFAULT_SOCKET, DEFAULT_STATE_DIR, HelperPolicy.DEFAULT_FILE,
                    IpcProtocol.DEFAULT_MAX_CLIENTS);
        }
    }

    private final IpcServer server;
    private final TunnelManager tunnels;
    private final HelperLog log;

    private Helper(IpcServer server, TunnelManager tunnels, HelperLog log) {
        this.server = server;
        this.tunnels = tunnels;
        this.log = log;
    }

    /**
     * Opens the store, cleans up after any crash, restores the tunnels that were active, then
     * starts serving on the socket (so no request is served before clean-up and restore end).
     *
     * @param authorizer who may connect (normally a {@link PeerAuthorizer})
     * @throws IOException if the store cannot be opened or the socket cannot be created
     */
    public static Helper start(Options options, TunnelBackend backend, IpcServer.Authorizer authorizer, HelperLog log)
            throws IOException {
        return start(options, backend, authorizer, log, SystemTunnels.onThisComputer());
    }

    /** {@link #start(Options, TunnelBackend, IpcServer.Authorizer, HelperLog)} looking for system tunnels in {@code system}. */
    static Helper start(Options options, TunnelBackend backend, IpcServer.Authorizer authorizer, HelperLog log,
                        SystemTunnels system) throws IOException {
        HelperPolicy policy = HelperPolicy.load(options.policyFile());
        for (String w : policy.warnings()) {
            log.warning(null, w);
        }
        ConfigStore store = ConfigStore.open(options.stateDir());
        StateStore state = StateStore.open(options.stateDir());
        RuntimeJournal journal = RuntimeJournal.open(options.stateDir());
        IpcServer[] serverRef = new IpcServer[1];
        TunnelManager tunnels = new TunnelManager(store, state, journal, backend, policy, log,
                e -> {
                    IpcServer s = serverRef[0];
                    if (s != null) {
                        s.publish(e);
                    }
                });
        tunnels.setActivationGuard(system::refuseActivation);
        HelperService service = new HelperService(store, tunnels, log, system);
        IpcServer server = new IpcServer(options.socket(), authorizer, service, SERVER_NAME, options.maxClients());
        serverRef[0] = server;
        log.setEventSink(server::publish);
        tunnels.migrateOwners();
        // Crash clean-up and restore finish before anyone can send a request.
        tunnels.startup();
        try {
            server.start(sock -> log.info(null, SocketPermissions.apply(sock, policy.group())));
        } catch (IOException | RuntimeException e) {
            tunnels.close();
            throw e;
        }
        log.info(null, SERVER_NAME + " started; state in " + options.stateDir() + "; scripts "
                + (policy.allowScripts() ? "allowed (only from configurations root wrote)" : "disabled by policy"));
        return new Helper(server, tunnels, log);
    }

    /** The IPC server (for tests). */
    IpcServer server() {
        return server;
    }

    /** The tunnel manager (for tests). */
    TunnelManager tunnels() {
        return tunnels;
    }

    @Override
    public void close() {
        log.info(null, "Stopping");
        server.close();
        tunnels.close();
    }
}
