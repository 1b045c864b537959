package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.plan.ActivationPlanner;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Linux plan: LinuxTunnel's order, NetPlan's commands. */
class LinuxPlannerTest {
    private static TunnelConfig conf(String iface, String allowed) throws Exception {
        return TunnelConfig.parse("wg0.conf", "[Interface]\nPrivateKey = KPF+ePw2iY/ZTylsXthspwB6XsqQlynwL06BSBzIOn8=\n"
                + iface + "\n[Peer]\nPublicKey = ZyAYPpougQezg+fGBVmZcWRNuVzPzrzkJs2HeVEEkWc=\nAllowedIPs = " + allowed
                + "\nEndpoint = 192.0.2.1:51820\n");
    }

    @Test
    void splitTunnel() throws Exception {
        assertTrue(ActivationPlanner.forOs("linux").orElseThrow() instanceof LinuxPlanner);
        List<String> plan = new LinuxPlanner().plan("wg0", conf("Address = 10.0.0.2/24\nMTU = 1380", "10.0.0.0/24, 10.1.0.0/16"));
        assertEquals(List.of(
                "create TUN interface wg0 with MTU 1380, up",
                "configure the engine: private key, listen port (random), 1 peer",
                "ip -4 address add 10.0.0.2/24 dev wg0",
                "ip -4 route add 10.0.0.0/24 dev wg0 (unless the interface already has a route for it)",
                "ip -4 route add 10.1.0.0/16 dev wg0 (unless the interface already has a route for it)"), plan);
    }

    @Test
    void fullTunnelUsesTheFwMarkTable() throws Exception {
        List<String> plan = new LinuxPlanner().plan("wg0", conf("Address = 10.0.0.2/32\nFwMark = 4242\nDNS = 10.0.0.1",
                "0.0.0.0/0"));
        assertTrue(plan.contains("ip -4 rule add not fwmark 4242 table 4242"), plan.toString());
        assertTrue(plan.contains("ip -4 route add 0.0.0.0/0 dev wg0 table 4242"), plan.toString());
        assertTrue(plan.contains("resolvectl dns wg0 10.0.0.1"), plan.toString());
        assertTrue(plan.getFirst().endsWith("MTU <automtu>, up"), plan.toString());
        assertTrue(plan.stream().anyMatch(l -> l.startsWith("nft -f -")), plan.toString());
        assertTrue(plan.stream().noneMatch(l -> l.startsWith("# table ")), "FwMark names the table");
    }

    /** "Block untunneled traffic" on (a /0): the plan shows the kill switch's chains in the nft input. */
    @Test
    void killSwitchRulesAreShown() throws Exception {
        List<String> plan = new LinuxPlanner().plan("wg0", conf("Address = 10.0.0.2/32", "0.0.0.0/0"));
        int nft = plan.indexOf(plan.stream().filter(l -> l.startsWith("nft -f -")).findFirst().orElseThrow());
        assertTrue(plan.get(nft).contains("kill switch"), plan.get(nft));
        List<String> after = plan.subList(nft + 1, plan.size());
        assertEquals("            type filter hook output priority 0; policy accept;",
                after.get(after.indexOf("        chain killout {") + 1), plan.toString());
        assertTrue(after.contains("            oifname { \"lo\", \"wg0\" } accept"), plan.toString());
        assertTrue(after.contains("            meta mark 51820 accept"), plan.toString());
        assertTrue(after.contains("        chain killfwd {"), plan.toString());
        assertTrue(plan.stream().anyMatch(l -> l.startsWith("# kill switch LAN: ")), plan.toString());
        assertTrue(nft < plan.indexOf("ip -4 route add 0.0.0.0/0 dev wg0 table 51820"), "the kill switch comes before the routes");
    }

    /** The switch off (two /1 halves): no packet filter at all, as with wg-quick. */
    @Test
    void halvesHaveNoKillSwitch() throws Exception {
        List<String> plan = new LinuxPlanner().plan("wg0", conf("Address = 10.0.0.2/32", "0.0.0.0/1, 128.0.0.0/1"));
        assertTrue(plan.stream().noneMatch(l -> l.contains("nft") || l.contains("kill")), plan.toString());
        List<String> off = new LinuxPlanner().plan("wg0", conf("Address = 10.0.0.2/32\nTable = off", "0.0.0.0/0"));
        assertTrue(off.contains("# a default route with Table = off: no policy routing and no kill switch (Table = auto has them)"),
                off.toString());
    }
}
