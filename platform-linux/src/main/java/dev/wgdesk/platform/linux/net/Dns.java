package dev.wgdesk.platform.linux.net;

import dev.wgdesk.engine.config.DnsServer;
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
 *       resolved 252), a leak and a race. NetworkManager's per-domain "split DNS" for a VPN that
 *       does not hold the default route cannot be expressed in a wg-quick file and is not done.</li>
 *   <li>search domains without servers: only {@code resolvectl domain IFACE DOMAINS}.</li>
 * </ul>
 * All of it is undone by {@code resolvectl revert IFACE}, which resets every per-link setting
 * (servers, domains, default route). resolved forgets a link's settings when the link disappears,
 * so {@link #revert} takes a failed revert of an interface that no longer exists as done.
 *
 * <p>resolvconf: the {@code nameserver}/{@code search} lines on standard input of
 * {@code resolvconf -a [tun.]IFACE -m 0 -x}, as {@code wg-quick} does (always exclusive); undone
 * by {@code resolvconf -d [tun.]IFACE -f}.
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
     * @param warning set when DNS servers are configured but cannot be applied
     * @param dev     the interface
     */
    public record Plan(Method method, List<Apply> apply, List<List<String>> undo, String warning, String dev) {
        public Plan {
            apply = List.copyOf(apply);
            undo = List.copyOf(undo);
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

    /**
     * The commands for {@code method}.
     *
     * @param fullTunnel whether all traffic goes through the tunnel (then so do all DNS queries)
     */
    public static Plan plan(Method method, String dev, List<DnsServer> servers, List<SearchDomain> domains,
                            boolean fullTunnel) {
        if (servers.isEmpty() && domains.isEmpty()) {
            return new Plan(method, List.of(), List.of(), null, dev);
        }
        List<String> ips = servers.stream().map(s -> s.address().toString()).toList();
        List<String> names = domains.stream().map(SearchDomain::name).toList();
        return switch (method) {
            case RESOLVED -> {
                List<Apply> apply = new ArrayList<>();
                boolean exclusive = !ips.isEmpty(); // as wg-quick: DNS servers answer every name
                if (!ips.isEmpty()) {
                    List<String> argv = new ArrayList<>(List.of("resolvectl", "dns", dev));
                    argv.addAll(ips);
                    apply.add(new Apply(argv, null));
                }
                List<String> doms = new ArrayList<>(names);
                if (exclusive) {
                    doms.add("~.");
                }
                if (!doms.isEmpty()) {
                    List<String> argv = new ArrayList<>(List.of("resolvectl", "domain", dev));
                    argv.addAll(doms);
                    apply.add(new Apply(argv, null));
                }
                if (!ips.isEmpty()) {
                    apply.add(new Apply(List.of("resolvectl", "default-route", dev, Boolean.toString(exclusive)), null));
                }
                yield new Plan(method, apply, List.of(List.of("resolvectl", "revert", dev)), null, dev);
            }
            case RESOLVCONF -> {
                StringBuilder in = new StringBuilder();
                ips.forEach(ip -> in.append("nameserver ").append(ip).append('\n'));
                if (!names.isEmpty()) {
                    in.append("search ").append(String.join(" ", names)).append('\n');
                }
                String record = resolvconfPrefix() + dev;
                yield new Plan(method, List.of(new Apply(List.of("resolvconf", "-a", record, "-m", "0", "-x"), in.toString())),
                        List.of(List.of("resolvconf", "-d", record, "-f")), null, dev);
            }
            case NONE -> new Plan(method, List.of(), List.of(),
                    "DNS not applied: neither systemd-resolved nor resolvconf is available; set DNS server(s) "
                            + String.join(", ", ips) + (names.isEmpty() ? "" : " and search domain(s) "
                            + String.join(", ", names)) + " by hand", dev);
        };
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
