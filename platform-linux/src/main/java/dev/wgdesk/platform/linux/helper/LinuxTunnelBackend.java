package dev.wgdesk.platform.linux.helper;

import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UapiServer;
import dev.wgdesk.engine.platform.UapiSocket;
import dev.wgdesk.engine.platform.UnixUapiServer;
import dev.wgdesk.engine.resilience.DeviceTarget;
import dev.wgdesk.engine.resilience.EndpointWatcher;
import dev.wgdesk.engine.resilience.HostResolver;
import dev.wgdesk.engine.resilience.Resilience;
import dev.wgdesk.engine.resilience.ResolutionStatus;
import dev.wgdesk.engine.resilience.SleepDetector;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.uapi.ErrnoConvention;
import dev.wgdesk.platform.linux.DefaultRouteMonitor;
import dev.wgdesk.platform.linux.LinuxClocks;
import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.LinuxTunnel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@link TunnelBackend} on Linux: {@link LinuxTunnel} from {@code platform-linux}, kept working
 * when the network moves by a {@link Resilience} fed with {@code CLOCK_BOOTTIME} against
 * {@code CLOCK_MONOTONIC} (suspend) and a {@link DefaultRouteMonitor} (a new default route), and
 * an {@link EndpointWatcher} per tunnel whose endpoints are host names.
 *
 * <p>Each tunnel serves the standard userspace API on {@code /var/run/wireguard/NAME.sock}
 * ({@link UnixUapiServer}, mode 0600, root's), so {@code sudo wg show}, {@code wg showconf} and
 * {@code wg set} work on it as on a wireguard-go interface. The socket appears as soon as the
 * engine device is up (before addresses, routes and PostUp hooks, which can use {@code wg} on it,
 * as with wg-quick) and goes away just before the device is closed on deactivation (after the
 * PreDown hooks; so also when the helper stops); a stale one left by a crashed helper is
 * replaced, and removed by {@link #cleanupStale}. If another running
 * program serves that name, the tunnel comes up without the socket and a warning says so.
 */
public final class LinuxTunnelBackend implements TunnelBackend, AutoCloseable {
    /** The programs a crash journal may name: what {@code LinuxTunnel} journals (rules, DNS). */
    static final java.util.Set<String> JOURNAL_PROGRAMS =
            java.util.Set.of("ip", "nft", "iptables", "ip6tables", "resolvectl", "resolvconf");
    private final Command.Runner runner;
    private final HostResolver resolver;
    private final Resilience resilience;
    private final UapiServer uapi;
    private final LinuxAppExclusion exclusion;
    private DefaultRouteMonitor routes; // guarded by this; made on the first activation's thread
    private boolean routesTried; // guarded by this

    /** The backend of the helper: programs run on this system. */
    public LinuxTunnelBackend() {
        this(Command.SYSTEM);
    }

    /**
     * A backend running {@code ip}, {@code nft}, resolvers and hooks through {@code runner}: the
     * seam through which tests make one activation step fail.
     */
    public LinuxTunnelBackend(Command.Runner runner) {
        this(runner, HostResolver.system(), systemSleepDetector());
    }

    /**
     * A backend with its own name resolver (activation and re-resolution) and suspend detector
     * (null: none), for tests that move a server behind a name or simulate a suspend.
     */
    public LinuxTunnelBackend(Command.Runner runner, HostResolver resolver, SleepDetector sleep) {
        this(runner, resolver, sleep, systemUapi());
    }

    /** As {@link #LinuxTunnelBackend(Command.Runner, HostResolver, SleepDetector)}, serving the UAPI through {@code uapi}. */
    public LinuxTunnelBackend(Command.Runner runner, HostResolver resolver, SleepDetector sleep, UapiServer uapi) {
        this(runner, resolver, sleep, uapi, null);
    }

    /**
     * As {@link #LinuxTunnelBackend(Command.Runner, HostResolver, SleepDetector, UapiServer)}, with apps
     * run outside the tunnel through {@code exclusion} (null: the cgroup {@code wgdesk-exclude}), for
     * tests that need a group of their own.
     */
    public LinuxTunnelBackend(Command.Runner runner, HostResolver resolver, SleepDetector sleep, UapiServer uapi,
                              LinuxAppExclusion exclusion) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.exclusion = exclusion != null ? exclusion : new LinuxAppExclusion(runner, line -> { });
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.uapi = Objects.requireNonNull(uapi, "uapi");
        this.resilience = new Resilience(Clock.system(), sleep);
    }

    /** The UAPI sockets where {@code wg} looks for them: {@code /var/run/wireguard/NAME.sock}. */
    public static UapiServer systemUapi() {
        return new UnixUapiServer(UapiSocket.DEFAULT_DIRECTORY, null, ErrnoConvention.LINUX);
    }

    /** {@code CLOCK_BOOTTIME} against {@code CLOCK_MONOTONIC}; wall-clock time if libc cannot be bound. */
    public static SleepDetector systemSleepDetector() {
        if (LinuxClocks.isAvailable()) {
            return new SleepDetector(LinuxClocks::monotonicNanos, LinuxClocks::bootTimeNanos,
                    SleepDetector.DEFAULT_THRESHOLD_NANOS);
        }
        return SleepDetector.wallClock();
    }

    /** The resilience loop (for tests). */
    Resilience resilience() {
        return resilience;
    }

    /** Starts the route monitor on the calling thread (so it watches that thread's namespace) once. */
    private synchronized void watchRoutes(Consumer<String> log) {
        resilience.start();
        if (routesTried) {
            return;
        }
        routesTried = true;
        try {
            routes = DefaultRouteMonitor.start(() -> resilience.networkChanged("default route changed"));
        } catch (IOException | RuntimeException e) {
            log.accept("Not watching the default route (new handshakes after a network change start only"
                    + " when sessions time out): " + e.getMessage());
        }
    }

    @Override
    public Active activate(String name, TunnelConfig config, boolean allowScripts, Consumer<List<List<String>>> journal,
                           Consumer<String> log) throws TunnelBackend.ActivationException {
        LinuxTunnel t;
        try {
            t = LinuxTunnel.activate(name, config,
                    new LinuxTunnel.Options(allowScripts, resolver.endpointResolver(), journal, log, runner, uapi));
        } catch (dev.wgdesk.platform.linux.net.ActivationException e) {
            throw new TunnelBackend.ActivationException(e.step(), e.getMessage(), e);
        }
        watchRoutes(log);
        exclusion.keepAhead(log); // the tunnel's policy rules went in just before the split rules
        Device device = t.device();
        EndpointWatcher watcher = new EndpointWatcher(name, config.peers(), new DeviceTarget(device), resolver,
                Clock.system(), log);
        Resilience.Registration reg = resilience.register(name, watcher, device::restartHandshakes, log);
        return new Active() {
            @Override
            public DeviceSnapshot snapshot() {
                return t.snapshot();
            }

            @Override
            public int mtu() {
                return t.mtu();
            }

            @Override
            public List<String> warnings() {
                return t.warnings();
            }

            @Override
            public boolean isAlive() {
                return t.isAlive();
            }

            @Override
            public boolean hasKillSwitch() {
                return t.hasKillSwitch();
            }

            @Override
            public List<String> stopKeepingKillSwitch() {
                reg.close();
                return t.stopKeepingKillSwitch();
            }

            @Override
            public String failureReason() {
                return t.failureReason();
            }

            @Override
            public List<ResolutionStatus> resolutions() {
                return reg.resolutions();
            }

            @Override
            public List<String> deactivate() {
                reg.close();
                return t.deactivate();
            }
        };
    }

    @Override
    public dev.wgdesk.engine.platform.AppExclusion appExclusion() {
        return exclusion;
    }

    @Override
    public java.util.Set<String> journalPrograms() {
        return JOURNAL_PROGRAMS;
    }

    @Override
    public List<String> cleanupStale(String name, List<List<String>> undo) {
        List<String> done = new ArrayList<>(LinuxTunnel.cleanupStale(name, undo, runner));
        done.addAll(uapi.cleanupStale(name));
        return done;
    }

    /** Stops the resilience loop and the route monitor (tunnels are brought down by their owner). */
    @Override
    public synchronized void close() {
        resilience.close();
        if (routes != null) {
            routes.close();
            routes = null;
        }
    }
}
