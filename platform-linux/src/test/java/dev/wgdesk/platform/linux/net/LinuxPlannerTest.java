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
}
