package dev.wgdesk.platform.linux.net;

import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.RouteTable;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.plan.ActivationPlanner;
import java.util.ArrayList;
import java.util.List;

/**
 * The Linux activation plan, in {@link LinuxTunnel#activate}'s order, from the same pure
 * functions it uses ({@link NetPlan}, {@link Firewall#plan}, {@link Dns#plan}), with placeholders
 * where the machine decides: {@code <automtu>} and, for a full tunnel, the routing table (the
 * first free one from 51820 unless {@code FwMark} names it). DNS is shown for systemd-resolved
 * and the anti-spoofing rules for nftables, the tools activation prefers when present. Found with
 * {@link java.util.ServiceLoader} as the {@code linux} {@link ActivationPlanner}.
 */
public final class LinuxPlanner implements ActivationPlanner {
    static final String AUTO_MTU = "<automtu>";

    @Override
    public String os() {
        return "linux";
    }

    @Override
    public List<String> plan(String name, TunnelConfig config) {
        InterfaceConfig ic = config.interfaceConfig();
        RouteTable table = ic.table();
        List<IpPrefix> prefixes = NetPlan.routePrefixes(config);
        List<IpPrefix> defaults = prefixes.stream().filter(p -> NetPlan.isFullTunnel(p, table)).toList();
        long fwTable = ic.fwMark().isPresent() && ic.fwMark().getAsLong() != 0 ? ic.fwMark().getAsLong()
                : NetPlan.FIRST_TABLE;
        List<String> out = new ArrayList<>();
        for (String c : ic.preUp()) {
            out.add("PreUp: " + c.replace("%i", name) + " (runs only where the helper's policy allows scripts)");
        }
        out.add("create TUN interface " + name + " with MTU "
                + (ic.mtu().isPresent() ? Integer.toString(ic.mtu().getAsInt()) : AUTO_MTU) + ", up");
        out.add("configure the engine: private key, listen port "
                + (ic.listenPort().isPresent() ? ic.listenPort().getAsInt() : "(random)")
                + (defaults.isEmpty() ? "" : ", fwmark " + fwTable) + ", " + config.peers().size()
                + (config.peers().size() == 1 ? " peer" : " peers"));
        for (Firewall.Step s : Firewall.plan(Firewall.Method.NFT, name, ic.addresses(), defaults, fwTable,
                Firewall.Lan.NONE).steps()) {
            out.add(String.join(" ", s.argv()) + " (table inet " + Firewall.tableName(name)
                    + ": drop packets for this tunnel's addresses arriving on other interfaces; kill switch:"
                    + " drop packets leaving through other interfaces than " + name + " and lo, but for the engine's"
                    + " UDP, DHCP, neighbour discovery and the LAN):");
            s.stdin().lines().forEach(l -> out.add("    " + l.replace("\t", "    ")));
        }
        for (NetPlan.Cmd c : NetPlan.addresses(name, ic.addresses())) {
            out.add(String.join(" ", c.apply()));
        }
        Dns.Plan dns = Dns.plan(Dns.Method.RESOLVED, name, ic.dnsServers(), ic.dnsSearchDomains(), ic.dnsRoutingDomains(),
                !defaults.isEmpty());
        for (Dns.Apply a : dns.apply()) {
            out.add(String.join(" ", a.argv()) + (dns.split() && a.argv().get(1).equals("default-route")
                    ? " (split DNS: other names keep going to the other links' DNS servers)" : ""));
        }
        for (String n : dns.notices()) {
            out.add("# WARNING: " + n);
        }
        if (table.kind() != RouteTable.Kind.OFF) {
            for (IpPrefix p : prefixes) {
                if (NetPlan.isFullTunnel(p, table)) {
                    if (p.isIpv4()) {
                        out.add("sysctl net.ipv4.conf.all.src_valid_mark=1 (if not already set)");
                    }
                    for (NetPlan.Cmd c : NetPlan.fullTunnel(name, p, fwTable)) {
                        out.add(String.join(" ", c.apply()));
                    }
                } else {
                    out.add(String.join(" ", NetPlan.route(name, p, table).apply())
                            + (table.kind() == RouteTable.Kind.AUTO ? " (unless the interface already has a route for it)" : ""));
                }
            }
        }
        for (String c : ic.postUp()) {
            out.add("PostUp: " + c.replace("%i", name) + " (runs only where the helper's policy allows scripts)");
        }
        if (ic.saveConfig()) {
            out.add("# SaveConfig is not supported by wgdesk; ignored");
        }
        if (ic.mtu().isEmpty()) {
            out.add("# " + AUTO_MTU + ": the largest MTU of the routes towards the endpoints (else of the default"
                    + " route) minus 80");
        }
        if (!defaults.isEmpty() && (ic.fwMark().isEmpty() || ic.fwMark().getAsLong() == 0)) {
            out.add("# table " + fwTable + ": the first routing table from " + NetPlan.FIRST_TABLE
                    + " with no routes, as wg-quick picks it");
        }
        if (!dns.apply().isEmpty()) {
            out.add("# DNS shown for systemd-resolved; without it, resolvconf -a " + name + " -m 0 -x, else a warning");
            if (!ic.dnsRoutingDomains().isEmpty() && ic.splitDns()) {
                out.add("# split DNS needs systemd-resolved: with resolvconf the tunnel's DNS servers answer every name"
                        + " (a warning at activation)");
            }
        }
        if (!defaults.isEmpty()) {
            out.add("# packet filter shown for nft; without it iptables/ip6tables raw rules and NO kill switch (a warning),"
                    + " without both a warning");
            out.add("# kill switch LAN: sets lan4/lan6 get, at activation, the prefixes of the main table's routes"
                    + " without a gateway on other interfaces (the directly connected subnets)");
        } else if (prefixes.stream().anyMatch(NetPlan::isDefault)) {
            out.add("# a default route with Table = " + table + ": no policy routing and no kill switch (Table = auto has them)");
        }
        return out;
    }
}
