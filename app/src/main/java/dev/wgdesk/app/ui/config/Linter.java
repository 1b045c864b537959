package dev.wgdesk.app.ui.config;

import dev.wgdesk.app.ui.config.LintWarning.Rule;
import dev.wgdesk.engine.config.ConfigKey;
import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.Endpoint;
import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.IpAddress;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Lint rules beyond syntax: checks of a valid {@link TunnelConfig} for things that parse but
 * will not work as the user expects. Each rule is a pure function; {@link #lint} runs them all.
 * Thread-safe.
 */
public final class Linter {
    /** WireGuard's worst-case overhead per packet: IPv6 (40) + UDP (8) + WireGuard (32). */
    public static final int OVERHEAD = 80;
    /** The path MTU assumed when none is known (Ethernet). */
    public static final int DEFAULT_PATH_MTU = 1500;

    /**
     * What the rules need to know beyond the config itself.
     *
     * @param otherTunnels the interface public key (base64) of every other stored tunnel, mapped
     *                     to that tunnel's name
     * @param pathMtu      the MTU of the path to the peers
     */
    public record Context(Map<String, String> otherTunnels, int pathMtu) {
        /** Copies the map. */
        public Context {
            otherTunnels = Map.copyOf(otherTunnels);
        }

        /** No other tunnels, a 1500-byte path. */
        public static Context standalone() {
            return new Context(Map.of(), DEFAULT_PATH_MTU);
        }
    }

    private static final IpPrefix V4_ALL = IpPrefix.parse("0.0.0.0/0");
    private static final IpPrefix V4_LOW = IpPrefix.parse("0.0.0.0/1");
    private static final IpPrefix V4_HIGH = IpPrefix.parse("128.0.0.0/1");
    private static final IpPrefix V6_ALL = IpPrefix.parse("::/0");
    private static final IpPrefix V6_LOW = IpPrefix.parse("::/1");
    private static final IpPrefix V6_HIGH = IpPrefix.parse("8000::/1");

    private Linter() {}

    /** Every warning for {@code config}, rule by rule, in file order within a rule. */
    public static List<LintWarning> lint(TunnelConfig config, Context context) {
        List<LintWarning> out = new ArrayList<>();
        out.addAll(overlappingAllowedIps(config));
        out.addAll(ipv6Leak(config));
        out.addAll(endpointRoutingLoop(config));
        out.addAll(dnsNotRouted(config));
        out.addAll(splitDns(config));
        out.addAll(duplicatePublicKey(config, context));
        out.addAll(mtuTooLarge(config, context.pathMtu()));
        return out;
    }

    /**
     * Prefixes two peers share, or where one peer's prefix lies inside another's. WireGuard routes
     * each address to one peer only: a shared prefix goes to the last peer, and an overlap goes to
     * the more specific prefix. Overlaps with a default route (/0, or its /1 halves) are the usual
     * "everything else through the server" pattern and are not reported.
     */
    public static List<LintWarning> overlappingAllowedIps(TunnelConfig config) {
        List<LintWarning> out = new ArrayList<>();
        List<PeerConfig> peers = config.peers();
        for (int j = 1; j < peers.size(); j++) {
            for (IpPrefix b : peers.get(j).allowedIps()) {
                found:
                for (int i = 0; i < j; i++) {
                    for (IpPrefix a : peers.get(i).allowedIps()) {
                        if (overlap(a, b) && (a.masked().equals(b.masked()) || Math.min(a.cidr(), b.cidr()) > 1)) {
                            out.add(new LintWarning(Rule.OVERLAPPING_ALLOWED_IPS, j, ConfigKey.ALLOWED_IPS,
                                    List.of(b.toString(), a.toString(), Integer.toString(i + 1))));
                            break found;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** True when the two prefixes (of one family) have an address in common. */
    static boolean overlap(IpPrefix a, IpPrefix b) {
        if (a.isIpv4() != b.isIpv4()) {
            return false;
        }
        return a.cidr() <= b.cidr() ? a.contains(b.address()) : b.contains(a.address());
    }

    /**
     * A default route for IPv4 without one for IPv6: the system's IPv6 traffic then bypasses the
     * tunnel. Reported once, on the first peer with the IPv4 default route.
     */
    public static List<LintWarning> ipv6Leak(TunnelConfig config) {
        int v4Peer = -1;
        boolean v6 = false;
        List<PeerConfig> peers = config.peers();
        for (int i = 0; i < peers.size(); i++) {
            List<IpPrefix> p = peers.get(i).allowedIps();
            if (v4Peer < 0 && (p.contains(V4_ALL) || (p.contains(V4_LOW) && p.contains(V4_HIGH)))) {
                v4Peer = i;
            }
            v6 |= p.contains(V6_ALL) || (p.contains(V6_LOW) && p.contains(V6_HIGH));
        }
        if (v4Peer < 0 || v6) {
            return List.of();
        }
        return List.of(new LintWarning(Rule.IPV6_LEAK, v4Peer, ConfigKey.ALLOWED_IPS, List.of()));
    }

    /**
     * An endpoint (an IP literal) inside an AllowedIPs prefix that is not a default route: the
     * encrypted packets to the peer would be routed into the tunnel itself. Default routes are
     * exempt because the helper keeps the endpoint's traffic outside the tunnel for them.
     */
    public static List<LintWarning> endpointRoutingLoop(TunnelConfig config) {
        List<LintWarning> out = new ArrayList<>();
        List<PeerConfig> peers = config.peers();
        for (int i = 0; i < peers.size(); i++) {
            Optional<IpAddress> ep = peers.get(i).endpoint().flatMap(Endpoint::address);
            if (ep.isEmpty()) {
                continue;
            }
            found:
            for (PeerConfig other : peers) {
                for (IpPrefix p : other.allowedIps()) {
                    if (p.cidr() > 1 && p.contains(ep.get())) {
                        out.add(new LintWarning(Rule.ENDPOINT_ROUTING_LOOP, i, ConfigKey.ENDPOINT,
                                List.of(ep.get().toString(), p.toString())));
                        break found;
                    }
                }
            }
        }
        return out;
    }

    /**
     * A DNS server outside every peer's AllowedIPs: name lookups then leave the tunnel. Not
     * reported for a config without peers (it is not finished yet).
     */
    public static List<LintWarning> dnsNotRouted(TunnelConfig config) {
        if (config.peers().isEmpty()) {
            return List.of();
        }
        List<LintWarning> out = new ArrayList<>();
        for (DnsServer dns : config.interfaceConfig().dnsServers()) {
            boolean routed = config.peers().stream()
                    .flatMap(p -> p.allowedIps().stream())
                    .anyMatch(p -> p.contains(dns.address()));
            if (!routed) {
                out.add(new LintWarning(Rule.DNS_NOT_ROUTED, -1, ConfigKey.DNS, List.of(dns.toString())));
            }
        }
        return out;
    }

    /**
     * Routing-only DNS domains ({@code ~corp.example}): without a DNS server they do nothing; with
     * split DNS in a full tunnel (a default route in AllowedIPs), every other name goes to the
     * computer's other resolvers, outside the tunnel when those are on the local network.
     */
    public static List<LintWarning> splitDns(TunnelConfig config) {
        InterfaceConfig iface = config.interfaceConfig();
        if (iface.dnsRoutingDomains().isEmpty()) {
            return List.of();
        }
        String domains = String.join(", ", iface.dnsRoutingDomains().stream().map(Object::toString).toList());
        if (iface.dnsServers().isEmpty()) {
            return List.of(new LintWarning(Rule.ROUTING_DOMAIN_WITHOUT_SERVER, -1, ConfigKey.DNS, List.of(domains)));
        }
        boolean full = config.peers().stream().flatMap(p -> p.allowedIps().stream())
                .anyMatch(p -> p.cidr() == 0 || p.equals(V4_LOW) || p.equals(V4_HIGH) || p.equals(V6_LOW) || p.equals(V6_HIGH));
        if (iface.splitDns() && full) {
            return List.of(new LintWarning(Rule.SPLIT_DNS_FULL_TUNNEL, -1, ConfigKey.DNS, List.of(domains)));
        }
        return List.of();
    }

    /** Another stored tunnel with the same interface key: the two cannot both be used. */
    public static List<LintWarning> duplicatePublicKey(TunnelConfig config, Context context) {
        String mine = config.interfaceConfig().publicKey().toBase64();
        String other = context.otherTunnels().get(mine);
        if (other == null) {
            return List.of();
        }
        return List.of(new LintWarning(Rule.DUPLICATE_PUBLIC_KEY, -1, ConfigKey.PRIVATE_KEY, List.of(other)));
    }

    /** An MTU above the path's MTU minus {@value #OVERHEAD}: full-size packets get fragmented or dropped. */
    public static List<LintWarning> mtuTooLarge(TunnelConfig config, int pathMtu) {
        InterfaceConfig iface = config.interfaceConfig();
        if (iface.mtu().isEmpty() || iface.mtu().getAsInt() <= pathMtu - OVERHEAD) {
            return List.of();
        }
        return List.of(new LintWarning(Rule.MTU_TOO_LARGE, -1, ConfigKey.MTU,
                List.of(Integer.toString(iface.mtu().getAsInt()), Integer.toString(pathMtu - OVERHEAD),
                        Integer.toString(pathMtu))));
    }

    /** Convenience for tests and callers without other tunnels. */
    public static List<LintWarning> lint(TunnelConfig config) {
        return lint(Objects.requireNonNull(config, "config"), Context.standalone());
    }
}
