package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.IpcProtocol;
import dev.wgdesk.app.ipc.IpcServer;
import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.IpcTransport;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UserDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

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
     * @param socket     the IPC endpoint ({@code /run/wgdesk/helper.sock}; a pipe name on Windows)
     * @param stateDir   the state directory ({@link HelperPlatform#stateDirectory()}: {@code /var/lib/wgdesk} on Linux)
     * @param policyFile the administrator's policy ({@link HelperPlatform#policyFile()}: {@code /etc/wgdesk/helper.conf} on Linux)
     * @param maxClients   connections served at once
     * @param defaultGroup the group allowed when the policy names none ({@link HelperPlatform#defaultGroup()}:
     *                     {@code wgdesk}, {@code wgdesk-users} on Windows)
     */
    public record Options(Path socket, Path stateDir, Path policyFile, int maxClients, String defaultGroup) {
        /** The state directory when no platform is on the class path: Linux's. */
        public static final Path FALLBACK_STATE_DIR = Path.of("/var/lib/wgdesk");

        public Options {
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(policyFile, "policyFile");
            Objects.requireNonNull(defaultGroup, "defaultGroup");
        }

        /** Options with the running OS's default group ({@link HelperPolicy#defaultGroup()}). */
        public Options(Path socket, Path stateDir, Path policyFile, int maxClients) {
            this(socket, stateDir, policyFile, maxClients, HelperPolicy.defaultGroup());
        }

        /** The defaults of the running OS's platform; Linux's without one. */
        public static Options defaults() {
            return defaults(HelperPlatform.current());
        }

        /** The defaults of {@code platform}; without one, Linux's (socket, state directory, policy file, group). */
        public static Options defaults(Optional<HelperPlatform> platform) {
            return platform.map(Options::defaults).orElseGet(() -> new Options(IpcProtocol.DEFAULT_SOCKET,
                    FALLBACK_STATE_DIR, HelperPolicy.FALLBACK_FILE, IpcProtocol.DEFAULT_MAX_CLIENTS,
                    HelperPolicy.FALLBACK_GROUP));
        }

        /** The defaults of {@code platform}. */
        public static Options defaults(HelperPlatform platform) {
            return new Options(Path.of(platform.ipcTransport().defaultAddress()), platform.stateDirectory(),
                    platform.policyFile(), IpcProtocol.DEFAULT_MAX_CLIENTS, platform.defaultGroup());
        }
    }

    private final IpcServer server;
    private final TunnelManager tunnels;
    private final Exclusions exclusions;
    private final HelperLog log;

    private Helper(IpcServer server, TunnelManager tunnels, Exclusions exclusions, HelperLog log) {
        this.server = server;
        this.tunnels = tunnels;
        this.exclusions = exclusions;
        this.log = log;
    }

    /**
     * As {@link #start(Options, TunnelBackend, IpcTransport, UserDirectory, IpcServer.Authorizer, HelperLog)}
     * with the IPC transport and user directory of the running OS's {@link HelperPlatform}.
     *
     * @throws IOException also when no platform for this OS is on the class path
     */
    public static Helper start(Options options, TunnelBackend backend, IpcServer.Authorizer authorizer, HelperLog log)
            throws IOException {
        HelperPlatform platform = HelperPlatform.current().orElseThrow(() -> new IOException(
                "no platform support for " + System.getProperty("os.name") + " on the class path"));
        return start(options, backend, platform.ipcTransport(), platform.userDirectory(), authorizer, log);
    }

    /** {@link #start(Options, TunnelBackend, IpcServer.Authorizer, HelperLog)} looking for system tunnels in {@code system}. */
    static Helper start(Options options, TunnelBackend backend, IpcServer.Authorizer authorizer, HelperLog log,
                        SystemTunnels system) throws IOException {
        HelperPlatform platform = HelperPlatform.current().orElseThrow(() -> new IOException(
                "no platform support for " + System.getProperty("os.name") + " on the class path"));
        return start(options, backend, platform.ipcTransport(), platform.userDirectory(), authorizer, log, system);
    }

    /**
     * Opens the store, cleans up after any crash, restores the tunnels that were active, then
     * starts serving on the IPC endpoint (so no request is served before clean-up and restore end).
     *
     * @param transport  the OS's IPC transport; {@code options.socket()} is its address
     * @param users      user look-ups (owners' names in messages)
     * @param authorizer who may connect (normally a {@link PeerAuthorizer})
     * @throws IOException if the store cannot be opened or the endpoint cannot be created
     */
    public static Helper start(Options options, TunnelBackend backend, IpcTransport transport, UserDirectory users,
                               IpcServer.Authorizer authorizer, HelperLog log) throws IOException {
        return start(options, backend, transport, users, authorizer, log, SystemTunnels.onThisComputer());
    }

    static Helper start(Options options, TunnelBackend backend, IpcTransport transport, UserDirectory users,
                        IpcServer.Authorizer authorizer, HelperLog log, SystemTunnels system) throws IOException {
        HelperPolicy policy = HelperPolicy.load(options.policyFile(), options.defaultGroup());
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
                }, users);
        tunnels.setActivationGuard(system::refuseActivation); // before startup(): restores are guarded too
        Exclusions exclusions = new Exclusions(backend.appExclusion(), Path.of("/proc"), log);
        exclusions.start(); // before restoring tunnels: their activations keep its rules ahead
        HelperService service = new HelperService(store, tunnels, log, system, exclusions);
        IpcServer server = new IpcServer(transport, options.socket().toString(), new IpcTransport.Access(policy.group()),
                authorizer, service, SERVER_NAME, options.maxClients());
        serverRef[0] = server;
        log.setEventSink(server::publish);
        tunnels.migrateOwners();
        // Crash clean-up and restore finish before anyone can send a request.
        tunnels.startup();
        try {
            log.info(null, server.start());
        } catch (IOException | RuntimeException e) {
            tunnels.close();
            exclusions.close();
            throw e;
        }
        log.info(null, SERVER_NAME + " started; state in " + options.stateDir() + "; scripts "
                + (policy.allowScripts() ? "allowed (only from configurations root wrote)" : "disabled by policy"));
        return new Helper(server, tunnels, exclusions, log);
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
        exclusions.close();
    }
}
