package dev.wgdesk.platform.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.plan.PlanException;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsPlannerTest {
    static final String KEY = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
    static final String PEER = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";

    static TunnelConfig config(String iface, String peer) throws Exception {
        return TunnelConfig.parse("t.conf", "[Interface]\nPrivateKey = " + KEY + "\n" + iface + "\n[Peer]\nPublicKey = "
                + PEER + "\n" + peer);
    }

    @Test
    void splitDnsIsAWarningNotImplementedYet() throws Exception {
        List<String> lines = new WindowsPlanner().plan("t", config("Address = 10.64.0.2/32\nDNS = 10.64.0.1, ~corp.example\n",
                "AllowedIPs = 10.64.0.0/16\n"));
        assertTrue(lines.contains("# WARNING: split DNS (~corp.example) is not implemented on Windows yet (it would need"
                + " the Name Resolution Policy Table): the tunnel's DNS server(s) are set on its interface as without"
                + " routing domains, and Windows may ask them for any name"), lines.toString());
        assertTrue(new WindowsPlanner().plan("t", config("Address = 10.64.0.2/32\nDNS = 10.64.0.1, ~corp.example, ~.\n",
                "AllowedIPs = 10.64.0.0/16\n")).stream().noneMatch(l -> l.contains("split DNS")), "~. is no split");
    }

    @Test
    void aSplitTunnel() throws Exception {
        List<String> lines = new WindowsPlanner().plan("office", config("Address = 10.7.0.2/24\nListenPort = 51820\n",
                "AllowedIPs = 10.7.0.0/24\nEndpoint = 198.51.100.7:51820\n"));
        assertEquals(List.of(
                "adapter open-or-create office type wgdesk guid " + AdapterGuid.toWindowsString(AdapterGuid.of("office"))
                        + " (Wintun), session ring 8388608 bytes",
                "configure the engine: private key, listen port 51820, 1 peer; its UDP socket bound to the default"
                        + " route's interface (IP_UNICAST_IF)",
                "route add 10.7.0.0/24 metric 0",
                "address add 10.7.0.2/24",
                "interface ipv4 mtu 1420 metric automatic router-discovery off dad-transmits 0",
                "# MTU: none set, 1420 as wireguard-windows"), lines);
    }

    @Test
    void aFullTunnelOpensTheFirewallSessionBeforeItsFilters() throws Exception {
        List<String> lines = new WindowsPlanner().plan("t", config("Address = 10.64.0.2/32\nDNS = 10.64.0.1\nMTU = 1400\n",
                "AllowedIPs = 0.0.0.0/0\n"));
        int session = lines.indexOf("firewall open dynamic WFP session with sublayer wgdesk (filters vanish if the helper exits)");
        assertTrue(session > 0, lines.toString());
        assertTrue(lines.get(session + 1).startsWith("firewall permit"), lines.toString());
        assertTrue(lines.contains("route add 0.0.0.0/0 metric 0"));
        assertTrue(lines.contains("interface ipv4 mtu 1400 metric 0 router-discovery off dad-transmits 0"));
        assertTrue(lines.contains("dns 10.64.0.1"));
        assertTrue(lines.indexOf("route add 0.0.0.0/0 metric 0") > session);
        assertTrue(lines.get(lines.size() - 1).startsWith("# firewall: a kill switch"), lines.toString());
    }

    @Test
    void aRoutingTableNumberIsRefusedNamingTheSetting() throws Exception {
        PlanException e = assertThrows(PlanException.class,
                () -> new WindowsPlanner().plan("t", config("Address = 10.0.0.2/32\nTable = 1234\n", "AllowedIPs = 10.0.0.0/8\n")));
        assertTrue(e.getMessage().startsWith("Table = 1234"), e.getMessage());
    }
}
