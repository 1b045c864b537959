package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.Endpoint;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.RouteTable;
import dev.wgdesk.engine.config.SearchDomain;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.plan.PlanException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The commands wg-quick's {@code darwin.bash} runs to activate a configuration, computed without
 * touching the system, each with the command that undoes it: addresses ({@code ifconfig … alias}),
 * MTU, a route per AllowedIP (a default route split into {@code 0.0.0.0/1 + 128.0.0.0/1} or
 * {@code ::/1 + 8000::/1}, more specific than the machine's own default, which stays), host routes
 * to the endpoints through the current default gateway while a default route goes through the
 * tunnel, and DNS servers and search domains per network service with {@code networksetup}.
 *
 * <p>Values that depend on the Mac's state at activation time are parameters: the interface name
 * (the kernel picks {@code utunN}), the default gateways, the network service, the automatic MTU.
 * {@link MacPlanner} passes placeholders; the helper passes what it found.
 *
 * <p>Not done, as in wg-quick: {@code Table = } other than auto, main and off is refused.
 * <p>Not instantiable.
 */
public final class MacNetPlan {
    /**
     * A command and the command undoing it ({@code undo} empty when closing the utun socket
     * undoes it: addresses, MTU and the interface's own routes go with the interface).
     */
    public record Cmd(List<String> apply, List<String> undo) {
        public Cmd {
            apply = List.copyOf(apply);
            undo = List.copyOf(undo);
        }
    }

    private MacNetPlan() {}

    /** {@code -inet} or {@code -inet6}. */
    static String family(boolean v4) {
        return v4 ? "-inet" : "-inet6";
    }

    /**
     * {@code ifconfig DEV inet A/N A alias} (point to point, the destination is the address
     * itself) or {@code ifconfig DEV inet6 A/N alias}.
     */
    public static List<Cmd> addresses(String dev, List<IpPrefix> addresses) {
        List<Cmd> out = new ArrayList<>();
        for (IpPrefix a : addresses) {
            out.add(a.isIpv4()
                    ? new Cmd(List.of("ifconfig", dev, "inet", a.toString(), a.address().toString(), "alias"), List.of())
                    : new Cmd(List.of("ifconfig", dev, "inet6", a.toString(), "alias"), List.of()));
        }
        return out;
    }

    /** {@code ifconfig DEV mtu MTU} (MTU a number, or a placeholder for the automatic one). */
    public static Cmd mtu(String dev, String mtu) {
        return new Cmd(List.of("ifconfig", dev, "mtu", mtu), List.of());
    }

    /** {@code ifconfig DEV up}. */
    public static Cmd up(String dev) {
        return new Cmd(List.of("ifconfig", dev, "up"), List.of());
    }

    /**
     * Every peer's AllowedIPs, host bits cleared, without duplicates, longest prefix first (as
     * wg-quick's {@code sort -nr -k 2 -t /}), IPv4 before IPv6 at equal length.
     */
    public static List<IpPrefix> routePrefixes(TunnelConfig config) {
        Set<IpPrefix> all = new LinkedHashSet<>();
        for (PeerConfig p : config.peers()) {
            for (IpPrefix ip : p.allowedIps()) {
                all.add(ip.masked());
            }
        }
        List<IpPrefix> out = new ArrayList<>(all);
        out.sort(Comparator.comparingInt(IpPrefix::cidr).reversed().thenComparing(p -> p.isIpv4() ? 0 : 1));
        return out;
    }

    /** Whether a default route of this family goes through the tunnel with the split (Table auto). */
    static boolean autoRoute(TunnelConfig config, boolean v4) {
        RouteTable t = config.interfaceConfig().table();
        return t.kind() == RouteTable.Kind.AUTO
                && routePrefixes(config).stream().anyMatch(p -> p.cidr() == 0 && p.isIpv4() == v4);
    }

    /** Table must be auto, main or off on macOS, as in wg-quick. */
    static void checkTable(RouteTable t) throws PlanException {
        boolean main = t.kind() == RouteTable.Kind.NAME && t.name().orElse("").equals("main");
        if (t.kind() != RouteTable.Kind.AUTO && t.kind() != RouteTable.Kind.OFF && !main) {
            throw new PlanException("Table = " + t + ": macOS supports only Table = auto, main or off"
                    + " (one routing table), as wg-quick on macOS");
        }
    }

    /**
     * A route per AllowedIP through {@code dev}; with Table auto, a default route becomes the two
     * halves. None with Table off.
     */
    public static List<Cmd> routes(String dev, TunnelConfig config) throws PlanException {
        RouteTable t = config.interfaceConfig().table();
        checkTable(t);
        List<Cmd> out = new ArrayList<>();
        if (t.kind() == RouteTable.Kind.OFF) {
            return out;
        }
        for (IpPrefix p : routePrefixes(config)) {
            if (p.cidr() == 0 && t.kind() == RouteTable.Kind.AUTO) {
                if (p.isIpv4()) {
                    out.add(route(dev, true, "0.0.0.0/1"));
                    out.add(route(dev, true, "128.0.0.0/1"));
                } else {
                    out.add(route(dev, false, "::/1"));
                    out.add(route(dev, false, "8000::/1"));
                }
            } else {
                out.add(route(dev, p.isIpv4(), p.toString()));
            }
        }
        return out;
    }

    private static Cmd route(String dev, boolean v4, String prefix) {
        return new Cmd(List.of("route", "-q", "-n", "add", family(v4), prefix, "-interface", dev),
                List.of("route", "-q", "-n", "delete", family(v4), prefix, "-interface", dev));
    }

    /**
     * While a default route of a family goes through the tunnel, a host route to each endpoint of
     * that family through the machine's default gateway, so the encrypted packets do not loop
     * into the tunnel; with no gateway ({@code null}) a blackhole route instead (wg-quick: "Prevent
     * routing loop"). An endpoint given as a host name is written {@code <address of NAME>}: it is
     * resolved at activation, and routed by the family it resolves to.
     */
    public static List<Cmd> endpointRoutes(TunnelConfig config, String gateway4, String gateway6) {
        boolean auto4 = autoRoute(config, true);
        boolean auto6 = autoRoute(config, false);
        List<Cmd> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (PeerConfig p : config.peers()) {
            if (p.endpoint().isEmpty()) {
                continue;
            }
            Endpoint e = p.endpoint().get();
            if (e.kind() == Endpoint.Kind.HOSTNAME) {
                String host = "<address of " + e.host() + ">";
                if (auto4 && seen.add("4 " + host)) {
                    out.add(endpointRoute(true, host, gateway4));
                }
                if (auto6 && seen.add("6 " + host)) {
                    out.add(endpointRoute(false, host, gateway6));
                }
            } else {
                boolean v4 = e.kind() == Endpoint.Kind.IPV4;
                if ((v4 ? auto4 : auto6) && seen.add(e.host())) {
                    out.add(endpointRoute(v4, e.host(), v4 ? gateway4 : gateway6));
                }
            }
        }
        return out;
    }

    private static Cmd endpointRoute(boolean v4, String host, String gateway) {
        List<String> add = gateway != null
                ? List.of("route", "-q", "-n", "add", family(v4), host, "-gateway", gateway)
                : List.of("route", "-q", "-n", "add", family(v4), host, v4 ? "127.0.0.1" : "::1", "-blackhole");
        return new Cmd(add, List.of("route", "-q", "-n", "delete", family(v4), host));
    }

    /**
     * For one network service: its DNS servers and search domains ({@code Empty} when the
     * configuration has none), undone by restoring {@code savedServers}/{@code savedDomains} (what
     * {@code networksetup -getdnsservers}/{@code -getsearchdomains} said before; {@code Empty} when
     * nothing was set). Nothing when the configuration has no DNS server: wg-quick then leaves DNS
     * alone, search domains included.
     */
    public static List<Cmd> dns(String service, List<DnsServer> servers, List<SearchDomain> domains,
                                List<String> savedServers, List<String> savedDomains) {
        return dns(service, servers, domains, savedServers, savedDomains, false);
    }

    /**
     * {@link #dns(String, List, List, List, List)}; with {@code split} (split DNS, done with
     * {@link ResolverFiles}) the service keeps its own DNS servers and only the search domains are
     * set, when there are any.
     */
    public static List<Cmd> dns(String service, List<DnsServer> servers, List<SearchDomain> domains,
                                List<String> savedServers, List<String> savedDomains, boolean split) {
        if (servers.isEmpty() || split && domains.isEmpty()) {
            return List.of();
        }
        List<String> setServers = new ArrayList<>(List.of("networksetup", "-setdnsservers", service));
        servers.forEach(s -> setServers.add(s.address().toString()));
        List<String> setDomains = new ArrayList<>(List.of("networksetup", "-setsearchdomains", service));
        if (domains.isEmpty()) {
            setDomains.add("Empty");
        } else {
            domains.forEach(d -> setDomains.add(d.name()));
        }
        List<String> restoreServers = new ArrayList<>(List.of("networksetup", "-setdnsservers", service));
        restoreServers.addAll(savedServers.isEmpty() ? List.of("Empty") : savedServers);
        List<String> restoreDomains = new ArrayList<>(List.of("networksetup", "-setsearchdomains", service));
        restoreDomains.addAll(savedDomains.isEmpty() ? List.of("Empty") : savedDomains);
        return split ? List.of(new Cmd(setDomains, restoreDomains))
                : List.of(new Cmd(setServers, restoreServers), new Cmd(setDomains, restoreDomains));
    }
}
