package dev.wgdesk.platform.windows;

import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.RouteTable;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.plan.ActivationPlanner;
import dev.wgdesk.engine.plan.PlanException;
import dev.wgdesk.platform.windows.net.WindowsNetPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The Windows activation plan as text, one step per line, for {@code wgdesk plan FILE --os
 * windows}: the Wintun adapter (its deterministic GUID), the engine, the kill switch's WFP filters
 * when they apply, then per family routes ({@code route add 0.0.0.0/0 metric 0}), addresses,
 * interface MTU and metric, DNS ({@code dns 10.64.0.1 search corp.example}), from
 * {@link WindowsNetPlan}. Lines starting with {@code "# "} are notes. Pure: the same name and
 * configuration give the same lines on any machine.
 *
 * <p>Found by the CLI through the engine's {@link ActivationPlanner} SPI (META-INF/services).
 */
public final class WindowsPlanner implements ActivationPlanner {
    /** The OS name this planner answers for. */
    @Override
    public String os() {
        return "windows";
    }

    /**
     * The steps for tunnel {@code tunnelName}.
     *
     * @throws PlanException for a {@code Table} other than auto or off (Windows has one routing
     *     table; wireguard-windows refuses the same), naming the setting
     */
    @Override
    public List<String> plan(String tunnelName, TunnelConfig config) throws PlanException {
        InterfaceConfig ic = config.interfaceConfig();
        RouteTable.Kind table = ic.table().kind();
        if (table != RouteTable.Kind.AUTO && table != RouteTable.Kind.OFF) {
            throw new PlanException("Table = " + ic.table()
                    + ": Windows has a single routing table; use Table = auto or Table = off");
        }
        List<String> out = new ArrayList<>();
        UUID guid = AdapterGuid.of(tunnelName);
        out.add("adapter open-or-create " + tunnelName + " type " + WindowsTunProvider.TUNNEL_TYPE + " guid "
                + AdapterGuid.toWindowsString(guid) + " (Wintun), session ring " + WintunTun.RING_CAPACITY + " bytes");
        for (String c : ic.preUp()) {
            out.add("PreUp: cmd.exe /c " + c.replace("%i", tunnelName) + " (runs only where the helper's policy allows scripts)");
        }
        out.add("configure the engine: private key, listen port "
                + (ic.listenPort().isPresent() ? ic.listenPort().getAsInt() : "(random)") + ", "
                + config.peers().size() + (config.peers().size() == 1 ? " peer" : " peers")
                + "; its UDP socket bound to the default route's interface (IP_UNICAST_IF)");
        List<WindowsNetPlan.Step> steps = WindowsNetPlan.plan(config);
        boolean firewall = false;
        for (WindowsNetPlan.Step s : steps) {
            if (s instanceof WindowsNetPlan.Firewall && !firewall) {
                firewall = true;
                out.add("firewall open dynamic WFP session with sublayer wgdesk (filters vanish if the helper exits)");
            }
            out.add(s.describe());
        }
        for (String c : ic.postUp()) {
            out.add("PostUp: cmd.exe /c " + c.replace("%i", tunnelName) + " (runs only where the helper's policy allows scripts)");
        }
        if (ic.mtu().isEmpty()) {
            out.add("# MTU: none set, " + WindowsNetPlan.DEFAULT_MTU + " as wireguard-windows");
        }
        if (firewall) {
            out.add("# firewall: a kill switch, because the only peer's AllowedIPs hold a default route;"
                    + " the tunnel's LUID and " + WindowsNetPlan.HELPER_EXE + " are filled in at activation");
        } else if (config.peers().stream().anyMatch(p -> p.allowedIps().stream().anyMatch(a -> a.cidr() == 0))) {
            out.add("# firewall: no kill switch (it needs exactly one peer with a default route and Table not off)");
        }
        if (ic.saveConfig()) {
            out.add("# SaveConfig is not supported by wgdesk; ignored");
        }
        WindowsTunnelBackend.splitDnsWarning(ic).ifPresent(w -> out.add("# WARNING: " + w));
        return out;
    }
}
