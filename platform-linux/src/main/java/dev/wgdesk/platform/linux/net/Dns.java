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
 * <ul>
 *   <li>systemd-resolved: {@code resolvectl dns IFACE SERVERS}, {@code resolvectl domain IFACE
 *       DOMAINS} (plus {@code ~.} for a full tunnel, so every query goes through the tunnel);
 *       undone by {@code resolvectl revert IFACE}.</li>
 *   <li>resolvconf: the {@code nameserver}/{@code search} lines on standard input of
 *       {@code resolvconf -a [tun.]IFACE -m 0 -x}, as {@code wg-quick} does; undone by
 *       {@code resolvconf -d [tun.]IFACE -f}.</li>
 * </ul>
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
     */
    public record Plan(Method method, List<Apply> apply, List<List<String>> undo, String warning) {
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

    private Dns() {}

    /** How DNS is managed here: systemd-resolved if it runs, else resolvconf if installed. */
    public static Method detect() {
        if (Files.exists(RESOLVED_SOCKET) && onPath("resolvectl")) {
            return Method.RESOLVED;
        }
        return onPath("resolvconf") ? Method.RESOLVCONF : Method.NONE;
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
            return new Plan(method, List.of(), List.of(), null);
        }
        List<String> ips = servers.stream().map(s -> s.address().toString()).toList();
        List<String> names = domains.stream().map(SearchDomain::name).toList();
        return switch (method) {
            case RESOLVED -> {
                List<Apply> apply = new ArrayList<>();
                if (!ips.isEmpty()) {
                    List<String> argv = new ArrayList<>(List.of("resolvectl", "dns", dev));
                    argv.addAll(ips);
                    apply.add(new Apply(argv, null));
                }
                List<String> doms = new ArrayList<>(names);
                if (fullTunnel && !ips.isEmpty()) {
                    doms.add("~.");
                }
                if (!doms.isEmpty()) {
                    List<String> argv = new ArrayList<>(List.of("resolvectl", "domain", dev));
                    argv.addAll(doms);
                    apply.add(new Apply(argv, null));
                }
                yield new Plan(method, apply, List.of(List.of("resolvectl", "revert", dev)), null);
            }
            case RESOLVCONF -> {
                StringBuilder in = new StringBuilder();
                ips.forEach(ip -> in.append("nameserver ").append(ip).append('\n'));
                if (!names.isEmpty()) {
                    in.append("search ").append(String.join(" ", names)).append('\n');
                }
                String record = resolvconfPrefix() + dev;
                yield new Plan(method, List.of(new Apply(List.of("resolvconf", "-a", record, "-m", "0", "-x"), in.toString())),
                        List.of(List.of("resolvconf", "-d", record, "-f")), null);
            }
            case NONE -> new Plan(method, List.of(), List.of(),
                    "DNS not applied: neither systemd-resolved nor resolvconf is available; set DNS server(s) "
                            + String.join(", ", ips) + (names.isEmpty() ? "" : " and search domain(s) "
                            + String.join(", ", names)) + " by hand");
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
        for (Apply a : plan.apply()) {
            Command.Result r = Command.run(a.argv(), a.stdin(), Map.of(), Command.DEFAULT_TIMEOUT_SECONDS);
            if (r.exitCode() != 0) {
                throw new CommandException(a.argv(), r);
            }
        }
    }
}
