package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.config.Endpoint;
import dev.wgdesk.engine.config.EndpointResolver;
import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.IpAddress;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.conn.Bind;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceSetup;
import dev.wgdesk.engine.plan.PlanException;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Brings a tunnel up on macOS the way wg-quick's darwin.bash does, with wgdesk's engine in place
 * of wireguard-go:
 * <ol>
 *   <li>probe (changes nothing): the default gateways and interface ({@code netstat -nr}), the
 *       automatic MTU ({@code ifconfig IF}), the network services and their DNS settings
 *       ({@code networksetup}); resolve endpoints;
 *   <li>journal: the commands undoing what lives outside the interface (endpoint routes, DNS), for
 *       a helper restarted after a crash;
 *   <li>PreUp hooks (when allowed); the utun and the engine device;
 *   <li>{@link MacNetPlan}'s commands: addresses, MTU, up, routes, endpoint routes, DNS;
 *   <li>PostUp hooks.
 * </ol>
 * A failing step undoes everything done before it, newest first, and the error names the step.
 * {@link #networkChanged()} is what wg-quick's route monitor does on every routing message:
 * endpoint routes follow a new default gateway, the automatic MTU a new default interface, DNS is
 * set again on every service (services come and go with network changes).
 *
 * <p>Every command goes through the {@link Runner}, the utun through the {@link TunProvider}:
 * tests run the whole activation with fakes. Not yet run on a Mac.
 *
 * <p>Thread-safe: activation is confined to its caller; {@link #networkChanged()} and
 * {@link #deactivate()} exclude each other (the route monitor is stopped outside the lock).
 */
public final class MacTunnel {
    /** Runs one command (no shell) and returns how it ended. */
    @FunctionalInterface
    public interface Runner {
        Result run(List<String> argv) throws IOException;
    }

    /** Starts watching the network; {@link RouteMonitor#start(Runnable)} on a Mac. */
    @FunctionalInterface
    public interface Monitors {
        AutoCloseable start(Runnable onChange) throws IOException;
    }

    /** Publishes a device's userspace API under the utun's name; closing withdraws it and never throws. */
    @FunctionalInterface
    public interface Publisher {
        AutoCloseable publish(String utun, Device device);
    }

    /** A finished command. */
    public record Result(int exitCode, String stdout, String stderr) {}

    /**
     * How to activate.
     *
     * @param runner       runs the commands
     * @param tuns         creates the utun
     * @param binds        the engine's UDP socket
     * @param resolver     resolves endpoint host names
     * @param allowScripts whether PreUp/PostUp/PreDown/PostDown run
     * @param journal      receives, before anything changes, the commands undoing the changes
     *                     outside the interface
     * @param log          progress lines
     * @param monitors     the route monitor, started once the tunnel is up, when it has anything
     *                     to keep current (endpoint routes, automatic MTU, DNS)
     * @param uapi         publishes the device's userspace API ({@code wg show utunN}) from right
     *                     after the device is up (so PostUp and PreDown hooks can use {@code wg}, as
     *                     with wg-quick) until just before it is closed; null: none
     * @param resolverFiles where split DNS's {@code /etc/resolver} files go
     */
    public record Options(Runner runner, TunProvider tuns, Supplier<Bind> binds, EndpointResolver resolver,
                          boolean allowScripts, Consumer<List<List<String>>> journal, Consumer<String> log,
                          Monitors monitors, Publisher uapi, ResolverFiles resolverFiles) {
        /** Options writing split DNS's files to {@code /etc/resolver}. */
        public Options(Runner runner, TunProvider tuns, Supplier<Bind> binds, EndpointResolver resolver,
                       boolean allowScripts, Consumer<List<List<String>>> journal, Consumer<String> log,
                       Monitors monitors, Publisher uapi) {
            this(runner, tuns, binds, resolver, allowScripts, journal, log, monitors, uapi, ResolverFiles.system());
        }

        /** Options publishing no UAPI. */
        public Options(Runner runner, TunProvider tuns, Supplier<Bind> binds, EndpointResolver resolver,
                       boolean allowScripts, Consumer<List<List<String>>> journal, Consumer<String> log,
                       Monitors monitors) {
            this(runner, tuns, binds, resolver, allowScripts, journal, log, monitors, null);
        }

        public Options {
            Objects.requireNonNull(monitors, "monitors");
            Objects.requireNonNull(runner, "runner");
            Objects.requireNonNull(tuns, "tuns");
            Objects.requireNonNull(binds, "binds");
            Objects.requireNonNull(resolver, "resolver");
            Objects.requireNonNull(journal, "journal");
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(resolverFiles, "resolverFiles");
        }
    }

    /** Activation failed at {@code step}; everything done before was undone (or is listed). */
    public static final class ActivationException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String step;
        private final String detail;

        ActivationException(String step, String message, Throwable cause) {
            super(step + ": " + message, cause);
            this.step = step;
            this.detail = message;
        }

        public String step() {
            return step;
        }

        /** The message without the step's name. */
        public String detail() {
            return detail;
        }
    }

    private record Undo(String what, List<String> argv, Tun tun, Device device, AutoCloseable monitor) {
        Undo(String what, List<String> argv, Tun tun, Device device) {
            this(what, argv, tun, device, null);
        }
    }

    /** The machine's state as the probe found it. */
    record State(String gateway4, String gateway6, String defaultIf, List<String> services) {}

    private final String name;
    private final TunnelConfig config;
    private final Options opts;
    private final Device device;
    private final String dev;
    private final Deque<Undo> undo;
    private final Map<String, List<List<String>>> savedDns; // service -> [servers, domains]
    private List<MacNetPlan.Cmd> endpointRoutes;
    private State state;
    private int mtu;
    private boolean down;
    private AutoCloseable monitor;
    private AutoCloseable published; // the UAPI, withdrawn just before the device closes; null: none

    private MacTunnel(String name, TunnelConfig config, Options opts, Device device, String dev, Deque<Undo> undo,
                      Map<String, List<List<String>>> savedDns, List<MacNetPlan.Cmd> endpointRoutes, State state, int mtu) {
        this.name = name;
        this.config = config;
        this.opts = opts;
        this.device = device;
        this.dev = dev;
        this.undo = undo;
        this.savedDns = savedDns;
        this.endpointRoutes = endpointRoutes;
        this.state = state;
        this.mtu = mtu;
    }

    /** The utun's name, chosen by the kernel. */
    public String interfaceName() {
        return dev;
    }

    /** The engine device. */
    public Device device() {
        return device;
    }

    /** The MTU set on the interface. */
    public int mtu() {
        return mtu;
    }

    /**
     * Brings the tunnel up.
     *
     * @param name   the tunnel's name (hooks' {@code %I})
     * @param config the configuration; read, not destroyed
     * @throws ActivationException naming the failed step, after undoing what was done
     */
    public static MacTunnel activate(String name, TunnelConfig config, Options opts) throws ActivationException {
        InterfaceConfig ic = config.interfaceConfig();
        Deque<Undo> undo = new ArrayDeque<>();
        String step = "plan";
        try {
            MacNetPlan.checkTable(ic.table());
            step = "resolve endpoints";
            Map<PublicKey, InetSocketAddress> endpoints = DeviceSetup.resolveEndpoints(config, opts.resolver());
            TunnelConfig resolved = withResolvedEndpoints(config, endpoints);
            step = "probe";
            State st = probe(opts.runner(), !ic.dnsServers().isEmpty());
            int mtu = ic.mtu().isPresent() ? ic.mtu().getAsInt() : autoMtu(opts.runner(), st);
            Map<String, List<List<String>>> saved = new LinkedHashMap<>();
            if (!ic.dnsServers().isEmpty()) {
                for (String s : st.services()) {
                    saved.put(s, List.of(
                            MacProbe.saved(check(opts.runner(), List.of("networksetup", "-getdnsservers", s)).stdout()),
                            MacProbe.saved(check(opts.runner(), List.of("networksetup", "-getsearchdomains", s)).stdout())));
                }
            }
            List<MacNetPlan.Cmd> eps = MacNetPlan.endpointRoutes(resolved, st.gateway4(), st.gateway6());
            List<MacNetPlan.Cmd> dns = dnsCommands(ic, saved);
            List<String> resolverDomains = ResolverFiles.domains(ic);
            List<List<String>> journal = new ArrayList<>();
            eps.forEach(c -> journal.add(c.undo()));
            dns.forEach(c -> journal.add(c.undo()));
            resolverDomains.forEach(d -> journal.add(List.of(ResolverFiles.JOURNAL_VERB, name, d)));
            opts.journal().accept(List.copyOf(journal));

            step = "PreUp";
            hooks("PreUp", ic.preUp(), "utun", name, opts);
            step = "interface";
            Tun tun = opts.tuns().create(null, mtu);
            String dev = tun.name();
            undo.push(new Undo("close " + dev, null, tun, null));
            opts.log().accept("Created " + dev + " with MTU " + mtu);
            step = "device";
            Device device = new Device(tun, opts.binds().get(), Clock.system());
            undo.pop();
            undo.push(new Undo("close the device and " + dev, null, null, device));
            DeviceSetup.configure(device, config, endpoints, 0);
            device.up();
            AutoCloseable published = null;
            if (opts.uapi() != null) {
                step = "UAPI";
                published = opts.uapi().publish(dev, device);
                undo.push(new Undo("stop serving the userspace API of " + dev, null, null, null, published));
            }
            step = "addresses";
            for (MacNetPlan.Cmd c : MacNetPlan.addresses(dev, ic.addresses())) {
                apply(c, undo, opts);
            }
            step = "MTU";
            apply(MacNetPlan.mtu(dev, Integer.toString(mtu)), undo, opts);
            apply(MacNetPlan.up(dev), undo, opts);
            step = "routes";
            for (MacNetPlan.Cmd c : MacNetPlan.routes(dev, config)) {
                apply(c, undo, opts);
            }
            step = "endpoint routes";
            for (MacNetPlan.Cmd c : eps) {
                apply(c, undo, opts);
            }
            step = "DNS";
            for (MacNetPlan.Cmd c : dns) {
                apply(c, undo, opts);
            }
            for (String d : resolverDomains) {
                ResolverFiles files = opts.resolverFiles();
                files.write(name, d, ic.dnsServers());
                undo.push(new Undo("remove " + files.file(d), null, null, null, () -> files.remove(name, d)));
                opts.log().accept("split DNS: " + files.file(d) + " sends " + d + " to " + ic.dnsServers().stream()
                        .map(Object::toString).collect(java.util.stream.Collectors.joining(", ")));
            }
            step = "route monitor";
            MacTunnel t = new MacTunnel(name, resolved, opts, device, dev, undo, saved, eps, st, mtu);
            t.published = published;
            if (MacNetPlan.autoRoute(config, true) || MacNetPlan.autoRoute(config, false) || ic.mtu().isEmpty()
                    || !ic.dnsServers().isEmpty()) {
                AutoCloseable m = opts.monitors().start(t::networkChanged);
                t.monitor = m;
                undo.push(new Undo("stop the route monitor", null, null, null, m));
            }
            step = "PostUp";
            hooks("PostUp", ic.postUp(), dev, name, opts);
            return t;
        } catch (IOException | PlanException | RuntimeException e) {
            List<String> left = undoAll(undo, opts.runner());
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ActivationException(step, m + (left.isEmpty() ? "" : "; could not undo: " + String.join("; ", left)), e);
        }
    }

    /** Default routes of both families; the services when DNS is to be set. */
    static State probe(Runner r, boolean services) throws IOException {
        Optional<MacProbe.DefaultRoute> v4 = MacProbe.defaultRoute(check(r, List.of("netstat", "-nr", "-f", "inet")).stdout());
        Optional<MacProbe.DefaultRoute> v6 = MacProbe.defaultRoute(check(r, List.of("netstat", "-nr", "-f", "inet6")).stdout());
        List<String> svc = services
                ? MacProbe.services(check(r, List.of("networksetup", "-listallnetworkservices")).stdout()) : List.of();
        return new State(v4.map(MacProbe.DefaultRoute::gateway).orElse(null),
                v6.map(MacProbe.DefaultRoute::gateway).orElse(null),
                v4.map(MacProbe.DefaultRoute::netif).orElse(null), svc);
    }

    private static int autoMtu(Runner r, State st) throws IOException {
        if (st.defaultIf() == null) {
            return MacProbe.autoMtu(java.util.OptionalInt.empty());
        }
        Result res = r.run(List.of("ifconfig", st.defaultIf()));
        return MacProbe.autoMtu(res.exitCode() == 0 ? MacProbe.mtu(res.stdout()) : java.util.OptionalInt.empty());
    }

    private static List<MacNetPlan.Cmd> dnsCommands(InterfaceConfig ic, Map<String, List<List<String>>> saved) {
        List<MacNetPlan.Cmd> out = new ArrayList<>();
        saved.forEach((service, s) -> out.addAll(MacNetPlan.dns(service, ic.dnsServers(), ic.dnsSearchDomains(),
                s.get(0).equals(List.of("Empty")) ? List.of() : s.get(0),
                s.get(1).equals(List.of("Empty")) ? List.of() : s.get(1), ic.splitDns())));
        return out;
    }

    /**
     * After a routing change: endpoint routes through the new default gateway (old ones deleted
     * first), the automatic MTU of the new default interface, DNS on every service again (new
     * services' settings saved first). Failures are logged and returned, never thrown: the tunnel
     * stays up.
     */
    public synchronized List<String> networkChanged() {
        List<String> problems = new ArrayList<>();
        if (down) {
            return problems;
        }
        InterfaceConfig ic = config.interfaceConfig();
        try {
            State now = probe(opts.runner(), !ic.dnsServers().isEmpty());
            if (!Objects.equals(now.gateway4(), state.gateway4()) || !Objects.equals(now.gateway6(), state.gateway6())) {
                for (MacNetPlan.Cmd c : endpointRoutes) {
                    run(c.undo(), problems);
                }
                endpointRoutes = MacNetPlan.endpointRoutes(config, now.gateway4(), now.gateway6());
                for (MacNetPlan.Cmd c : endpointRoutes) {
                    run(c.apply(), problems);
                }
            }
            if (ic.mtu().isEmpty() && !Objects.equals(now.defaultIf(), state.defaultIf())) {
                int m = autoMtu(opts.runner(), now);
                if (m != mtu) {
                    run(MacNetPlan.mtu(dev, Integer.toString(m)).apply(), problems);
                    mtu = m;
                }
            }
            if (!ic.dnsServers().isEmpty()) {
                for (String s : now.services()) {
                    if (!savedDns.containsKey(s)) {
                        savedDns.put(s, List.of(
                                MacProbe.saved(check(opts.runner(), List.of("networksetup", "-getdnsservers", s)).stdout()),
                                MacProbe.saved(check(opts.runner(), List.of("networksetup", "-getsearchdomains", s)).stdout())));
                    }
                }
                savedDns.keySet().retainAll(now.services());
                for (MacNetPlan.Cmd c : dnsCommands(ic, savedDns)) {
                    run(c.apply(), problems);
                }
            }
            state = now;
        } catch (IOException e) {
            problems.add("probe: " + e.getMessage());
        }
        problems.forEach(p -> opts.log().accept("network change: " + p));
        return problems;
    }

    /**
     * PreDown hooks, DNS restored, endpoint routes deleted, the interface closed (its addresses and
     * routes go with it), PostDown hooks. Idempotent.
     *
     * @return what could not be undone; empty when all went well
     */
    public List<String> deactivate() {
        AutoCloseable m;
        synchronized (this) {
            if (down) {
                return List.of();
            }
            down = true; // from here networkChanged does nothing
            m = monitor;
        }
        List<String> problems = new ArrayList<>();
        if (m != null) {
            try {
                m.close(); // outside the lock: its thread may be waiting for it in networkChanged
            } catch (Exception e) {
                problems.add("stop the route monitor: " + e.getMessage());
            }
        }
        synchronized (this) {
            problems.addAll(undoRest());
        }
        return problems;
    }

    private List<String> undoRest() {
        List<String> problems = new ArrayList<>();
        InterfaceConfig ic = config.interfaceConfig();
        try {
            hooks("PreDown", ic.preDown(), dev, name, opts);
        } catch (IOException e) {
            problems.add("PreDown: " + e.getMessage());
        }
        // The DNS and endpoint routes in force now (networkChanged may have replaced them).
        Deque<Undo> now = new ArrayDeque<>();
        Undo last = null;
        for (Undo u : undo) {
            if (u.device() != null && u.monitor() == null) {
                last = u;
            }
        }
        if (last != null) {
            now.push(last);
        }
        if (published != null) {
            now.push(new Undo("stop serving the userspace API of " + dev, null, null, null, published));
        }
        for (MacNetPlan.Cmd c : endpointRoutes) {
            now.push(new Undo(String.join(" ", c.undo()), c.undo(), null, null));
        }
        for (MacNetPlan.Cmd c : dnsCommands(ic, savedDns)) {
            now.push(new Undo(String.join(" ", c.undo()), c.undo(), null, null));
        }
        ResolverFiles files = opts.resolverFiles();
        for (String d : ResolverFiles.domains(ic)) {
            now.push(new Undo("remove " + files.file(d), null, null, null, () -> files.remove(name, d)));
        }
        problems.addAll(undoAll(now, opts.runner()));
        undo.clear();
        try {
            hooks("PostDown", ic.postDown(), dev, name, opts);
        } catch (IOException e) {
            problems.add("PostDown: " + e.getMessage());
        }
        opts.log().accept("Deactivated " + dev);
        return problems;
    }

    /**
     * After a crash of the helper: runs the journaled undo commands (endpoint routes, DNS
     * restore). The utun went away with the dead process, and its addresses and routes with it.
     * Failures are expected (the crash may have taken things with it) and ignored.
     *
     * @return one line per command that succeeded
     */
    public static List<String> cleanupStale(List<List<String>> journal, Runner runner) {
        return cleanupStale(journal, runner, ResolverFiles.system());
    }

    /** {@link #cleanupStale(List, Runner)}, split DNS's files removed from {@code files}. */
    public static List<String> cleanupStale(List<List<String>> journal, Runner runner, ResolverFiles files) {
        List<String> done = new ArrayList<>();
        for (List<String> c : journal) {
            if (!c.isEmpty() && c.getFirst().equals(ResolverFiles.JOURNAL_VERB)) {
                done.addAll(files.replay(c)); // never run as a program
                continue;
            }
            try {
                check(runner, c);
                done.add(String.join(" ", c));
            } catch (IOException | RuntimeException e) {
                // already undone
            }
        }
        return done;
    }

    /* ---------------- helpers ---------------- */

    private void run(List<String> argv, List<String> problems) {
        try {
            check(opts.runner(), argv);
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
    }

    private static Result check(Runner r, List<String> argv) throws IOException {
        Result res = r.run(argv);
        if (res.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " failed (exit " + res.exitCode() + ")"
                    + (res.stderr().isBlank() ? "" : ": " + res.stderr().strip()));
        }
        return res;
    }

    private static void apply(MacNetPlan.Cmd c, Deque<Undo> undo, Options opts) throws IOException {
        opts.log().accept(String.join(" ", c.apply()));
        check(opts.runner(), c.apply());
        if (!c.undo().isEmpty()) {
            undo.push(new Undo(String.join(" ", c.undo()), c.undo(), null, null));
        }
    }

    /** Newest first; returns what failed. */
    private static List<String> undoAll(Deque<Undo> undo, Runner r) {
        List<String> failed = new ArrayList<>();
        while (!undo.isEmpty()) {
            Undo u = undo.pop();
            try {
                if (u.monitor() != null) {
                    u.monitor().close();
                } else if (u.argv() != null) {
                    check(r, u.argv());
                } else if (u.device() != null) {
                    u.device().close();
                } else if (u.tun() != null) {
                    u.tun().close();
                }
            } catch (Exception e) {
                failed.add(u.what() + ": " + e.getMessage());
            }
        }
        return failed;
    }

    private static void hooks(String kind, List<String> commands, String dev, String name, Options opts)
            throws IOException {
        if (commands.isEmpty()) {
            return;
        }
        if (!opts.allowScripts()) {
            opts.log().accept(kind + ": " + commands.size() + " hook(s) not run: scripts are disabled by the helper's policy");
            return;
        }
        for (String c : commands) {
            String cmd = c.replace("%i", dev).replace("%I", name);
            opts.log().accept(kind + ": " + cmd);
            check(opts.runner(), List.of("/bin/bash", "-c", cmd));
        }
    }

    /** The configuration with every endpoint an IP literal, for the endpoint routes. */
    private static TunnelConfig withResolvedEndpoints(TunnelConfig config, Map<PublicKey, InetSocketAddress> eps) {
        List<PeerConfig> peers = new ArrayList<>();
        for (PeerConfig p : config.peers()) {
            InetSocketAddress a = eps.get(p.publicKey());
            if (a != null && p.endpoint().isPresent() && !p.endpoint().get().isResolved()) {
                peers.add(p.toBuilder().setEndpoint(Endpoint.of(
                        IpAddress.of(a.getAddress()), a.getPort())).build());
            } else {
                peers.add(p);
            }
        }
        return config.toBuilder().setPeers(peers).build();
    }
}
