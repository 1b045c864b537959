package dev.wgdesk.platform.windows;

import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.IpcTransport;
import dev.wgdesk.engine.platform.SecretStore;
import dev.wgdesk.engine.platform.ServiceRegistration;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UserDirectory;
import dev.wgdesk.engine.resilience.HostResolver;
import dev.wgdesk.engine.resilience.SleepDetector;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.platform.windows.ipc.AccountLookup;
import dev.wgdesk.platform.windows.ipc.ClientTokens;
import dev.wgdesk.platform.windows.ipc.NamedPipeTransport;
import dev.wgdesk.platform.windows.ipc.PipeNative;
import dev.wgdesk.platform.windows.ipc.PipeSecurity;
import dev.wgdesk.platform.windows.ipc.UapiPipeServer;
import dev.wgdesk.platform.windows.net.JnaIpHelper;
import dev.wgdesk.platform.windows.net.RouteMonitor;
import dev.wgdesk.platform.windows.net.UnicastIfBind;
import dev.wgdesk.platform.windows.service.WindowsServiceRegistration;
import dev.wgdesk.platform.windows.wfp.JnaWfp;
import dev.wgdesk.platform.windows.wfp.WfpKillSwitch;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The helper's Windows half, found through {@link java.util.ServiceLoader}: the tunnel backend
 * ({@link WindowsTunnelBackend}: Wintun, iphlpapi, WFP, a pinned UDP socket), the named pipe
 * ({@link NamedPipeTransport}), token-based group look-ups ({@link WindowsUserDirectory}), the
 * service ({@link WindowsServiceRegistration}), DPAPI ({@link DpapiSecretStore}) and
 * {@code %ProgramData%\wgdesk} ({@link WindowsStateDirectory}). Loads on any OS and loads no
 * native code until a Windows-only part is used; {@link #tunnelBackend()} refuses off Windows.
 */
public final class WindowsHelperPlatform implements HelperPlatform {
    private final ClientTokens tokens = new ClientTokens();
    private volatile PipeNative pipeNative;
    private volatile WindowsTunnelBackend backend; // the latest made: told when the machine resumes

    @Override
    public String os() {
        return "windows";
    }

    @Override
    public boolean isCurrent() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    @Override
    public Path stateDirectory() {
        return WindowsStateDirectory.location(System.getenv());
    }

    /**
     * Creates the state directory if needed and gives it its ACL (SYSTEM and Administrators
     * only). Windows only: the helper calls this at start.
     */
    public Path prepareStateDirectory() throws java.io.IOException {
        requireWindows("the state directory's ACL");
        return WindowsStateDirectory.ensure(stateDirectory(), WindowsStateDirectory.jna());
    }

    @Override
    public Path policyFile() {
        return stateDirectory().resolve("helper.conf");
    }

    @Override
    public String defaultGroup() {
        return PipeSecurity.USERS_GROUP;
    }

    private PipeNative pipeNative() {
        PipeNative p = pipeNative;
        if (p == null) {
            synchronized (this) {
                if (pipeNative == null) {
                    requireWindows("the named pipe");
                    pipeNative = PipeNative.windows();
                }
                p = pipeNative;
            }
        }
        return p;
    }

    @Override
    public TunnelBackend tunnelBackend() {
        requireWindows("the tunnel backend");
        String exe = ProcessHandle.current().info().command().orElse(Path.of("wgdesk-helper.exe").toAbsolutePath().toString());
        WindowsTunnelBackend b = new WindowsTunnelBackend(new WindowsTunnelBackend.Natives(
                (name, mtu) -> {
                    WintunTun t = new WindowsTunProvider().create(name, mtu);
                    return new WindowsTunnelBackend.OpenedTun(t, t.luid());
                },
                new JnaIpHelper(),
                (filters, helperExe, luid) -> WfpKillSwitch.install(new JnaWfp(), filters, helperExe, luid),
                UnicastIfBind.windowsSocketOption(),
                RouteMonitor.windows(),
                WindowsHelperPlatform::staleAdapterLuid,
                HostResolver.system(), exe, Clock.system(), SleepDetector.wallClock()),
                new UapiPipeServer(this::pipeNative));
        backend = b;
        return b;
    }

    /** The service's resume event: new handshakes on the tunnels of the backend made last, if any. */
    void resumed() {
        WindowsTunnelBackend b = backend;
        if (b != null) {
            b.resumed();
        }
    }

    private static OptionalLong staleAdapterLuid(String name) {
        try {
            WintunNative api = JnaWintun.load();
            long adapter = api.openAdapter(name);
            if (adapter == 0) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(api.adapterLuid(adapter));
            } finally {
                api.closeAdapter(adapter); // an opened (not created) adapter stays; the next activation reuses it
            }
        } catch (java.io.IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public IpcTransport ipcTransport() {
        return new NamedPipeTransport(this::pipeNative, tokens);
    }

    @Override
    public UserDirectory userDirectory() {
        return new WindowsUserDirectory(new AccountLookup() {
            @Override
            public Optional<String> lookupSid(String accountName) {
                return pipeNative().lookupSid(accountName);
            }

            @Override
            public Optional<String> lookupName(String sid) {
                return pipeNative().lookupName(sid);
            }
        }, tokens);
    }

    /** A step that may fail. */
    @FunctionalInterface
    interface IoStep {
        void run() throws java.io.IOException;
    }

    /**
     * {@code reg} whose service body first runs {@code prepare}: the helper runs as a service on
     * Windows, so starting the service is where its state directory gets its ACL (a failure stops
     * the service with the reason, before anything is served).
     */
    static ServiceRegistration preparingFirst(ServiceRegistration reg, IoStep prepare) {
        return preparingFirst(reg, prepare, () -> { });
    }

    /** {@link #preparingFirst(ServiceRegistration, IoStep)} that also runs {@code onResume} on a resume from sleep. */
    static ServiceRegistration preparingFirst(ServiceRegistration reg, IoStep prepare, Runnable onResume) {
        return new ServiceRegistration() {
            @Override
            public String serviceName() {
                return reg.serviceName();
            }

            @Override
            public String howToStart() {
                return reg.howToStart();
            }

            @Override
            public void install(Path executable) throws java.io.IOException {
                reg.install(executable);
            }

            @Override
            public void uninstall() throws java.io.IOException {
                reg.uninstall();
            }

            @Override
            public boolean isInstalled() throws java.io.IOException {
                return reg.isInstalled();
            }

            @Override
            public void run(Body body) throws Exception {
                reg.run(new Body() {
                    @Override
                    public void start() throws Exception {
                        prepare.run();
                        body.start();
                    }

                    @Override
                    public void stop() {
                        body.stop();
                    }

                    @Override
                    public void resumed() {
                        try {
                            onResume.run();
                        } finally {
                            body.resumed();
                        }
                    }
                });
            }
        };
    }

    @Override
    public ServiceRegistration serviceRegistration() {
        return preparingFirst(serviceRegistrationWithoutStateDirectory(), this::prepareStateDirectory, this::resumed);
    }

    private ServiceRegistration serviceRegistrationWithoutStateDirectory() {
        return new WindowsServiceRegistration(dev.wgdesk.platform.windows.service.ScmApi.windows(), () -> {
            try {
                JnaWintun.load().deleteDriver(); // only when no adapter uses it any more
            } catch (java.io.IOException e) {
                // no wintun.dll next to the launcher: nothing was installed with it
            }
        });
    }

    @Override
    public SecretStore secretStore() {
        return new DpapiSecretStore(DpapiSecretStore.jna());
    }

    private void requireWindows(String what) {
        if (!isCurrent()) {
            throw new IllegalStateException(what + " of wgdesk runs only on Windows (this is "
                    + System.getProperty("os.name") + ")");
        }
    }
}
