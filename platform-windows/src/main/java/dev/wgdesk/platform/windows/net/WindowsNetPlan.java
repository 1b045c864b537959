package dev.wgdesk.platform.windows.net;

import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.IpAddress;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.RouteTable;
import dev.wgdesk.engine.config.SearchDomain;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.platform.windows.wfp.KillSwitch;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What activating a configuration does to a Windows interface, computed without touching the
 * system, the way wireguard-windows configures an adapter ({@code tunnel/addressconfig.go}): per
 * address family, one route per AllowedIP (host bits cleared, duplicates removed, on-link, metric
 * 0), the addresses, the interface settings (router discovery and DAD off, the MTU, and for a
 * family with a default route a fixed interface metric 0, so the tunnel's 0.0.0.0/0 wins over the
 * physical default route: Windows has no 0/1 + 128/1 split), and the DNS servers and search
 * domains ({@code SetInterfaceDnsSettings}). Before all that, the kill switch's firewall filters
 * when {@link KillSwitch#applies} says so (wireguard-windows enables its firewall first).
 *
 * <p>{@link #plan} gives typed steps that {@link WindowsNetConfig} executes; {@link #describe}
 * gives one human-readable line per step, for {@code wgdesk plan FILE --os windows}. Pure;
 * thread-safe.
 */
public final class WindowsNetPlan {
    /** The MTU when the config sets none (wireguard-windows' default; the default route's MTU is not probed). */
    public static final int DEFAULT_MTU = 1420;
    /** IPv6 needs at least this MTU; below it the IPv6 interface keeps its own. */
    public static final int MIN_IPV6_MTU = 1280;
    /** The helper executable the kill switch lets through. */
    public static final String HELPER_EXE = "wgdesk-helper.exe";

    /** An address family. */
    public enum Family {
        IPV4(SockaddrInet.AF_INET), IPV6(SockaddrInet.AF_INET6);

        /** Windows' {@code AF_*} value. */
        public final short af;

        Family(short af) {
            this.af = af;
        }

        static Family of(boolean ipv4) {
            return ipv4 ? IPV4 : IPV6;
        }

        String label() {
            return this == IPV4 ? "ipv4" : "ipv6";
        }
    }

    /** One thing activation does. */
    public sealed interface Step {
        /** One line for a person and a test. */
        String describe();
    }

    /** A unicast address on the interface ({@code CreateUnicastIpAddressEntry}). */
    public record Address(IpPrefix address) implements Step {
        @Override
        public String describe() {
            return "address add " + address;
        }
    }

    /** An on-link route into the tunnel ({@code CreateIpForwardEntry2}). */
    public record Route(IpPrefix destination, int metric) implements Step {
        @Override
        public String describe() {
            return "route add " + destination + " metric " + metric;
        }
    }

    /**
     * The IP interface settings of one family ({@code SetIpInterfaceEntry}): router discovery and
     * DAD off, the MTU (empty: left as it is), and the metric (empty: automatic).
     */
    public record Interface(Family family, OptionalInt mtu, OptionalInt metric) implements Step {
        @Override
        public String describe() {
            return "interface " + family.label() + " mtu " + (mtu.isPresent() ? Integer.toString(mtu.getAsInt()) : "unchanged")
                    + " metric " + (metric.isPresent() ? Integer.toString(metric.getAsInt()) : "automatic")
                    + " router-discovery off dad-transmits 0";
        }
    }

    /** DNS servers of one family and the search domains ({@code SetInterfaceDnsSettings}). */
    public record Dns(Family family, List<IpAddress> servers, List<String> searchDomains) implements Step {
        public Dns {
            servers = List.copyOf(servers);
            searchDomains = List.copyOf(searchDomains);
        }

        @Override
        public String describe() {
            StringBuilder sb = new StringBuilder("dns");
            for (IpAddress s : servers) {
                sb.append(' ').append(s);
            }
            if (!searchDomains.isEmpty()) {
                sb.append(" search");
                for (String d : searchDomains) {
                    sb.append(' ').append(d);
                }
            }
            return sb.toString();
        }
    }

    /** One kill-switch filter (installed in the helper's dynamic WFP session). */
    public record Firewall(KillSwitch.Filter filter) implements Step {
        @Override
        public String describe() {
            return filter.describe();
        }
    }

    private WindowsNetPlan() {}

    /**
     * The steps for {@code config}: firewall filters (if they apply), then per family (IPv4, then
     * IPv6, each only if the config has an address or a route of that family) routes, addresses,
     * interface settings and DNS. {@code Table = off} leaves routes out (and the kill switch).
     */
    public static List<Step> plan(TunnelConfig config) {
        List<Step> out = new ArrayList<>();
        for (KillSwitch.Filter f : KillSwitch.rules(config, HELPER_EXE, "the tunnel's LUID")) {
            out.add(new Firewall(f));
        }
        boolean routesOn = config.interfaceConfig().table().kind() != RouteTable.Kind.OFF;
        Set<IpPrefix> routes = new LinkedHashSet<>();
        for (PeerConfig p : config.peers()) {
            for (IpPrefix ip : p.allowedIps()) {
                routes.add(ip.masked());
            }
        }
        int mtu = config.interfaceConfig().mtu().orElse(DEFAULT_MTU);
        List<String> search = config.interfaceConfig().dnsSearchDomains().stream().map(SearchDomain::name).toList();
        List<IpAddress> dns = config.interfaceConfig().dnsServers().stream().map(DnsServer::address).toList();
        for (Family f : Family.values()) {
            boolean v4 = f == Family.IPV4;
            List<IpPrefix> familyRoutes = routes.stream().filter(r -> r.isIpv4() == v4).toList();
            List<IpPrefix> addresses = config.interfaceConfig().addresses().stream().filter(a -> a.isIpv4() == v4).toList();
            List<IpAddress> servers = dns.stream().filter(a -> a.isIpv4() == v4).toList();
            if (familyRoutes.isEmpty() && addresses.isEmpty() && servers.isEmpty()) {
                continue;
            }
            boolean hasDefault = false;
            if (routesOn) {
                for (IpPrefix r : familyRoutes) {
                    out.add(new Route(r, 0));
                    hasDefault |= r.cidr() == 0;
                }
            }
            for (IpPrefix a : addresses) {
                out.add(new Address(a));
            }
            boolean mtuFits = v4 || mtu >= MIN_IPV6_MTU;
            out.add(new Interface(f, mtuFits ? OptionalInt.of(mtu) : OptionalInt.empty(),
                    hasDefault ? OptionalInt.of(0) : OptionalInt.empty()));
            if (!servers.isEmpty() || !search.isEmpty()) {
                out.add(new Dns(f, servers, search));
            }
        }
        return List.copyOf(out);
    }

    /** {@link #plan} as lines, one per step. */
    public static List<String> describe(TunnelConfig config) {
        return plan(config).stream().map(Step::describe).toList();
    }
}
