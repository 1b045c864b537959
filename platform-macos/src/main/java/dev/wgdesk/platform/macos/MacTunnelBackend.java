package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.conn.Bind;
import dev.wgdesk.engine.conn.BindProvider;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UapiSocket;
import dev.wgdesk.engine.resilience.DeviceTarget;
import dev.wgdesk.engine.resilience.EndpointWatcher;
import dev.wgdesk.engine.resilience.HostResolver;
import dev.wgdesk.engine.resilience.Resilience;
import dev.wgdesk.engine.resilience.ResolutionStatus;
import dev.wgdesk.engine.resilience.SleepDetector;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.TunProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link TunnelBackend} on macOS: {@link MacTunnel} (wg-quick darwin.bash's steps with the engine
 * in place of wireguard-go). A failing step undoes every earlier one, newest first, and the
 * exception names the step. The journal holds the commands undoing what outlives the helper's
 * process (endpoint routes, each network service's DNS): the utun itself, with its addresses and
 * routes, goes away with the process that opened it, so after a crash {@link #cleanupStale} only
 * replays the journal.
 *
 * <p>The utun is named by the kernel ({@code utunN}); the tunnel's name is used for the hooks'
 * {@code %I} and the log. Nothing native is loaded until {@link #activate} runs. Not yet run on a
 * Mac.
 *
 * <p>Kept working when the network moves (docs/network-changes.md): a {@link Resilience} starts
 * new handshakes on every tunnel after a resume from sleep ({@link SleepDetector#wallClock()}:
 * on macOS {@code System.nanoTime} is {@code mach_absolute_time}, which stops while asleep) and
 * after a change of default route (a {@link RouteMonitor} on a {@code PF_ROUTE} socket while any
 * tunnel is up; after each burst of routing messages the default gateways and interface are read
 * again with {@code netstat -nr}, and only a change of those counts), and an
 * {@link EndpointWatcher} per tunnel re-resolves endpoint host names. Built and unit-tested on
 * Linux only.
 *
 * <p>{@code wg show utunN} and {@code wg showconf utunN} work on a helper tunnel as on wireguard-go's
 * ({@link MacUapi}: {@code /var/run/wireguard/utunN.sock}, and {@code TUNNEL.name} naming the utun
 * for wg-quick), from right after the device is up until just before it closes (so PostUp and
 * PreDown hooks can use {@code wg}); {@code wg set} changes the running device, and the app's
 * status shows it.
 */
public final class MacTunnelBackend implements TunnelBackend, AutoCloseable {
    /** The programs a crash journal may name: what {@link MacTunnel} journals. */
    static final Set<String> JOURNAL_PROGRAMS = Set.of("route", "networksetup", ResolverFiles.JOURNAL_VERB);

    private static final System.Logger LOG = System.getLogger(MacTunnelBackend.class.getName());

    /** How long one command (ifconfig, route, networksetup, a hook) may take. */
    static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final MacTunnel.Runner runner;
    private final Supplier<TunProvider> tuns;
    private final Supplier<Bind> binds;
    private final HostResolver resolver;
    private final MacTunnel.Monitors monitors;
    private final Resilience resilience;
    private final MacUapi uapi; // null: no UAPI (tests of other things)
    private final Object routesLock = new Object();
    private AutoCloseable routes; // guarded by routesLock: the default-route watch while a tunnel is up
    private int up; // guarded by routesLock: tunnels up
    private volatile MacTunnel.State lastDefault; // written by the route monitor's thread (and at its start)

    /** The helper's backend: real commands, utun, UDP socket and routing socket. */
    public MacTunnelBackend() {
        this(new ProcessRunner(COMMAND_TIMEOUT_SECONDS), MacOsTunProvider::new, BindProvider::createBest,
                HostResolver.system(), RouteMonitor::start, SleepDetector.wallClock(),
                new MacUapi(UapiSocket.DEFAULT_DIRECTORY));
    }

    /**
     * With fakes: commands through {@code runner}, the utun from {@code tuns} (tests: a simulated
     * kernel), names through {@code resolver} (activation and re-resolution), routing changes
     * from {@code monitors}, suspends from {@code sleep} (null: none).
     */
    MacTunnelBackend(MacTunnel.Runner runner, Supplier<TunProvider> tuns, Supplier<Bind> binds, HostResolver resolver,
                     MacTunnel.Monitors monitors, SleepDetector sleep) {
        this(runner, tuns, binds, resolver, monitors, sleep, null);
    }

    /** As the constructor with fakes, serving each tunnel's UAPI through {@code uapi} (null: none). */
    MacTunnelBackend(MacTunnel.Runner runner, Supplier<TunProvider> tuns, Supplier<Bind> binds, HostResolver resolver,
                     MacTunnel.Monitors monitors, SleepDetector sleep, MacUapi uapi) {
        this.uapi = uapi;
        this.runner = Objects.requireNonNull(runner, "runner");
        this.tuns = Objects.requireNonNull(tuns, "tuns");
        this.binds = Objects.requireNonNull(binds, "binds");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.monitors = Objects.requireNonNull(monitors, "monitors");
        this.resilience = new Resilience(Clock.system(), sleep);
    }

    /** The resilience loop (for tests). */
    Resilience resilience() {
        return resilience;
    }

    /** A tunnel came up: the resilience loop runs, and the default route is watched from the first. */
    private void tunnelUp(java.util.function.Consumer<String> log) {
        resilience.start();
        synchronized (routesLock) {
            if (up++ > 0) {
                return;
            }
            try {
                lastDefault = MacTunnel.probe(runner, false);
                routes = monitors.start(this::routesChanged);
            } catch (IOException | RuntimeException e) {
                log.accept("Not watching the default route (new handshakes after a network change start only"
                        + " when sessions time out): " + e.getMessage());
            }
        }
    }

    /** A tunnel went down: the last one stops the default-route watch (its socket closed). */
    private void tunnelDown() {
        AutoCloseable m;
        synchronized (routesLock) {
            if (--up > 0) {
                return;
            }
            m = routes;
            routes = null;
        }
        if (m != null) {
            try {
                m.close(); // outside the lock: its thread may be in routesChanged
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stopping the route monitor: " + e.getMessage());
            }
        }
    }

    /** After a burst of routing messages: a new default gateway or interface is a network change. */
    private void routesChanged() {
        MacTunnel.State now;
        try {
            now = MacTunnel.probe(runner, false);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "reading the default routes after a routing change: " + e.getMessage());
            return;
        }
        MacTunnel.State was = lastDefault;
        lastDefault = now;
        if (was == null || !Objects.equals(was.gateway4(), now.gateway4()) || !Objects.equals(was.gateway6(), now.gateway6())
                || !Objects.equals(was.defaultIf(), now.defaultIf())) {
            resilience.networkChanged("default route changed");
        }
    }

    /** Stops the resilience loop (tunnels are brought down by their owner). */
    @Override
    public void close() {
        resilience.close();
    }

    @Override
    public Active activate(String name, TunnelConfig config, boolean allowScripts, Consumer<List<List<String>>> journal,
                           Consumer<String> log) throws ActivationException {
        MacTunnel t;
        List<String> uapiWarnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        MacTunnel.Publisher publisher = uapi == null ? null
                : (utun, device) -> uapi.publish(name, utun, new DeviceUapiTarget(device), w -> {
                    uapiWarnings.add(w);
                    log.accept(w);
                });
        try {
            t = MacTunnel.activate(name, config,
                    new MacTunnel.Options(runner, tuns.get(), binds, resolver.endpointResolver(), allowScripts, journal,
                            log, monitors, publisher));
        } catch (MacTunnel.ActivationException e) {
            throw new ActivationException(e.step(), e.detail(), e);
        }
        List<String> warnings = new ArrayList<>(warnings(config.interfaceConfig(), allowScripts));
        if (config.interfaceConfig().splitDns() && (MacNetPlan.autoRoute(config, true) || MacNetPlan.autoRoute(config, false))) {
            warnings.add(SPLIT_DNS_FULL_TUNNEL);
        }
        warnings.forEach(log);
        warnings.addAll(uapiWarnings);
        List<String> allWarnings = List.copyOf(warnings);
        tunnelUp(log);
        EndpointWatcher watcher = new EndpointWatcher(name, config.peers(), new DeviceTarget(t.device()), resolver,
                Clock.system(), log);
        Resilience.Registration reg = resilience.register(name, watcher, t.device()::restartHandshakes, log);
        AtomicBoolean down = new AtomicBoolean();
        return new Active() {
            @Override
            public DeviceSnapshot snapshot() {
                return t.device().snapshot();
            }

            @Override
            public int mtu() {
                return t.mtu();
            }

            @Override
            public List<String> warnings() {
                return allWarnings;
            }

            @Override
            public boolean isAlive() {
                return !t.device().isClosed();
            }

            @Override
            public String failureReason() {
                return t.device().failureReason();
            }

            @Override
            public List<ResolutionStatus> resolutions() {
                return reg.resolutions();
            }

            @Override
            public List<String> deactivate() {
                reg.close();
                List<String> left = t.deactivate();
                if (down.compareAndSet(false, true)) {
                    tunnelDown();
                }
                return left;
            }
        };
    }

    /** Said at activation of a full tunnel with split DNS. */
    static final String SPLIT_DNS_FULL_TUNNEL = "split DNS in a full tunnel: only the tunnel's domains go to its DNS"
            + " servers (/etc/resolver); every other name goes to the network services' own DNS servers, outside the"
            + " tunnel when such a server is on the local network (macOS has no kill switch; where the others go was"
            + " never checked on a Mac); add ~. to DNS = to send every name through the tunnel";

    /** What activation did not apply: hooks the policy disabled, settings macOS has no use for. */
    static List<String> warnings(InterfaceConfig ic, boolean allowScripts) {
        List<String> out = new ArrayList<>();
        if (!allowScripts) {
            hooksWarning(out, "PreUp", ic.preUp());
            hooksWarning(out, "PostUp", ic.postUp());
            hooksWarning(out, "PreDown", ic.preDown());
            hooksWarning(out, "PostDown", ic.postDown());
        }
        if (ic.fwMark().isPresent()) {
            out.add("FwMark is not supported on macOS (wg-quick ignores it there too); ignored");
        }
        if (ic.saveConfig()) {
            out.add("SaveConfig is not supported by wgdesk; ignored");
        }
        return List.copyOf(out);
    }

    private static void hooksWarning(List<String> out, String kind, List<String> commands) {
        if (!commands.isEmpty()) {
            out.add(kind + " disabled by policy: " + commands.size() + " command(s) not run (an administrator can set"
                    + " allow-scripts=true in " + MacHelperPlatform.POLICY_FILE + ")");
        }
    }

    /**
     * Replays a dead helper's journal: endpoint routes deleted, DNS settings restored, split
     * DNS's {@code /etc/resolver} files removed (if still the tunnel's). Only {@code route} and
     * {@code networksetup} commands are run (what activation journals), and the
     * {@link ResolverFiles#JOURNAL_VERB} entries are done in Java; any other is logged as a
     * warning and not run. Failures are expected (the route may be gone)
     * and skipped.
     *
     * @return the commands that succeeded
     */
    @Override
    public java.util.Set<String> journalPrograms() {
        return JOURNAL_PROGRAMS;
    }

    @Override
    public List<String> cleanupStale(String name, List<List<String>> undo) {
        List<List<String>> allowed = new ArrayList<>();
        for (List<String> c : undo) {
            if (!c.isEmpty() && JOURNAL_PROGRAMS.contains(c.getFirst())) {
                allowed.add(c);
            } else {
                LOG.log(System.Logger.Level.WARNING, "{0}: not replaying {1} from the crash journal: only route and"
                        + " networksetup commands are", name, String.join(" ", c));
            }
        }
        List<String> done = new ArrayList<>(MacTunnel.cleanupStale(allowed, runner));
        if (uapi != null) {
            done.addAll(uapi.cleanupStale(name));
        }
        return done;
    }
}
