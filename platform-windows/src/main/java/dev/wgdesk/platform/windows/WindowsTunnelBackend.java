package dev.wgdesk.platform.windows;

import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceSetup;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UapiServer;
import dev.wgdesk.engine.resilience.DeviceTarget;
import dev.wgdesk.engine.resilience.EndpointWatcher;
import dev.wgdesk.engine.resilience.HostResolver;
import dev.wgdesk.engine.resilience.Resilience;
import dev.wgdesk.engine.resilience.ResolutionStatus;
import dev.wgdesk.engine.resilience.SleepDetector;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.platform.windows.net.DefaultRoute;
import dev.wgdesk.platform.windows.net.IpHelper;
import dev.wgdesk.platform.windows.net.RouteMonitor;
import dev.wgdesk.platform.windows.net.UnicastIfBind;
import dev.wgdesk.platform.windows.net.WindowsNetConfig;
import dev.wgdesk.platform.windows.net.WindowsNetPlan;
import dev.wgdesk.platform.windows.wfp.KillSwitch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * {@link TunnelBackend} on Windows. Activation, in this order (each step that changes something
 * pushes its undo; a failure undoes them newest first and names the step):
 * <ol>
 *   <li>{@code resolve endpoints}, {@code plan} ({@link WindowsNetPlan}); the journal
 *       ({@link WindowsNetConfig#journal}) is handed over before anything changes;</li>
 *   <li>{@code interface}: the Wintun adapter (reopened by its deterministic GUID if a crashed
 *       helper left it) and session;</li>
 *   <li>{@code kill switch}: the WFP filters in a dynamic session, when the plan has them (a
 *       default route in AllowedIPs, as wireguard-windows), before any route exists;</li>
 *   <li>{@code UDP bind}: when the tunnel takes a default route, the engine's socket pinned with
 *       {@code IP_UNICAST_IF} to the best default route that is not the tunnel
 *       ({@link DefaultRoute#choose}), re-pinned on every route change
 *       ({@code NotifyRouteChange2}); no such route: a blackhole;</li>
 *   <li>{@code device}: the engine {@link Device} on the adapter and that bind, configured, up;</li>
 *   <li>{@code network}: routes, addresses, interface MTU/metric, DNS ({@link WindowsNetConfig});</li>
 *   <li>the userspace API on {@code \\.\pipe\ProtectedPrefix\Administrators\WireGuard\NAME}
 *       ({@link dev.wgdesk.platform.windows.ipc.UapiPipeServer}), so {@code wg show NAME} and
 *       {@code wg showconf NAME} work from an elevated prompt, as with wireguard-windows; a name
 *       another program serves is left to it, and a warning says so.</li>
 * </ol>
 * Deactivation undoes the same, newest first. PreUp/PostUp/PreDown/PostDown are not run on
 * Windows (a warning says so).
 *
 * <p>{@link #cleanupStale}: the WFP session died with the crashed helper; the adapter is reopened
 * by name and the journaled routes, addresses and DNS settings are removed from its LUID (the
 * adapter itself stays, and the next activation reuses it).
 *
 * <p>Kept working when the network moves (docs/network-changes.md): every tunnel watches route
 * changes ({@code NotifyRouteChange2}); when the best default route outside it changes (another
 * interface or none), a {@link Resilience} starts new handshakes on every tunnel, as it does on
 * {@link #resumed()} (the service's {@code PBT_APMRESUMEAUTOMATIC}) and when its fallback
 * {@link SleepDetector} sees a suspend; an {@link EndpointWatcher} per tunnel re-resolves endpoint
 * host names. Built and unit-tested on Linux only.
 */
public final class WindowsTunnelBackend implements TunnelBackend, AutoCloseable {
    /** An opened adapter as the engine sees it, and its LUID. */
    public record OpenedTun(Tun tun, long luid) {}

    /** Every native part, a seam each. */
    public record Natives(TunOpener tuns, IpHelper ip, KillSwitchInstaller killSwitch,
                          UnicastIfBind.SocketOption socketOption, RouteMonitor routes, StaleAdapters stale,
                          HostResolver resolver, String helperExe, Clock clock, SleepDetector sleep) {
        public Natives {
            Objects.requireNonNull(tuns);
            Objects.requireNonNull(ip);
            Objects.requireNonNull(killSwitch);
            Objects.requireNonNull(socketOption);
            Objects.requireNonNull(routes);
            Objects.requireNonNull(stale);
            Objects.requireNonNull(resolver);
            Objects.requireNonNull(helperExe);
            Objects.requireNonNull(clock);
            // sleep: null where no suspend detector is wanted (tests)
        }
    }

    /** Opens the adapter and its session ({@link WindowsTunProvider}). */
    @FunctionalInterface
    public interface TunOpener {
        OpenedTun open(String name, int mtu) throws IOException;
    }

    /** Installs kill-switch filters ({@code WfpKillSwitch.install}); closing removes them. */
    @FunctionalInterface
    public interface KillSwitchInstaller {
        AutoCloseable install(List<KillSwitch.Filter> filters, String helperExe, long luid) throws IOException;
    }

    /** The LUID of an existing adapter of that name, opened and closed again (nothing if none). */
    @FunctionalInterface
    public interface StaleAdapters {
        OptionalLong luidOf(String name);
    }

    private final Natives n;
    private final Resilience resilience;
    private final UapiServer uapi;

    /** A backend whose tunnels serve no UAPI (tests of other things). */
    public WindowsTunnelBackend(Natives natives) {
        this(natives, UapiServer.NONE);
    }

    /** A backend serving each tunnel's UAPI through {@code uapi} (the helper: {@code UapiPipeServer}). */
    public WindowsTunnelBackend(Natives natives, UapiServer uapi) {
        this.n = Objects.requireNonNull(natives, "natives");
        this.uapi = Objects.requireNonNull(uapi, "uapi");
        this.resilience = new Resilience(Clock.system(), natives.sleep());
    }

    /** The machine resumed from sleep (the service's power event): new handshakes on every tunnel. */
    public void resumed() {
        resilience.networkChanged("resumed from sleep");
    }

    /** The resilience loop (for tests). */
    Resilience resilience() {
        return resilience;
    }

    /** Stops the resilience loop (tunnels are brought down by their owner). */
    @Override
    public void close() {
        resilience.close();
    }

    private record Undo(String what, AutoCloseable action) {}

    private static final class Progress {
        final Deque<Undo> undo = new ArrayDeque<>();
        final List<String> warnings = new ArrayList<>();
        String step = "plan";
    }

    @Override
    public Active activate(String name, TunnelConfig config, boolean allowScripts, Consumer<List<List<String>>> journal,
                           Consumer<String> log) throws ActivationException {
        Progress pr = new Progress();
        InterfaceConfig ic = config.interfaceConfig();
        try {
            pr.step = "resolve endpoints";
            Map<PublicKey, InetSocketAddress> endpoints = DeviceSetup.resolveEndpoints(config,
                    n.resolver().endpointResolver());
            pr.step = "plan";
            List<WindowsNetPlan.Step> plan = WindowsNetPlan.plan(config);
            int mtu = ic.mtu().orElse(WindowsNetPlan.DEFAULT_MTU);
            journal.accept(WindowsNetConfig.journal(plan));
            hookWarnings(ic, pr.warnings);
            splitDnsWarning(ic).ifPresent(w -> {
                pr.warnings.add(w);
                log.accept("WARNING: " + w);
            });
            if (ic.saveConfig()) {
                pr.warnings.add("SaveConfig is not supported by wgdesk; ignored");
            }

            pr.step = "interface";
            log.accept("Opening Wintun adapter " + name + " (MTU " + mtu + ")");
            OpenedTun opened = n.tuns().open(name, mtu);
            AutoCloseable[] adapter = {opened.tun()::close}; // the device closes it once it exists
            pr.undo.push(new Undo("close adapter " + name, () -> adapter[0].close()));
            long luid = opened.luid();

            pr.step = "kill switch";
            List<KillSwitch.Filter> filters = KillSwitch.rules(config, n.helperExe(), Long.toUnsignedString(luid));
            boolean killSwitch = !filters.isEmpty();
            if (killSwitch) {
                log.accept("Kill switch: " + filters.size() + " WFP filters (dynamic session)");
                pr.undo.push(new Undo("remove kill switch", n.killSwitch().install(filters, n.helperExe(), luid)));
            }

            pr.step = "UDP bind";
            UnicastIfBind bind = new UnicastIfBind(n.socketOption());
            boolean pin = routesDefault(plan);
            DefaultInterface watch = new DefaultInterface(n.routes(), pin ? bind : null, luid, log,
                    () -> resilience.networkChanged("default route changed"));
            try {
                watch.update();
                pr.undo.push(new Undo("stop watching routes", n.routes().watch(watch::onChange)));
            } catch (IOException | RuntimeException e) {
                if (pin) {
                    throw e; // the socket must not follow the tunnel's own default route
                }
                log.accept("Not watching the default route (new handshakes after a network change start only"
                        + " when sessions time out): " + e.getMessage());
            }

            pr.step = "device";
            Device device = new Device(opened.tun(), bind, n.clock());
            adapter[0] = () -> { };
            pr.undo.push(new Undo("close device and adapter " + name, device::close));
            DeviceSetup.configure(device, config, endpoints, 0);
            device.up();
            log.accept("Engine up on UDP port " + device.listenPort());

            pr.step = "network";
            WindowsNetConfig.Active net = WindowsNetConfig.apply(n.ip(), luid, name, plan, killSwitch);
            pr.undo.push(new Undo("remove routes, addresses and DNS", () -> {
                List<String> left = net.down();
                if (!left.isEmpty()) {
                    throw new IOException(String.join("; ", left));
                }
            }));
            resilience.start();
            EndpointWatcher watcher = new EndpointWatcher(name, config.peers(), new DeviceTarget(device), n.resolver(),
                    n.clock(), log);
            Resilience.Registration reg = resilience.register(name, watcher, device::restartHandshakes, log);
            pr.undo.push(new Undo("stop watching endpoints", reg::close));
            pr.step = "UAPI";
            UapiServer.Endpoint pipe = uapi.serveOrWarn(name, new DeviceUapiTarget(device), w -> {
                pr.warnings.add(w);
                log.accept(w);
            });
            if (pipe != UapiServer.Endpoint.NONE) {
                log.accept("wg show " + name + ": serving the userspace API on " + pipe.address());
                pr.undo.push(new Undo("stop serving " + pipe.address(), pipe::close));
            }
            return new WindowsActive(device, mtu, pr.warnings, pr.undo, log, reg);
        } catch (Exception e) {
            List<String> left = undoAll(pr.undo);
            String m = e instanceof UnknownHostException u ? "cannot resolve " + u.getMessage()
                    : Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
            throw new ActivationException(pr.step, left.isEmpty() ? m : m + "; could not undo: " + String.join("; ", left), e);
        }
    }

    /**
     * Whether the tunnel takes a default route (0.0.0.0/0 or ::/0): only then could the engine's
     * own packets to an endpoint be routed into the tunnel, so only then is the socket pinned
     * (a split tunnel leaves routing alone, which also keeps endpoints on loopback or a LAN
     * reachable through their own routes).
     */
    static boolean routesDefault(List<WindowsNetPlan.Step> plan) {
        return plan.stream().anyMatch(s -> s instanceof WindowsNetPlan.Route r && r.destination().cidr() == 0);
    }

    /**
     * Follows the best default route outside the tunnel (per family, its interface index; 0: none):
     * keeps the bind on it when the tunnel takes a default route ({@code bind} not null), and
     * calls {@code changed} when it changes after the first look (a new network).
     */
    static final class DefaultInterface {
        private final RouteMonitor routes;
        private final UnicastIfBind bind;
        private final long luid;
        private final Consumer<String> log;
        private final Runnable changed;
        private int v4 = -1;
        private int v6 = -1;

        DefaultInterface(RouteMonitor routes, UnicastIfBind bind, long luid, Consumer<String> log, Runnable changed) {
            this.routes = routes;
            this.bind = bind;
            this.luid = luid;
            this.log = log;
            this.changed = changed;
        }

        synchronized void update() throws IOException {
            int a = DefaultRoute.choose(routes.defaultRoutes(WindowsNetPlan.Family.IPV4), luid).orElse(0);
            int b = DefaultRoute.choose(routes.defaultRoutes(WindowsNetPlan.Family.IPV6), luid).orElse(0);
            if (a != v4 || b != v6) {
                boolean first = v4 == -1;
                if (bind != null) {
                    bind.setInterfaces(a, b);
                    log.accept(a == 0 && b == 0 ? "No default route outside the tunnel: endpoint traffic dropped"
                            : "Endpoint traffic pinned to interface " + a + " (IPv4), " + b + " (IPv6)");
                }
                v4 = a;
                v6 = b;
                if (!first) {
                    changed.run();
                }
            }
        }

        void onChange() {
            try {
                update();
            } catch (IOException | RuntimeException e) {
                log.accept("Cannot re-pin the UDP socket after a route change: " + e.getMessage());
            }
        }
    }

    /**
     * Split DNS ({@code ~corp.example} without {@code ~.}) is not implemented on Windows yet (the
     * Name Resolution Policy Table would do it): said at every activation.
     */
    public static java.util.Optional<String> splitDnsWarning(InterfaceConfig ic) {
        if (!ic.splitDns()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("split DNS (" + String.join(", ", ic.dnsRoutingDomains().stream()
                .map(Object::toString).toList()) + ") is not implemented on Windows yet (it would need the Name"
                + " Resolution Policy Table): the tunnel's DNS server(s) are set on its interface as without routing"
                + " domains, and Windows may ask them for any name");
    }

    private static void hookWarnings(InterfaceConfig ic, List<String> warnings) {
        int hooks = ic.preUp().size() + ic.postUp().size() + ic.preDown().size() + ic.postDown().size();
        if (hooks > 0) {
            warnings.add(hooks + " PreUp/PostUp/PreDown/PostDown command(s) not run: wgdesk does not run hooks on Windows");
        }
    }

    private static List<String> undoAll(Deque<Undo> undo) {
        List<String> failed = new ArrayList<>();
        while (!undo.isEmpty()) {
            Undo u = undo.pop();
            try {
                u.action().close();
            } catch (Exception e) {
                failed.add(u.what() + ": " + e.getMessage());
            }
        }
        return failed;
    }

    private static final class WindowsActive implements Active {
        private final Device device;
        private final int mtu;
        private final List<String> warnings;
        private final Deque<Undo> undo;
        private final Consumer<String> log;
        private final Resilience.Registration reg;
        private boolean down;

        WindowsActive(Device device, int mtu, List<String> warnings, Deque<Undo> undo, Consumer<String> log,
                      Resilience.Registration reg) {
            this.device = device;
            this.mtu = mtu;
            this.warnings = List.copyOf(warnings);
            this.undo = undo;
            this.log = log;
            this.reg = reg;
        }

        @Override
        public List<ResolutionStatus> resolutions() {
            return reg.resolutions();
        }

        @Override
        public DeviceSnapshot snapshot() {
            return device.snapshot();
        }

        @Override
        public int mtu() {
            return mtu;
        }

        @Override
        public List<String> warnings() {
            return warnings;
        }

        @Override
        public boolean isAlive() {
            return !device.isClosed();
        }

        @Override
        public String failureReason() {
            return device.failureReason();
        }

        @Override
        public synchronized List<String> deactivate() {
            if (down) {
                return List.of();
            }
            down = true;
            List<String> left = undoAll(undo);
            log.accept("Deactivated");
            return left;
        }
    }

    /** What {@link WindowsNetConfig#journal} writes: steps undone through iphlpapi, not programs run. */
    @Override
    public java.util.Set<String> journalPrograms() {
        return java.util.Set.of("route", "address", "dns");
    }

    @Override
    public List<String> cleanupStale(String name, List<List<String>> undo) {
        OptionalLong luid = n.stale().luidOf(name);
        if (luid.isEmpty()) {
            return List.of();
        }
        List<String> done = new ArrayList<>();
        for (String s : WindowsNetConfig.cleanup(n.ip(), luid.getAsLong(), undo)) {
            done.add(s + " on " + name);
        }
        return done;
    }
}
