package dev.wgdesk.platform.windows.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.platform.windows.wfp.KillSwitch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What activation does on Windows, as lines (wgdesk plan --os windows) and as kill-switch data. */
class WindowsNetPlanTest {
    static final String KEY = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
    static final String PEER = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    static final String PEER2 = "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=";

    static TunnelConfig config(String iface, String... peers) throws Exception {
        StringBuilder sb = new StringBuilder("[Interface]\nPrivateKey = " + KEY + "\n" + iface);
        for (String p : peers) {
            sb.append("\n[Peer]\n").append(p);
        }
        return TunnelConfig.parse("t.conf", sb.toString());
    }

    @Test
    void aFullTunnelRoutesBothDefaultsAtMetric0WithTheKillSwitchFirst() throws Exception {
        TunnelConfig c = config("Address = 10.64.0.2/32, fd00::2/128\nDNS = 10.64.0.1, fd00::1, corp.example\nMTU = 1380\n",
                "PublicKey = " + PEER + "\nAllowedIPs = 0.0.0.0/0, ::/0\nEndpoint = 198.51.100.7:51820\n");
        List<String> lines = WindowsNetPlan.describe(c);
        List<String> net = lines.stream().filter(l -> !l.startsWith("firewall")).toList();
        assertEquals(List.of(
                "route add 0.0.0.0/0 metric 0",
                "address add 10.64.0.2/32",
                "interface ipv4 mtu 1380 metric 0 router-discovery off dad-transmits 0",
                "dns 10.64.0.1 search corp.example",
                "route add ::/0 metric 0",
                "address add fd00::2/128",
                "interface ipv6 mtu 1380 metric 0 router-discovery off dad-transmits 0",
                "dns fd00::1 search corp.example"), net);
        int firstNet = lines.indexOf(net.get(0));
        assertTrue(firstNet > 0 && lines.subList(0, firstNet).stream().allMatch(l -> l.startsWith("firewall")),
                "the kill switch comes before the routes");
        assertTrue(lines.contains("firewall block out ipv4 weight 0: everything else"), lines.toString());
        assertTrue(lines.contains("firewall permit out ipv4 weight 15: DNS to the tunnel's server"
                + " (ip_remote_port=53, ip_remote_address=10.64.0.1)"), lines.toString());
        assertTrue(lines.contains("firewall permit in ipv6 weight 12: the tunnel interface"
                + " (ip_local_interface=the tunnel's LUID)"), lines.toString());
    }

    @Test
    void aSplitTunnelKeepsAutomaticMetricsAndHasNoKillSwitch() throws Exception {
        TunnelConfig c = config("Address = 10.7.0.2/24\n",
                "PublicKey = " + PEER + "\nAllowedIPs = 10.7.0.0/24, 192.168.50.9/24, 10.7.0.0/24\n");
        assertEquals(List.of(
                "route add 10.7.0.0/24 metric 0",
                "route add 192.168.50.0/24 metric 0",
                "address add 10.7.0.2/24",
                "interface ipv4 mtu 1420 metric automatic router-discovery off dad-transmits 0"),
                WindowsNetPlan.describe(c), "host bits cleared, duplicates once, default MTU 1420, no IPv6 steps");
        assertFalse(KillSwitch.applies(c));
    }

    @Test
    void tableOffLeavesRoutesAndKillSwitchOut() throws Exception {
        TunnelConfig c = config("Address = 10.7.0.2/24\nTable = off\n", "PublicKey = " + PEER + "\nAllowedIPs = 0.0.0.0/0\n");
        assertEquals(List.of("address add 10.7.0.2/24",
                "interface ipv4 mtu 1420 metric automatic router-discovery off dad-transmits 0"), WindowsNetPlan.describe(c));
    }

    @Test
    void aSmallMtuLeavesTheIpv6InterfaceMtuAlone() throws Exception {
        TunnelConfig c = config("Address = fd00::2/64\nMTU = 1200\n", "PublicKey = " + PEER + "\nAllowedIPs = fd00::/64\n");
        assertTrue(WindowsNetPlan.describe(c).contains(
                "interface ipv6 mtu unchanged metric automatic router-discovery off dad-transmits 0"));
    }

    @Test
    void theKillSwitchNeedsExactlyOnePeerWithADefaultRoute() throws Exception {
        TunnelConfig one = config("Address = 10.0.0.2/32\n", "PublicKey = " + PEER + "\nAllowedIPs = ::/0\n");
        assertTrue(KillSwitch.applies(one));
        TunnelConfig two = config("Address = 10.0.0.2/32\n", "PublicKey = " + PEER + "\nAllowedIPs = 0.0.0.0/0\n",
                "PublicKey = " + PEER2 + "\nAllowedIPs = 10.9.0.0/16\n");
        assertFalse(KillSwitch.applies(two), "wireguard-windows restricts only with a single peer");
        TunnelConfig halves = config("Address = 10.0.0.2/32\n",
                "PublicKey = " + PEER + "\nAllowedIPs = 0.0.0.0/1, 128.0.0.0/1\n");
        assertFalse(KillSwitch.applies(halves), "the editor's unchecked box writes /1 halves: no block");
        assertEquals(List.of(), KillSwitch.rules(halves, "x.exe", "1"));
    }

    @Test
    void theKillSwitchRuleSet() throws Exception {
        TunnelConfig c = config("Address = 10.0.0.2/32\n", "PublicKey = " + PEER + "\nAllowedIPs = 0.0.0.0/0\n");
        List<KillSwitch.Filter> rules = KillSwitch.rules(c, "C:\\wgdesk\\wgdesk-helper.exe", "0x123");
        // no DNS servers: no DNS filters; 4 layers x (helper, loopback, tunnel, block) + 2 DHCPv4 + 2 DHCPv6 + 7 NDP
        assertEquals(4 * 4 + 2 + 2 + 7, rules.size());
        for (int i = 1; i < rules.size(); i++) {
            assertTrue(rules.get(i - 1).weight() >= rules.get(i).weight(), "added by weight, highest first");
        }
        for (KillSwitch.Layer l : KillSwitch.Layer.values()) {
            assertTrue(rules.contains(new KillSwitch.Filter("everything else", l, KillSwitch.Action.BLOCK, 0, List.of())));
            assertTrue(rules.stream().anyMatch(f -> f.layer() == l && f.action() == KillSwitch.Action.PERMIT
                    && f.conditions().contains(new KillSwitch.Condition("ALE_APP_ID", "EQUAL", "C:\\wgdesk\\wgdesk-helper.exe"))));
            assertTrue(rules.stream().anyMatch(f -> f.layer() == l
                    && f.conditions().equals(List.of(new KillSwitch.Condition("IP_LOCAL_INTERFACE", "EQUAL", "0x123")))));
        }
        assertEquals(1, rules.stream().filter(f -> f.purpose().equals("DHCPv4 request")).count());
        assertEquals(List.of(KillSwitch.Action.BLOCK), rules.stream().filter(f -> f.weight() == 0)
                .map(KillSwitch.Filter::action).distinct().toList(), "only weight 0 blocks");
    }
}
