package dev.wgdesk.platform.windows.wfp;

import dev.wgdesk.engine.config.IpAddress;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.RouteTable;
import dev.wgdesk.engine.config.TunnelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kill switch as data: the Windows Filtering Platform filters a tunnel needs, computed
 * without touching the system, following wireguard-windows' rule set ({@code tunnel/firewall}):
 * in a dynamic WFP session (filters vanish if the helper dies) and one sublayer, permit the
 * helper's own traffic (its UDP to the endpoints; weight 15), DNS only to the tunnel's DNS
 * servers when it has some (permit 15, block port 53 at 14), loopback (13), everything on the
 * tunnel interface (12), DHCPv4, DHCPv6 and NDP (12), and block everything else (0), for IPv4 and
 * IPv6, outbound ({@code ALE_AUTH_CONNECT}) and inbound ({@code ALE_AUTH_RECV_ACCEPT}).
 *
 * <p>When it applies ({@link #applies}): as wireguard-windows decides, exactly one peer, routing
 * not off ({@code Table = off}), and an AllowedIP that is a default route ({@code 0.0.0.0/0} or
 * {@code ::/0}). The editor's "Block untunneled traffic" switch writes the default route in that
 * form, so it turns this on too.
 *
 * <p>{@link WfpKillSwitch} installs these filters through {@code fwpuclnt.dll}; this class is the
 * rule set, and what {@code wgdesk plan --os windows} shows. Pure; thread-safe.
 */
public final class KillSwitch {
    /** Where a filter sits. */
    public enum Layer {
        ALE_AUTH_CONNECT_V4, ALE_AUTH_CONNECT_V6, ALE_AUTH_RECV_ACCEPT_V4, ALE_AUTH_RECV_ACCEPT_V6;

        boolean ipv4() {
            return name().endsWith("V4");
        }

        String direction() {
            return name().startsWith("ALE_AUTH_CONNECT") ? "out" : "in";
        }
    }

    /** What a filter does. */
    public enum Action { PERMIT, BLOCK }

    /**
     * One condition: a WFP condition field ({@code FWPM_CONDITION_*} without the prefix), the
     * match ({@code FWP_MATCH_*}: EQUAL, FLAGS_ALL_SET...) and the value as text.
     */
    public record Condition(String field, String match, String value) {
        @Override
        public String toString() {
            return field.toLowerCase(Locale.ROOT) + (match.equals("EQUAL") ? "=" : " " + match.toLowerCase(Locale.ROOT) + " ")
                    + value;
        }
    }

    /** One filter: all its conditions must hold. */
    public record Filter(String purpose, Layer layer, Action action, int weight, List<Condition> conditions) {
        public Filter {
            conditions = List.copyOf(conditions);
        }

        /** One line: {@code firewall permit out v4 weight 12: tunnel interface (ip_local_interface=luid)}. */
        public String describe() {
            StringBuilder sb = new StringBuilder("firewall ").append(action.name().toLowerCase(Locale.ROOT)).append(' ')
                    .append(layer.direction()).append(layer.ipv4() ? " ipv4" : " ipv6").append(" weight ").append(weight)
                    .append(": ").append(purpose);
            if (!conditions.isEmpty()) {
                sb.append(" (");
                for (int i = 0; i < conditions.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(conditions.get(i));
                }
                sb.append(')');
            }
            return sb.toString();
        }
    }

    /** {@code IPPROTO_UDP}, {@code IPPROTO_TCP}, {@code IPPROTO_ICMPV6}. */
    static final String UDP = "17";
    static final String TCP = "6";
    static final String ICMPV6 = "58";

    private KillSwitch() {}

    /** Whether the kill switch applies to {@code config} (see the class comment). */
    public static boolean applies(TunnelConfig config) {
        if (config.peers().size() != 1 || config.interfaceConfig().table().kind() == RouteTable.Kind.OFF) {
            return false;
        }
        PeerConfig p = config.peers().get(0);
        for (IpPrefix ip : p.allowedIps()) {
            if (ip.cidr() == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The filters, in the order they are added (weight descending), for a tunnel interface
     * {@code luid} and the helper executable {@code helperExe}; empty if the kill switch does not
     * apply.
     */
    public static List<Filter> rules(TunnelConfig config, String helperExe, String luid) {
        if (!applies(config)) {
            return List.of();
        }
        List<Filter> out = new ArrayList<>();
        for (Layer l : Layer.values()) {
            out.add(new Filter("the helper's own traffic (its UDP to the endpoints)", l, Action.PERMIT, 15,
                    List.of(new Condition("ALE_APP_ID", "EQUAL", helperExe),
                            new Condition("ALE_USER_ID", "EQUAL", "LocalSystem"))));
        }
        List<IpAddress> dns = config.interfaceConfig().dnsServers().stream().map(d -> d.address()).toList();
        if (!dns.isEmpty()) {
            for (Layer l : List.of(Layer.ALE_AUTH_CONNECT_V4, Layer.ALE_AUTH_CONNECT_V6)) {
                for (IpAddress a : dns) {
                    if (a.isIpv4() == l.ipv4()) {
                        out.add(new Filter("DNS to the tunnel's server", l, Action.PERMIT, 15,
                                List.of(new Condition("IP_REMOTE_PORT", "EQUAL", "53"),
                                        new Condition("IP_REMOTE_ADDRESS", "EQUAL", a.toString()))));
                    }
                }
            }
            for (Layer l : Layer.values()) {
                for (String proto : List.of(UDP, TCP)) {
                    out.add(new Filter("DNS to any other server", l, Action.BLOCK, 14,
                            List.of(new Condition("IP_REMOTE_PORT", "EQUAL", "53"),
                                    new Condition("IP_PROTOCOL", "EQUAL", proto))));
                }
            }
        }
        for (Layer l : Layer.values()) {
            out.add(new Filter("loopback", l, Action.PERMIT, 13,
                    List.of(new Condition("FLAGS", "FLAGS_ALL_SET", "IS_LOOPBACK"))));
        }
        for (Layer l : Layer.values()) {
            out.add(new Filter("the tunnel interface", l, Action.PERMIT, 12,
                    List.of(new Condition("IP_LOCAL_INTERFACE", "EQUAL", luid))));
        }
        out.add(new Filter("DHCPv4 request", Layer.ALE_AUTH_CONNECT_V4, Action.PERMIT, 12, List.of(
                new Condition("IP_PROTOCOL", "EQUAL", UDP), new Condition("IP_LOCAL_PORT", "EQUAL", "68"),
                new Condition("IP_REMOTE_PORT", "EQUAL", "67"),
                new Condition("IP_REMOTE_ADDRESS", "EQUAL", "255.255.255.255"))));
        out.add(new Filter("DHCPv4 reply", Layer.ALE_AUTH_RECV_ACCEPT_V4, Action.PERMIT, 12, List.of(
                new Condition("IP_PROTOCOL", "EQUAL", UDP), new Condition("IP_LOCAL_PORT", "EQUAL", "68"),
                new Condition("IP_REMOTE_PORT", "EQUAL", "67"))));
        out.add(new Filter("DHCPv6 request", Layer.ALE_AUTH_CONNECT_V6, Action.PERMIT, 12, List.of(
                new Condition("IP_PROTOCOL", "EQUAL", UDP),
                new Condition("IP_REMOTE_ADDRESS", "EQUAL", "ff02::1:2"),
                new Condition("IP_REMOTE_ADDRESS", "EQUAL", "ff05::1:3"),
                new Condition("IP_REMOTE_PORT", "EQUAL", "547"),
                new Condition("IP_LOCAL_ADDRESS", "EQUAL", "fe80::/10"),
                new Condition("IP_LOCAL_PORT", "EQUAL", "546"))));
        out.add(new Filter("DHCPv6 reply", Layer.ALE_AUTH_RECV_ACCEPT_V6, Action.PERMIT, 12, List.of(
                new Condition("IP_PROTOCOL", "EQUAL", UDP),
                new Condition("IP_REMOTE_ADDRESS", "EQUAL", "fe80::/10"),
                new Condition("IP_REMOTE_PORT", "EQUAL", "547"),
                new Condition("IP_LOCAL_ADDRESS", "EQUAL", "fe80::/10"),
                new Condition("IP_LOCAL_PORT", "EQUAL", "546"))));
        out.add(ndp("NDP router solicitation", Layer.ALE_AUTH_CONNECT_V6, "133", "ff02::2"));
        out.add(ndp("NDP router advertisement", Layer.ALE_AUTH_RECV_ACCEPT_V6, "134", "fe80::/10"));
        out.add(ndp("NDP neighbor solicitation", Layer.ALE_AUTH_CONNECT_V6, "135", null));
        out.add(ndp("NDP neighbor solicitation", Layer.ALE_AUTH_RECV_ACCEPT_V6, "135", null));
        out.add(ndp("NDP neighbor advertisement", Layer.ALE_AUTH_CONNECT_V6, "136", null));
        out.add(ndp("NDP neighbor advertisement", Layer.ALE_AUTH_RECV_ACCEPT_V6, "136", null));
        out.add(ndp("NDP redirect", Layer.ALE_AUTH_RECV_ACCEPT_V6, "137", "fe80::/10"));
        for (Layer l : Layer.values()) {
            out.add(new Filter("everything else", l, Action.BLOCK, 0, List.of()));
        }
        return List.copyOf(out);
    }

    private static Filter ndp(String purpose, Layer layer, String type, String remote) {
        List<Condition> c = new ArrayList<>(List.of(new Condition("IP_PROTOCOL", "EQUAL", ICMPV6),
                new Condition("ICMP_TYPE", "EQUAL", type), new Condition("ICMP_CODE", "EQUAL", "0")));
        if (remote != null) {
            c.add(new Condition("IP_REMOTE_ADDRESS", "EQUAL", remote));
        }
        return new Filter(purpose, layer, Action.PERMIT, 12, c);
    }
}
