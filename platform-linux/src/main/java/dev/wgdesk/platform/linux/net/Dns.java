package dev.wgdesk.platform.linux.net;

import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.RoutingDomain;
import dev.wgdesk.engine.config.SearchDomain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies a tunnel's {@code DNS =} servers and search domains: through systemd-resolved
 * ({@code resolvectl}) when it runs, else through {@code resolvconf}, else not at all, which is
 * reported as a warning (never silently).
 *
 * <p>systemd-resolved routes each query by domain: a link whose routing or search domain is the
 * longest suffix of the name gets it; only when no link claims the name does it go, in parallel,
 * to every link with {@code DefaultRoute} (the first good answer wins). wgdesk does what
 * {@code wg-quick} does on such a system (through resolvectl's resolvconf compatibility, whose
 * {@code -x} adds {@code ~.}, for split tunnels too), because a wg-quick file's {@code DNS =}
 * means "use these servers" — the common Pi-hole-at-home set-up with {@code AllowedIPs} of just
 * the home network relies on it:
 * <ul>
 *   <li>with servers: {@code resolvectl dns IFACE SERVERS}, {@code resolvectl domain IFACE
 *       [DOMAINS] ~.}, {@code resolvectl default-route IFACE true}. {@code ~.} claims every name,
 *       so no query goes to another link's servers unless that link claims a longer suffix (its
 *       own LAN domain, say); the search domains still complete short names. Without {@code ~.}
 *       resolved would ask the tunnel's servers and the LAN's at once for every name (seen with
 *       resolved 252), a leak and a race.</li>
 *   <li><b>split DNS</b>, servers and at least one routing-only domain ({@code DNS = 10.0.0.53,
 *       ~corp.example}) but no {@code ~.}: {@code resolvectl dns IFACE SERVERS},
 *       {@code resolvectl domain IFACE [DOMAINS] ~corp.example ...} without {@code ~.}, and
 *       {@code resolvectl default-route IFACE false}: only names under the search and routing
 *       domains go to the tunnel's servers, every other name to the other links' servers as if
 *       the tunnel were not there (NetworkManager's per-domain VPN DNS). A routing domain that
 *       repeats a search domain is left out: a search domain routes too, and resolved would
 *       otherwise keep only the later spelling and drop the search suffix (seen with 252). In a
 *       full tunnel resolved still sends the other names by the other link ({@code IP_UNICAST_IF}),
 *       not through the tunnel: to a server on the directly connected LAN, which the kill switch
 *       lets through (a DNS leak the user asked for), while one behind the LAN's gateway is
 *       dropped by the kill switch, so those names fail; {@link Plan#notices()} says so
 *       (both checked in {@code ResolvedDnsTest}).</li>
 *   <li>{@code ~.} among the routing domains: as without any, every name (the other routing
 *       domains are passed on, with {@code ~.} last).</li>
 *   <li>search domains without servers: only {@code resolvectl domain IFACE DOMAINS}; routing
 *       domains without servers route to nothing and are left out, with a notice.</li>
 * </ul>
 * All of it is undone by {@code resolvectl revert IFACE}, which resets every per-link setting
 * (servers, domains, default route). resolved forgets a link's settings when the link disappears,
 * so {@link #revert} takes a failed revert of an interface that no longer exists as done.
 *
 * <p>resolvconf: the {@code nameserver}/{@code search} lines on standard input of
 * {@code resolvconf -a [tun.]IFACE -m 0 -x}, as {@code wg-quick} does (always exclusive); undone
 * by {@code resolvconf -d [tun.]IFACE -f}. resolv.conf has no per-domain routing, so split DNS is
 * not possible there: the routing domains are left out of the {@code search} line (stock
 * wg-quick writes them into it, {@code ~} included, and openresolv 3.12 copies them into
 * resolv.conf as junk search suffixes) and the tunnel's servers answer every name, the safe
 * choice (no name meant for the tunnel goes to the LAN), which {@link Plan#notices()} says loudly.
 *
 * <p>Checked against a real systemd-resolved (252) by {@code ResolvedDnsTest}.
 */
public final class Dns {
    /** How DNS can be configured on this system. */
    public enum Method { RESOLVED, RESOLVCONF, NONE }

    /** The socket systemd-resolved listens on when it runs. */
    static final Path RESOLVED_SOCKET = Path.of("/run/systemd/resolve/io.systemd.Resolve");

    /**
     * What to run.
     *
     * @param method  how
     * @param apply   commands with their standard input (null for none)
     * @param undo    commands reverting them
     * @param warning set when DNS servers are configured but cannot be applied (then nothing is)
     * @param dev     the interface
     * @param notices what the user must know although the plan is applied (split DNS that this
     *                method cannot do, routing domains without servers, names leaving a full
     *                tunnel): shown as warnings at activation
     */
    public record Plan(Method method, List<Apply> apply, List<List<String>> undo, String warning, String dev,
                       List<String> notices) {
        public Plan {
            apply = List.copyOf(apply);
            undo = List.copyOf(undo);
            notices = List.copyOf(notices);
        }

        /** A plan without notices. */
        public Plan(Method method, List<Apply> apply, List<List<String>> undo, String warning, String dev) {
            this(method, apply, undo, warning, dev, List.of());
        }

        /** Whether names outside the routing and search domains bypass the tunnel's servers (resolved only). */
        public boolean split() {
            return apply.stream().anyMatch(a -> a.argv().equals(List.of("resolvectl", "default-route", dev, "false")));
        }
    }

    /** A command and its standard input. */
    public record Apply(List<String> argv, String stdin) {
        public Apply {
            argv = List.copyOf(argv);
        }
    }

    /** Runs one command and returns how it ended; tests run the commands inside a namespace. */
    @FunctionalInterface
    interface Runner {
        Command.Result run(List<String> argv, String stdin) throws CommandException;
    }

    /** Runs commands here, with {@link Command#DEFAULT_TIMEOUT_SECONDS}. */
    static final Runner HOST = (argv, stdin) -> Command.run(argv, stdin, Map.of(), Command.DEFAULT_TIMEOUT_SECONDS);

    private Dns() {}

    /** How DNS is managed here: systemd-resolved if it runs, else resolvconf if installed. */
    public static Method detect() {
        return detect((argv, stdin) -> Command.run(argv, stdin, Map.of(), 5), RESOLVED_SOCKET.getParent(), Dns::onPath);
    }

    /**
     * systemd-resolved counts as running when {@code resolvectl} is installed, its runtime
     * directory shows a resolved (the varlink socket of version 246 and later, or the
     * {@code resolv.conf} every version writes) and it answers {@code resolvectl status}: files
     * left in {@code /run} by a stopped resolved must not send DNS to a service that is gone.
     */
    static Method detect(Runner runner, Path resolvedRuntimeDir, java.util.function.Predicate<String> onPath) {
        if (onPath.test("resolvectl") && (Files.exists(resolvedRuntimeDir.resolve(RESOLVED_SOCKET.getFileName()))
                || Files.exists(resolvedRuntimeDir.resolve("resolv.conf")))) {
            try {
                if (runner.run(List.of("resolvectl", "--no-pager", "status"), null).exitCode() == 0) {
                    return Method.RESOLVED;
                }
            } catch (CommandException e) {
                // not answering: treat as not running
            }
        }
        return onPath.test("resolvconf") ? Method.RESOLVCONF : Method.NONE;
    }

    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** {@link #plan(Method, String, List, List, List, boolean)} without routing domains. */
    public static Plan plan(Method method, String dev, List<DnsServer> servers, List<SearchDomain> domains,
                            boolean fullTunnel) {
        return plan(method, dev, servers, domains, List.of(), fullTunnel);
    }

    /**
     * The commands for {@code method}.
     *
     * @param routing    the routing-only domains ({@code ~corp.example}, {@code ~.})
     * @param fullTunnel whether all traffic goes through the tunnel (then so do all DNS queries,
     *                   except, with split DNS, those the LAN's own resolver gets)
     */
    public static Plan plan(Method method, String dev, List<DnsServer> servers, List<SearchDomain> domains,
                            List<RoutingDomain> routing, boolean fullTunnel) {
        List<String> notices = new ArrayList<>();
        if (servers.isEmpty() && !routing.isEmpty()) {
            notices.add("DNS routing domain(s) " + joined(routing) + " without a DNS server in DNS = route names"
                    + " to no server; ignored");
            routing = List.of();
        }
        if (servers.isEmpty() && domains.isEmpty()) {
            return new Plan(method, List.of(), List.of(), null, dev, notices);
        }
        List<String> ips = servers.stream().map(s -> s.address().toString()).toList();
        List<String> names = domains.stream().map(SearchDomain::name).toList();
        boolean all = routing.stream().anyMatch(RoutingDomain::isAll);
        boolean split = !ips.isEmpty() && !routing.isEmpty() && !all;
        // A search domain routes as well; the same domain as a routing domain would turn it route-only.
        List<String> routed = routing.stream().filter(r -> !r.isAll())
                .filter(r -> domains.stream().noneMatch(r::sameDomainAs)).map(RoutingDomain::toString).toList();
        return switch (method) {
            case RESOLVED -> {
                List<Apply> apply = new ArrayList<>();
                boolean exclusive = !ips.isEmpty() && !split; // as wg-quick: DNS servers answer every name
                if (!ips.isEmpty()) {
                    List<String> argv = new ArrayList<>(List.of("resolvectl", "dns", dev));
                    argv.addAll(ips);
                    apply.add(new Apply(argv, null));
                }
                List<String> doms = new ArrayList<>(names);
                if (!ips.isEmpty()) {
                    doms.addAll(routed);
                }
                if (exclusive) {
                    doms.add("~.");
                }
                if (split && fullTunnel) {
                    notices.add("split DNS in a full tunnel: only names under " + String.join(", ", concat(names, routed))
                            + " go to the tunnel's DNS server(s) " + String.join(", ", ips) + "; every other name goes"
                            + " to this computer's other DNS servers outside the tunnel (systemd-resolved sends them by"
                            + " their own link): one on the local network is reached (the kill switch lets the LAN"
                            + " through); one behind the LAN's gateway is dropped by the nft kill switch, so those names"
                            + " do not resolve (without nft there is no kill switch and they leave by the LAN too);"
                            + " add ~. to DNS = to send every name through the tunnel");
                }
                if (!doms.isEmpty()) {
                    List<String> argv = new ArrayList<>(List.of("resolvectl", "domain", dev));
                    argv.addAll(doms);
                    apply.add(new Apply(argv, null));
                }
                if (!ips.isEmpty()) {
                    apply.add(new Apply(List.of("resolvectl", "default-route", dev, Boolean.toString(exclusive)), null));
                }
                yield new Plan(method, apply, List.of(List.of("resolvectl", "revert", dev)), null, dev, notices);
            }
            case RESOLVCONF -> {
                if (split) {
                    notices.add("split DNS (" + joined(routing) + ") is not possible with resolvconf, which has no"
                            + " per-domain DNS: the tunnel's DNS server(s) " + String.join(", ", ips)
                            + " answer every name instead (use systemd-resolved for split DNS)");
                }
                StringBuilder in = new StringBuilder();
                ips.forEach(ip -> in.append("nameserver ").append(ip).append('\n'));
                if (!names.isEmpty()) {
                    in.append("search ").append(String.join(" ", names)).append('\n');
                }
                String record = resolvconfPrefix() + dev;
                yield new Plan(method, List.of(new Apply(List.of("resolvconf", "-a", record, "-m", "0", "-x"), in.toString())),
                        List.of(List.of("resolvconf", "-d", record, "-f")), null, dev, notices);
            }
            case NONE -> new Plan(method, List.of(), List.of(),
                    "DNS not applied: neither systemd-resolved nor resolvconf is available; set DNS server(s) "
                            + String.join(", ", ips) + (names.isEmpty() ? "" : " and search domain(s) "
                            + String.join(", ", names)) + (routing.isEmpty() ? "" : " (for " + joined(routing)
                            + " only)") + " by hand", dev, notices);
        };
    }

    private static String joined(List<RoutingDomain> routing) {
        return String.join(", ", routing.stream().map(RoutingDomain::toString).toList());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** {@code tun.} when resolvconf orders interfaces by that prefix (Debian's resolvconf), as wg-quick checks. */
    static String resolvconfPrefix() {
        try {
            Path order = Path.of("/etc/resolvconf/interface-order");
            if (Files.exists(order)) {
                for (String line : Files.readAllLines(order)) {
                    if (line.strip().startsWith("tun.")) {
                        return "tun.";
                    }
                }
            }
        } catch (IOException ignored) {
            // no prefix then
        }
        return "";
    }

    /** Runs a plan's commands; the first failure throws. */
    static void apply(Plan plan) throws CommandException {
        apply(plan, HOST);
    }

    /** {@link #apply(Plan)} through {@code runner}. */
    static void apply(Plan plan, Runner runner) throws CommandException {
        for (Apply a : plan.apply()) {
            Command.Result r = runner.run(a.argv(), a.stdin());
            if (r.exitCode() != 0) {
                throw new CommandException(a.argv(), r);
            }
        }
    }

    /**
     * Runs a plan's undo commands, every one even after a failure; the first failure throws. A
     * failed {@code resolvectl revert} of an interface that no longer exists ({@code ip link show}
     * fails too) is not a failure: resolved dropped the link's settings with the link, as when the
     * interface was deleted from outside or the helper died with it.
     */
    static void revert(Plan plan) throws CommandException {
        revert(plan, HOST);
    }

    /** {@link #revert(Plan)} through {@code runner}. */
    static void revert(Plan plan, Runner runner) throws CommandException {
        CommandException first = null;
        for (List<String> argv : plan.undo()) {
            Command.Result r = runner.run(argv, null);
            if (r.exitCode() == 0 || plan.method() == Method.RESOLVED && !linkExists(plan.dev(), runner)) {
                continue;
            }
            if (first == null) {
                first = new CommandException(argv, r);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static boolean linkExists(String dev, Runner runner) throws CommandException {
        return runner.run(List.of("ip", "link", "show", "dev", dev), null).exitCode() == 0;
    }
}
