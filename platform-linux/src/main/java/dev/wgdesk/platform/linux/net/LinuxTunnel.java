package dev.wgdesk.platform.linux.net;

import dev.wgdesk.engine.config.EndpointResolver;
import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.RouteTable;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.conn.BindProvider;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceSetup;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.platform.UapiServer;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.platform.linux.DefaultRouteMonitor;
import dev.wgdesk.platform.linux.LinuxTunProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * One tunnel brought up on Linux the way {@code wg-quick up} does it, with the engine in this
 * process instead of the kernel module:
 * <ol>
 *   <li>PreUp hooks (if allowed by policy);</li>
 *   <li>plan: resolve endpoint names, choose the MTU (configured, or the largest path MTU towards
 *       the endpoints minus 80), choose the full-tunnel table, decide how DNS is set; and hand the
 *       commands that undo changes outside the interface to the journal, before changing
 *       anything;</li>
 *   <li>the TUN interface (with its MTU, up) and the engine {@link Device} on it: key, port,
 *       fwmark, peers;</li>
 *   <li>for a {@code /0}, wg-quick's packet filter rules ({@link Firewall}: drop packets for the
 *       tunnel's addresses arriving on other interfaces, copy the fwmark through conntrack) and,
 *       with nftables, the kill switch (drop what leaves by other interfaces, but for the engine's
 *       UDP, DHCP, neighbour discovery and the LAN: the main table's routes without a gateway,
 *       read during planning and re-read when the main table changes, {@link LanRefresh}), before
 *       the addresses and routes exist;</li>
 *   <li>addresses; DNS; routes for AllowedIPs, and for a {@code /0} the fwmark policy routing
 *       (own table, {@code suppress_prefixlength 0}, SO_MARK on the engine's socket);</li>
 *   <li>PostUp hooks.</li>
 * </ol>
 * If a step fails, what was done is undone in reverse order and an {@link ActivationException}
 * names the step. {@link #deactivate()} runs PreDown, undoes everything in reverse order, then
 * runs PostDown.
 *
 * <p>The undo commands of the policy rules, the packet filter table and DNS go to the journal
 * before anything changes, so {@link #cleanupStale} removes them after a crash. When neither
 * {@code nft} nor {@code iptables} is installed, a full tunnel comes up without the packet filter
 * rules and says so in {@link #warnings()} (see {@link Firewall} for why that beats refusing);
 * with only {@code iptables}, without the kill switch, and says that too. When the tunnel dies,
 * {@link #stopKeepingKillSwitch()} undoes all but the kill switch, which {@link #deactivate()}
 * removes.
 *
 * <p>Not done (unlike wg-quick): {@code SaveConfig} (reported as a warning).
 *
 * <p>Thread-safe: {@link #deactivate()} is serialised and idempotent; the queries may be called
 * from any thread.
 */
public final class LinuxTunnel {
    /**
     * How to activate.
     *
     * @param allowScripts whether PreUp/PostUp/PreDown/PostDown run
     * @param resolver     resolves endpoint host names
     * @param journal      receives, before anything changes, the commands that undo the changes
     *                     outside the interface (rules, DNS), for {@link #cleanupStale} after a crash
     * @param log          progress lines
     * @param runner       runs the programs ({@code ip}, {@code nft}, resolvers, hooks) and says
     *                     which are installed: {@link Command#SYSTEM}, or a test's fault injector
     * @param uapi         serves the device's userspace API ({@code wg show}) from right after the
     *                     device is up (so PostUp and PreDown hooks can use {@code wg} on it, as with
     *                     wg-quick) until just before it is closed
     */
    public record Options(boolean allowScripts, EndpointResolver resolver, Consumer<List<List<String>>> journal,
                          Consumer<String> log, Command.Runner runner, UapiServer uapi) {
        public Options {
            Objects.requireNonNull(resolver, "resolver");
            Objects.requireNonNull(journal, "journal");
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(runner, "runner");
            Objects.requireNonNull(uapi, "uapi");
        }

        /** Options serving no UAPI. */
        public Options(boolean allowScripts, EndpointResolver resolver, Consumer<List<List<String>>> journal,
                       Consumer<String> log, Command.Runner runner) {
            this(allowScripts, resolver, journal, log, runner, UapiServer.NONE);
        }

        /** Options running programs on this system ({@link Command#SYSTEM}). */
        public Options(boolean allowScripts, EndpointResolver resolver, Consumer<List<List<String>>> journal,
                       Consumer<String> log) {
            this(allowScripts, resolver, journal, log, Command.SYSTEM);
        }
    }

    /** An undo action with a description for error messages; {@code killSwitch}: it removes the kill switch. */
    private record Undo(String what, IoAction action, boolean killSwitch) {
        Undo(String what, IoAction action) {
            this(what, action, false);
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private final String name;
    private final Device device;
    private final int mtu;
    private final List<String> warnings;
    private final Deque<Undo> undo;
    private final List<String> preDown;
    private final List<String> postDown;
    private final boolean allowScripts;
    private final Consumer<String> log;
    private final Command.Runner runner;
    private boolean down;
    private boolean stopped; // stopKeepingKillSwitch ran: only the kill switch is left to undo

    private LinuxTunnel(String name, Device device, int mtu, List<String> warnings, Deque<Undo> undo,
                        InterfaceConfig iface, Options opts) {
        this.name = name;
        this.device = device;
        this.mtu = mtu;
        this.warnings = List.copyOf(warnings);
        this.undo = undo;
        this.preDown = iface.preDown();
        this.postDown = iface.postDown();
        this.allowScripts = opts.allowScripts();
        this.log = opts.log();
        this.runner = opts.runner();
    }

    /** The steps done so far and the step in progress, for rollback and error reports. */
    private static final class Progress {
        final Deque<Undo> undo = new ArrayDeque<>();
        final List<String> warnings = new ArrayList<>();
        String step = "plan";
    }

    /**
     * Brings the tunnel up.
     *
     * @param name   the interface name
     * @param config the configuration; not destroyed (the device keeps its own copies of the keys)
     * @throws ActivationException naming the failed step, after undoing what was done
     */
    public static LinuxTunnel activate(String name, TunnelConfig config, Options opts) throws ActivationException {
        Progress pr = new Progress();
        long t0 = System.nanoTime();
        InterfaceConfig ic = config.interfaceConfig();
        Command.Runner run = opts.runner();
        Dns.Runner dnsRun = (argv, stdin) -> run.run(argv, stdin, Map.of(), Command.DEFAULT_TIMEOUT_SECONDS);
        try {
            // ---- plan: nothing changes yet ----
            pr.step = "resolve endpoints";
            Map<PublicKey, InetSocketAddress> endpoints = DeviceSetup.resolveEndpoints(config, opts.resolver());
            pr.step = "MTU";
            int mtu = ic.mtu().isPresent() ? ic.mtu().getAsInt() : autoMtu(endpoints.values(), run);
            pr.step = "plan";
            RouteTable table = ic.table();
            List<IpPrefix> prefixes = NetPlan.routePrefixes(config);
            List<IpPrefix> defaults = prefixes.stream().filter(p -> NetPlan.isFullTunnel(p, table)).toList();
            long fwTable = 0;
            if (!defaults.isEmpty()) {
                fwTable = ic.fwMark().isPresent() && ic.fwMark().getAsLong() != 0 ? ic.fwMark().getAsLong() : freeTable(run);
            }
            Dns.Plan dns = Dns.plan(ic.dnsServers().isEmpty() && ic.dnsSearchDomains().isEmpty() ? Dns.Method.NONE
                    : Dns.detect((argv, stdin) -> run.run(argv, stdin, Map.of(), 5), Dns.RESOLVED_SOCKET.getParent(),
                            run::onPath), name, ic.dnsServers(), ic.dnsSearchDomains(), ic.dnsRoutingDomains(),
                    !defaults.isEmpty());
            Firewall.Method fwMethod = defaults.isEmpty() ? Firewall.Method.NONE : Firewall.detect(run::onPath);
            Firewall.Lan lan = defaults.isEmpty() ? null
                    : fwMethod == Firewall.Method.NFT ? localNetwork(name, run) : Firewall.Lan.NONE;
            Firewall.Plan firewall = Firewall.plan(fwMethod, name, ic.addresses(), defaults, fwTable, lan);
            if (defaults.isEmpty() && prefixes.stream().anyMatch(NetPlan::isDefault)) {
                opts.log().accept("AllowedIPs has a default route but Table = " + table
                        + ": no policy routing and no kill switch (they need Table = auto)");
            }
            List<List<String>> journal = new ArrayList<>();
            for (IpPrefix d : defaults) {
                NetPlan.fullTunnel(name, d, fwTable).forEach(c -> journal.add(c.undo()));
            }
            journal.addAll(firewall.undo());
            journal.addAll(dns.undo());
            opts.journal().accept(List.copyOf(journal));

            // ---- hooks before ----
            pr.step = "PreUp";
            hooks("PreUp", name, ic.preUp(), opts, pr.warnings);
            if (ic.saveConfig()) {
                pr.warnings.add("SaveConfig is not supported by wgdesk; ignored");
            }

            // ---- interface and device ----
            pr.step = "interface";
            opts.log().accept("Creating interface " + name + " with MTU " + mtu);
            long tPlan = System.nanoTime();
            Tun tun = new LinuxTunProvider().create(name, mtu);
            long tTun = System.nanoTime();
            pr.undo.push(new Undo("close interface " + name, tun::close));
            pr.step = "device";
            Device device = new Device(tun, BindProvider.createBest(), Clock.system());
            pr.undo.pop();
            pr.undo.push(new Undo("close device and interface " + name, device::close));
            long mark = ic.fwMark().orElse(0) != 0 ? ic.fwMark().getAsLong() : fwTable;
            DeviceSetup.configure(device, config, endpoints, (int) mark);
            device.up();
            long tDevice = System.nanoTime();
            opts.log().accept("Engine up on UDP port " + device.listenPort()
                    + (device.fwmark() != 0 ? ", fwmark " + device.fwmark() : ""));
            pr.step = "UAPI";
            UapiServer.Endpoint uapi = opts.uapi().serveOrWarn(name, new DeviceUapiTarget(device), w -> {
                pr.warnings.add(w);
                opts.log().accept(w);
            });
            if (uapi != UapiServer.Endpoint.NONE) {
                opts.log().accept("wg show " + name + ": userspace API on " + uapi.address());
                pr.undo.push(new Undo("stop serving " + uapi.address(), uapi::close));
            }

            // ---- firewall (before the addresses exist), addresses, DNS, routes ----
            pr.step = "firewall";
            if (firewall.warning() != null) {
                pr.warnings.add(firewall.warning());
                opts.log().accept("WARNING: " + firewall.warning());
            }
            boolean killSwitch = lan != null && firewall.method() == Firewall.Method.NFT;
            for (Firewall.Step s : firewall.steps()) {
                opts.log().accept(s.stdin() == null ? String.join(" ", s.argv())
                        : "Anti-spoofing rules: nft table inet " + Firewall.tableName(name)
                        + (killSwitch ? ", with the kill switch (LAN: " + describe(lan) + ")" : ""));
                Firewall.apply(s, run);
                pr.undo.push(new Undo(String.join(" ", s.undo()), () -> run.check(s.undo()), killSwitch));
            }
            if (killSwitch) {
                followLan(name, lan, pr, opts);
            }
            pr.step = "addresses";
            for (NetPlan.Cmd c : NetPlan.addresses(name, ic.addresses())) {
                apply(c, pr, opts);
            }
            pr.step = "DNS";
            for (String n : dns.notices()) {
                pr.warnings.add(n);
                opts.log().accept("WARNING: " + n);
            }
            if (dns.warning() != null) {
                pr.warnings.add(dns.warning());
            } else if (!dns.apply().isEmpty()) {
                pr.undo.push(new Undo("revert DNS", () -> Dns.revert(dns, dnsRun)));
                Dns.apply(dns, dnsRun);
                opts.log().accept("DNS set through " + (dns.method() == Dns.Method.RESOLVED ? "systemd-resolved" : "resolvconf")
                        + (dns.split() ? " (split DNS: " + String.join(" ", dns.apply().stream()
                                .filter(a -> a.argv().size() > 3 && a.argv().get(1).equals("domain"))
                                .findFirst().map(a -> a.argv().subList(3, a.argv().size())).orElse(List.of()))
                                + " to the tunnel's servers, other names to the other links' servers)" : ""));
            }
            pr.step = "routes";
            if (table.kind() != RouteTable.Kind.OFF) {
                for (IpPrefix p : prefixes) {
                    if (NetPlan.isFullTunnel(p, table)) {
                        if (p.isIpv4()) {
                            enableSrcValidMark(opts);
                        }
                        for (NetPlan.Cmd c : NetPlan.fullTunnel(name, p, fwTable)) {
                            apply(c, pr, opts);
                        }
                    } else if (table.kind() != RouteTable.Kind.AUTO || !coveredByExistingRoute(name, p, run)) {
                        apply(NetPlan.route(name, p, table), pr, opts);
                    }
                }
            }

            // ---- hooks after ----
            pr.step = "PostUp";
            hooks("PostUp", name, ic.postUp(), opts, pr.warnings);
            if (!ic.preDown().isEmpty() && !opts.allowScripts()) {
                pr.warnings.add(Hooks.disabledWarning("PreDown", ic.preDown().size()));
            }
            if (!ic.postDown().isEmpty() && !opts.allowScripts()) {
                pr.warnings.add(Hooks.disabledWarning("PostDown", ic.postDown().size()));
            }
            opts.log().accept(String.format(java.util.Locale.ROOT,
                    "Activation steps (ms): plan %.1f, interface %.1f, device %.1f, the rest %.1f",
                    (tPlan - t0) / 1e6, (tTun - tPlan) / 1e6, (tDevice - tTun) / 1e6, (System.nanoTime() - tDevice) / 1e6));
            return new LinuxTunnel(name, device, mtu, pr.warnings, pr.undo, ic, opts);
        } catch (IOException | RuntimeException e) {
            List<String> leftovers = undoAll(pr.undo);
            String msg = describe(e) + (leftovers.isEmpty() ? "" : "; could not undo: " + String.join("; ", leftovers));
            throw new ActivationException(pr.step, msg, e);
        }
    }

    /**
     * Keeps the kill switch's LAN sets up to date ({@link LanRefresh}) while the kill switch is
     * in place: a {@link DefaultRouteMonitor#startForAnyMainRoute} on this thread's network namespace, stopped (before the
     * table is deleted) with the kill switch. Without the monitor the LAN stays as read at
     * activation, which is logged as a warning and is no reason to fail.
     */
    private static void followLan(String name, Firewall.Lan lan, Progress pr, Options opts) {
        LanRefresh refresh = new LanRefresh(name, lan, opts.runner(), opts.log(), LanRefresh.ownThread(name));
        DefaultRouteMonitor monitor;
        try {
            monitor = DefaultRouteMonitor.startForAnyMainRoute(refresh::changed);
        } catch (IOException | RuntimeException e) {
            refresh.close();
            opts.log().accept("WARNING: not watching the routing table: the kill switch lets through the local network"
                    + " as it was at activation until the tunnel is reconnected: " + e.getMessage());
            return;
        }
        pr.undo.push(new Undo("stop following the local network", () -> {
            monitor.close();
            refresh.close();
        }, true));
    }

    private static String describe(Exception e) {
        if (e instanceof UnknownHostException u) {
            return "cannot resolve " + u.getMessage();
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void hooks(String kind, String dev, List<String> commands, Options opts, List<String> warnings)
            throws CommandException {
        if (commands.isEmpty()) {
            return;
        }
        if (!opts.allowScripts()) {
            warnings.add(Hooks.disabledWarning(kind, commands.size()));
            return;
        }
        Hooks.run(kind, dev, commands, opts.log(), opts.runner());
    }

    private static void apply(NetPlan.Cmd c, Progress pr, Options opts) throws CommandException {
        opts.log().accept(String.join(" ", c.apply()));
        Command.Runner run = opts.runner();
        run.check(c.apply());
        pr.undo.push(new Undo(String.join(" ", c.undo()), () -> run.check(c.undo())));
    }

    /** Runs every undo action, newest first; returns what failed. */
    private static List<String> undoAll(Deque<Undo> undo) {
        List<String> failed = new ArrayList<>();
        while (!undo.isEmpty()) {
            Undo u = undo.pop();
            try {
                u.action().run();
            } catch (IOException | RuntimeException e) {
                failed.add(u.what() + ": " + describe(e));
            }
        }
        return failed;
    }

    /* ====================== planning helpers ====================== */

    /**
     * The local network the kill switch lets through ({@link Firewall.Lan#fromRoutes}): the main
     * table's routes without a gateway on other interfaces, read before the tunnel changes anything.
     */
    static Firewall.Lan localNetwork(String name, Command.Runner run) throws CommandException {
        String v4 = run.run(List.of("ip", "-4", "route", "show", "table", "main"), null, Map.of(),
                Command.DEFAULT_TIMEOUT_SECONDS).stdout();
        String v6 = run.run(List.of("ip", "-6", "route", "show", "table", "main"), null, Map.of(),
                Command.DEFAULT_TIMEOUT_SECONDS).stdout();
        return Firewall.Lan.fromRoutes(name, v4, v6);
    }

    static String describe(Firewall.Lan lan) {
        List<String> all = new ArrayList<>();
        lan.v4().forEach(p -> all.add(p.toString()));
        lan.v6().forEach(p -> all.add(p.toString()));
        return all.isEmpty() ? "none" : String.join(", ", all);
    }

    /**
     * wg-quick's automatic MTU: the largest MTU of the routes towards the endpoints, minus 80
     * (asked over rtnetlink, {@link Command.Runner#pathMtu}); without endpoints, the default
     * route's (by running {@code ip route show default}, as wg-quick does).
     */
    private static int autoMtu(Iterable<InetSocketAddress> endpoints, Command.Runner run) throws CommandException {
        int best = 0;
        for (InetSocketAddress e : endpoints) {
            best = Math.max(best, run.pathMtu(e.getAddress()));
        }
        if (best == 0) {
            String out = run.run(List.of("ip", "route", "show", "default"), null, Map.of(),
                    Command.DEFAULT_TIMEOUT_SECONDS).stdout();
            String first = out.lines().findFirst().orElse("");
            best = pathMtu(first, run);
        }
        return NetPlan.autoMtu(best == 0 ? OptionalInt.empty() : OptionalInt.of(best));
    }

    private static int pathMtu(String routeOutput, Command.Runner run) throws CommandException {
        OptionalInt m = NetPlan.mtuIn(routeOutput);
        if (m.isPresent()) {
            return m.getAsInt();
        }
        String dev = NetPlan.devIn(routeOutput);
        if (dev == null) {
            return 0;
        }
        Command.Result r = run.run(List.of("ip", "link", "show", "dev", dev), null, Map.of(),
                Command.DEFAULT_TIMEOUT_SECONDS);
        return r.exitCode() == 0 ? NetPlan.mtuIn(r.stdout()).orElse(0) : 0;
    }

    /** The first table from 51820 with no IPv4 and no IPv6 routes, as wg-quick picks it. */
    private static long freeTable(Command.Runner run) throws CommandException {
        for (long t = NetPlan.FIRST_TABLE; t < NetPlan.FIRST_TABLE + 1000; t++) {
            String v4 = run.run(List.of("ip", "-4", "route", "show", "table", Long.toString(t)), null, Map.of(),
                    Command.DEFAULT_TIMEOUT_SECONDS).stdout();
            String v6 = run.run(List.of("ip", "-6", "route", "show", "table", Long.toString(t)), null, Map.of(),
                    Command.DEFAULT_TIMEOUT_SECONDS).stdout();
            if (v4.isBlank() && v6.isBlank()) {
                return t;
            }
        }
        throw new CommandException(List.of("ip", "route", "show", "table"), "no free routing table from 51820 to 52819");
    }

    /** wg-quick skips a route the interface already has (e.g. the subnet of its own address). */
    private static boolean coveredByExistingRoute(String dev, IpPrefix p, Command.Runner run) throws CommandException {
        Command.Result r = run.run(List.of("ip", NetPlan.family(p), "route", "show", "dev", dev, "match", p.toString()),
                null, Map.of(), Command.DEFAULT_TIMEOUT_SECONDS);
        return r.exitCode() == 0 && !r.stdout().isBlank();
    }

    /** net.ipv4.conf.all.src_valid_mark=1, as wg-quick sets it for a full tunnel (not undone, like wg-quick). */
    private static void enableSrcValidMark(Options opts) throws IOException {
        Path p = Path.of("/proc/sys/net/ipv4/conf/all/src_valid_mark");
        if (Files.exists(p) && !Files.readString(p).strip().equals("1")) {
            Files.writeString(p, "1\n");
            opts.log().accept("sysctl net.ipv4.conf.all.src_valid_mark=1");
        }
    }

    /* ====================== running tunnel ====================== */

    /** The interface name. */
    public String name() {
        return name;
    }

    /** The engine device. */
    public Device device() {
        return device;
    }

    /** A snapshot of the device; the caller destroys the key copies in it. */
    public DeviceSnapshot snapshot() {
        return device.snapshot();
    }

    /** The MTU the interface was created with. */
    public int mtu() {
        return mtu;
    }

    /**
     * What was not applied: DNS without a resolver manager, a full tunnel's packet filter rules
     * without nft or iptables, hooks disabled by policy, SaveConfig.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** False once the device closed, e.g. because the interface was deleted from outside. */
    public boolean isAlive() {
        return !device.isClosed();
    }

    /** Why the device closed itself (a data-path failure), or null; see {@link Device#failureReason()}. */
    public String failureReason() {
        return device.failureReason();
    }

    /**
     * PreDown hooks, everything undone in reverse order, PostDown hooks. Idempotent. After
     * {@link #stopKeepingKillSwitch()}, only removes the kill switch.
     *
     * @return what could not be undone (hook failures included); empty when all went well
     */
    public synchronized List<String> deactivate() {
        if (down) {
            return List.of();
        }
        down = true;
        List<String> problems = new ArrayList<>();
        if (stopped) {
            problems.addAll(undoAll(undo));
            log.accept("Kill switch removed");
            return problems;
        }
        runDownHooks("PreDown", preDown, problems);
        problems.addAll(undoAll(undo));
        runDownHooks("PostDown", postDown, problems);
        log.accept("Deactivated");
        return problems;
    }

    /** True if this tunnel has a kill switch (nftables, a full tunnel) in place. */
    public synchronized boolean hasKillSwitch() {
        return !down && undo.stream().anyMatch(Undo::killSwitch);
    }

    /**
     * For a tunnel that died: does what {@link #deactivate()} does except removing the kill
     * switch, which keeps blocking traffic outside the tunnel until {@link #deactivate()}. Without
     * a kill switch, the same as {@link #deactivate()}. Idempotent.
     *
     * @return what could not be undone
     */
    public synchronized List<String> stopKeepingKillSwitch() {
        if (down || stopped) {
            return List.of();
        }
        if (undo.stream().noneMatch(Undo::killSwitch)) {
            return deactivate();
        }
        stopped = true;
        List<String> problems = new ArrayList<>();
        runDownHooks("PreDown", preDown, problems);
        Deque<Undo> kept = new ArrayDeque<>();
        Deque<Undo> rest = new ArrayDeque<>();
        for (Undo u : undo) { // newest first
            (u.killSwitch() ? kept : rest).addLast(u);
        }
        undo.clear();
        undo.addAll(kept);
        problems.addAll(undoAll(rest));
        runDownHooks("PostDown", postDown, problems);
        log.accept("Stopped; the kill switch (nft table inet " + Firewall.tableName(name)
                + ") keeps blocking traffic outside the tunnel until the tunnel is deactivated");
        return problems;
    }

    private void runDownHooks(String kind, List<String> commands, List<String> problems) {
        if (commands.isEmpty() || !allowScripts) {
            return;
        }
        try {
            Hooks.run(kind, name, commands, log, runner);
        } catch (CommandException e) {
            problems.add(kind + ": " + e.getMessage());
        }
    }

    /**
     * Cleans up after a crashed helper: deletes the interface {@code name} if it still exists and
     * is a TUN device (never someone else's kind of interface), then runs the journaled undo
     * commands. Failures are expected (the crash may have taken things with it) and ignored.
     *
     * @return one line per thing actually removed
     */
    public static List<String> cleanupStale(String name, List<List<String>> undo) {
        return cleanupStale(name, undo, Command.SYSTEM);
    }

    /** {@link #cleanupStale(String, List)} running the commands through {@code runner}. */
    public static List<String> cleanupStale(String name, List<List<String>> undo, Command.Runner runner) {
        List<String> done = new ArrayList<>();
        if (Files.exists(Path.of("/sys/class/net", name, "tun_flags"))) {
            try {
                runner.check(List.of("ip", "link", "del", "dev", name));
                done.add("removed stale interface " + name);
            } catch (CommandException e) {
                // gone meanwhile
            }
        }
        for (List<String> c : undo) {
            try {
                runner.check(c);
                done.add(String.join(" ", c));
            } catch (CommandException e) {
                // already undone
            }
        }
        return done;
    }
}
