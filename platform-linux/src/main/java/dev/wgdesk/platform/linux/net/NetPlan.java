package dev.wgdesk.platform.linux.net;

import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.RouteTable;
import dev.wgdesk.engine.config.TunnelConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ip} commands a configuration implies, computed without touching the system, the way
 * {@code wg-quick up} computes them: addresses, routes for AllowedIPs (longest prefix first, in
 * the main table or {@code Table =}), and for a {@code /0} with {@code Table = auto} the policy
 * routing that avoids a routing loop. Each command comes with the command that undoes it.
 *
 * <p>Why the {@code ip} program rather than rtnetlink through JNA: {@code ip} is the reference
 * client of rtnetlink, its behaviour is exactly what administrators and {@code wg-quick} see, and
 * the helper runs a handful of commands per activation, so the cost of a process per command does
 * not matter. A hand-written netlink encoder would be a thousand lines of struct packing for no
 * gain in behaviour. Every command's exit code is checked and its error output reported
 * ({@link Command}), so a failure is never silent.
 *
 * <p>Not instantiable.
 */
public final class NetPlan {
    /** The first table {@code wg-quick} tries for a full tunnel (also its fwmark). */
    public static final long FIRST_TABLE = 51820;

    /**
     * A command and the command undoing it.
     *
     * @param apply the command
     * @param undo  its inverse
     */
    public record Cmd(List<String> apply, List<String> undo) {
        public Cmd {
            apply = List.copyOf(apply);
            undo = List.copyOf(undo);
        }
    }

    private static final Pattern MTU = Pattern.compile("\\bmtu (\\d+)");
    private static final Pattern DEV = Pattern.compile("\\bdev (\\S+)");

    private NetPlan() {}

    /** {@code -4} or {@code -6}. */
    static String family(IpPrefix p) {
        return p.isIpv4() ? "-4" : "-6";
    }

    /** One {@code ip address add} per address. */
    public static List<Cmd> addresses(String dev, List<IpPrefix> addresses) {
        List<Cmd> out = new ArrayList<>();
        for (IpPrefix a : addresses) {
            out.add(new Cmd(List.of("ip", family(a), "address", "add", a.toString(), "dev", dev),
                    List.of("ip", family(a), "address", "del", a.toString(), "dev", dev)));
        }
        return out;
    }

    /**
     * Every peer's AllowedIPs, host bits cleared, without duplicates, longest prefix first (as
     * {@code wg-quick}'s {@code sort -nr -k 2 -t /}), IPv4 before IPv6 at equal length.
     */
    public static List<IpPrefix> routePrefixes(TunnelConfig config) {
        Set<IpPrefix> all = new LinkedHashSet<>();
        for (PeerConfig p : config.peers()) {
            for (IpPrefix ip : p.allowedIps()) {
                all.add(ip.masked());
            }
        }
        List<IpPrefix> out = new ArrayList<>(all);
        out.sort(Comparator.comparingInt(IpPrefix::cidr).reversed()
                .thenComparing(p -> p.isIpv4() ? 0 : 1));
        return out;
    }

    /** True if the prefix is a default route ({@code 0.0.0.0/0} or {@code ::/0}). */
    public static boolean isDefault(IpPrefix p) {
        return p.cidr() == 0;
    }

    /** True when {@code wg-quick} would set up policy routing for this prefix and table. */
    public static boolean isFullTunnel(IpPrefix p, RouteTable table) {
        return isDefault(p) && table.kind() == RouteTable.Kind.AUTO;
    }

    /** The {@code table} argument for an explicit table, or null for the main table. */
    static String tableArg(RouteTable table) {
        return switch (table.kind()) {
            case NUMBER -> Long.toString(table.number().orElseThrow());
            case NAME -> table.name().orElseThrow();
            case AUTO, OFF -> null;
        };
    }

    /** {@code ip route add PREFIX dev DEV [table T]}, for a prefix that is not a full tunnel. */
    public static Cmd route(String dev, IpPrefix p, RouteTable table) {
        List<String> add = new ArrayList<>(List.of("ip", family(p), "route", "add", p.toString(), "dev", dev));
        List<String> del = new ArrayList<>(List.of("ip", family(p), "route", "del", p.toString(), "dev", dev));
        String t = tableArg(table);
        if (t != null) {
            add.addAll(List.of("table", t));
            del.addAll(List.of("table", t));
        }
        return new Cmd(add, del);
    }

    /**
     * The policy routing of a full tunnel, in {@code wg-quick}'s order: a rule sending everything
     * not marked with {@code table} to table {@code table}, a rule making the main table win for
     * anything more specific than a default route ({@code suppress_prefixlength 0}), and the
     * default route through the tunnel in that table. The engine marks its own UDP packets with
     * {@code table} (SO_MARK), so they skip the first rule and leave through the main table: no
     * routing loop.
     */
    public static List<Cmd> fullTunnel(String dev, IpPrefix defaultRoute, long table) {
        String f = family(defaultRoute);
        String t = Long.toString(table);
        return List.of(
                new Cmd(List.of("ip", f, "rule", "add", "not", "fwmark", t, "table", t),
                        List.of("ip", f, "rule", "del", "not", "fwmark", t, "table", t)),
                new Cmd(List.of("ip", f, "rule", "add", "table", "main", "suppress_prefixlength", "0"),
                        List.of("ip", f, "rule", "del", "table", "main", "suppress_prefixlength", "0")),
                new Cmd(List.of("ip", f, "route", "add", defaultRoute.toString(), "dev", dev, "table", t),
                        List.of("ip", f, "route", "del", defaultRoute.toString(), "dev", dev, "table", t)));
    }

    /** The MTU named in {@code ip route get}/{@code ip link show} output ({@code mtu N}). */
    public static OptionalInt mtuIn(String output) {
        Matcher m = MTU.matcher(output);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** The device named in {@code ip route get} output ({@code dev X}), or null. */
    public static String devIn(String output) {
        Matcher m = DEV.matcher(output);
        return m.find() ? m.group(1) : null;
    }

    /**
     * {@code wg-quick}'s automatic MTU: the largest path MTU found (1500 if none) minus 80, at
     * most the largest packet the engine carries ({@link dev.wgdesk.engine.Protocol#MAX_PACKET_SIZE}:
     * a route over loopback reports 65536).
     */
    public static int autoMtu(OptionalInt largestPathMtu) {
        int mtu = largestPathMtu.orElse(0);
        if (mtu <= 0) {
            mtu = 1500;
        }
        return Math.min(Math.max(mtu - 80, 68), dev.wgdesk.engine.Protocol.MAX_PACKET_SIZE);
    }
}
