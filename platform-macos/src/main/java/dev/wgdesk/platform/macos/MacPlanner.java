package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.plan.ActivationPlanner;
import dev.wgdesk.engine.plan.PlanException;
import java.util.ArrayList;
import java.util.List;

/**
 * The macOS activation plan in wg-quick darwin.bash's order and spelling ({@link MacNetPlan}),
 * with placeholders where the Mac's state decides: {@code utunN} (the kernel numbers the
 * interface), {@code <automtu>}, {@code <gateway4>}, {@code <gateway6>}, {@code <service>}.
 * Found with {@link java.util.ServiceLoader} as the {@code macos} {@link ActivationPlanner}.
 */
public final class MacPlanner implements ActivationPlanner {
    /** The interface as the plan writes it. */
    public static final String DEV = "utunN";
    public static final String AUTO_MTU = "<automtu>";
    public static final String GATEWAY4 = "<gateway4>";
    public static final String GATEWAY6 = "<gateway6>";
    public static final String SERVICE = "<service>";

    @Override
    public String os() {
        return "macos";
    }

    @Override
    public List<String> plan(String tunnelName, TunnelConfig config) throws PlanException {
        InterfaceConfig ic = config.interfaceConfig();
        MacNetPlan.checkTable(ic.table());
        List<String> out = new ArrayList<>();
        out.add("create " + DEV + ": a utun control socket (com.apple.net.utun_control), the kernel picks N;"
                + " the engine attaches to it");
        hooks(out, "PreUp", ic.preUp(), tunnelName);
        out.add("configure the engine: private key, listen port "
                + (ic.listenPort().isPresent() ? ic.listenPort().getAsInt() : "(random)") + ", "
                + config.peers().size() + (config.peers().size() == 1 ? " peer" : " peers"));
        for (MacNetPlan.Cmd c : MacNetPlan.addresses(DEV, ic.addresses())) {
            out.add(line(c));
        }
        out.add(line(MacNetPlan.mtu(DEV, ic.mtu().isPresent() ? Integer.toString(ic.mtu().getAsInt()) : AUTO_MTU)));
        out.add(line(MacNetPlan.up(DEV)));
        for (MacNetPlan.Cmd c : MacNetPlan.routes(DEV, config)) {
            out.add(line(c));
        }
        List<MacNetPlan.Cmd> endpoints = MacNetPlan.endpointRoutes(config, GATEWAY4, GATEWAY6);
        for (MacNetPlan.Cmd c : endpoints) {
            out.add(line(c));
        }
        boolean dns = !ic.dnsServers().isEmpty();
        if (dns) {
            out.add("save DNS of every network service: networksetup -getdnsservers " + SERVICE
                    + ", networksetup -getsearchdomains " + SERVICE + " (restored on deactivation)");
            for (MacNetPlan.Cmd c : MacNetPlan.dns(SERVICE, ic.dnsServers(), ic.dnsSearchDomains(), List.of(), List.of(),
                    ic.splitDns())) {
                out.add(line(c));
            }
            for (String d : ResolverFiles.domains(ic)) {
                out.add("write " + ResolverFiles.SYSTEM_DIR.resolve(d) + " (atomically, mode 0644; removed on deactivation): "
                        + ResolverFiles.content(tunnelName, ic.dnsServers()).strip().replace("\n", " | "));
            }
            if (ic.splitDns()) {
                out.add("# split DNS: only names under " + String.join(", ", ResolverFiles.domains(ic)) + " go to "
                        + ic.dnsServers().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", "))
                        + "; the network services keep their own DNS servers for every other name");
                if (MacNetPlan.autoRoute(config, true) || MacNetPlan.autoRoute(config, false)) {
                    out.add("# WARNING: " + MacTunnelBackend.SPLIT_DNS_FULL_TUNNEL);
                }
            }
        } else if (!ic.dnsSearchDomains().isEmpty()) {
            out.add("# search domains without a DNS server are not applied (as wg-quick on macOS)");
        }
        boolean autoRoute = !endpoints.isEmpty() || MacNetPlan.autoRoute(config, true) || MacNetPlan.autoRoute(config, false);
        if (autoRoute || dns || ic.mtu().isEmpty()) {
            List<String> what = new ArrayList<>();
            if (autoRoute) {
                what.add("endpoint routes");
            }
            if (ic.mtu().isEmpty()) {
                what.add("MTU");
            }
            if (dns) {
                what.add("DNS");
            }
            out.add("watch the routing socket (route -n monitor): on every change re-apply " + String.join(", ", what));
        }
        hooks(out, "PostUp", ic.postUp(), tunnelName);
        if (ic.saveConfig()) {
            out.add("# SaveConfig is not supported by wgdesk; ignored");
        }
        out.add("# " + DEV + ": the utun interface the kernel creates (utun0, utun1, ...)");
        if (ic.mtu().isEmpty()) {
            out.add("# " + AUTO_MTU + ": the MTU of the default route's interface minus 80 (1500 - 80 if there is none)");
        }
        if (endpoints.stream().anyMatch(c -> c.apply().contains(GATEWAY4))) {
            out.add("# " + GATEWAY4 + ": the current IPv4 default gateway; with none, the route is"
                    + " '<endpoint> 127.0.0.1 -blackhole' instead");
        }
        if (endpoints.stream().anyMatch(c -> c.apply().contains(GATEWAY6))) {
            out.add("# " + GATEWAY6 + ": the current IPv6 default gateway; with none, the route is"
                    + " '<endpoint> ::1 -blackhole' instead");
        }
        if (dns) {
            out.add("# " + SERVICE + ": each network service that networksetup -listallnetworkservices lists (disabled ones too), one command per service");
        }
        return out;
    }

    private static void hooks(List<String> out, String kind, List<String> commands, String tunnelName) {
        for (String c : commands) {
            out.add(kind + ": " + c.replace("%i", DEV).replace("%I", tunnelName) + " (runs only where the helper's policy allows scripts)");
        }
    }

    private static String line(MacNetPlan.Cmd c) {
        return String.join(" ", c.apply());
    }
}
