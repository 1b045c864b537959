package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.ConfigException;
import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.SearchDomain;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.plan.ActivationPlanner;
import dev.wgdesk.engine.plan.PlanException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The macOS plan, line by line, against what darwin.bash would run. */
class MacPlannerTest {
    private static final String KEY = "KPF+ePw2iY/ZTylsXthspwB6XsqQlynwL06BSBzIOn8=";
    private static final String PEER = "ZyAYPpougQezg+fGBVmZcWRNuVzPzrzkJs2HeVEEkWc=";

    private static TunnelConfig conf(String iface, String peer) throws ConfigException {
        return TunnelConfig.parse("t.conf", "[Interface]\nPrivateKey = " + KEY + "\n" + iface
                + "\n[Peer]\nPublicKey = " + PEER + "\n" + peer + "\n");
    }

    private static List<String> steps(List<String> plan) {
        return plan.stream().filter(l -> !l.startsWith("# ")).toList();
    }

    @Test
    void foundThroughServiceLoader() {
        assertTrue(ActivationPlanner.forOs("macos").orElseThrow() instanceof MacPlanner);
    }

    @Test
    void fullTunnelInDarwinBashOrderAndSpelling() throws Exception {
        List<String> plan = new MacPlanner().plan("t", conf(
                "Address = 10.0.0.2/32, fd00::2/64\nDNS = 1.1.1.1, example.com\nPreUp = echo %i %I",
                "AllowedIPs = 0.0.0.0/0, ::/0\nEndpoint = 192.0.2.1:51820"));
        assertEquals(List.of(
                "create utunN: a utun control socket (com.apple.net.utun_control), the kernel picks N; the engine attaches to it",
                "PreUp: echo utunN t (runs only where the helper's policy allows scripts)",
                "configure the engine: private key, listen port (random), 1 peer",
                "ifconfig utunN inet 10.0.0.2/32 10.0.0.2 alias",
                "ifconfig utunN inet6 fd00::2/64 alias",
                "ifconfig utunN mtu <automtu>",
                "ifconfig utunN up",
                "route -q -n add -inet 0.0.0.0/1 -interface utunN",
                "route -q -n add -inet 128.0.0.0/1 -interface utunN",
                "route -q -n add -inet6 ::/1 -interface utunN",
                "route -q -n add -inet6 8000::/1 -interface utunN",
                "route -q -n add -inet 192.0.2.1 -gateway <gateway4>",
                "save DNS of every network service: networksetup -getdnsservers <service>, networksetup -getsearchdomains"
                        + " <service> (restored on deactivation)",
                "networksetup -setdnsservers <service> 1.1.1.1",
                "networksetup -setsearchdomains <service> example.com",
                "watch the routing socket (route -n monitor): on every change re-apply endpoint routes, MTU, DNS"),
                steps(plan));
        assertTrue(plan.stream().anyMatch(l -> l.startsWith("# <gateway4>:")));
        assertFalse(plan.stream().anyMatch(l -> l.contains("<gateway6>")), "no IPv6 endpoint");
    }

    @Test
    void splitTunnelHasNoEndpointRoutesAndExplicitMtu() throws Exception {
        List<String> plan = steps(new MacPlanner().plan("t", conf("Address = 10.0.0.2/24\nMTU = 1280",
                "AllowedIPs = 10.0.0.0/24, 10.1.0.0/16, 10.1.2.3/32\nEndpoint = 192.0.2.1:51820")));
        assertTrue(plan.contains("ifconfig utunN mtu 1280"));
        assertEquals(List.of("route -q -n add -inet 10.1.2.3/32 -interface utunN",
                        "route -q -n add -inet 10.0.0.0/24 -interface utunN",
                        "route -q -n add -inet 10.1.0.0/16 -interface utunN"),
                plan.stream().filter(l -> l.startsWith("route ")).toList(), "longest prefix first");
        assertFalse(plan.stream().anyMatch(l -> l.startsWith("networksetup") || l.startsWith("watch")));
    }

    @Test
    void endpointRoutesPerFamilyAndHostNames() throws Exception {
        TunnelConfig c = conf("Address = fd00::2/64", "AllowedIPs = ::/0\nEndpoint = [2001:db8::1]:51820");
        assertEquals(List.of(List.of("route", "-q", "-n", "add", "-inet6", "2001:db8::1", "-gateway", "<gateway6>")),
                MacNetPlan.endpointRoutes(c, "<gateway4>", "<gateway6>").stream().map(MacNetPlan.Cmd::apply).toList());
        assertEquals(List.of(List.of("route", "-q", "-n", "add", "-inet6", "2001:db8::1", "::1", "-blackhole")),
                MacNetPlan.endpointRoutes(c, null, null).stream().map(MacNetPlan.Cmd::apply).toList(),
                "no gateway: a blackhole route prevents the routing loop");
        TunnelConfig v4 = conf("Address = 10.0.0.2/32", "AllowedIPs = 0.0.0.0/0\nEndpoint = 192.0.2.9:51820");
        assertEquals(List.of("route", "-q", "-n", "add", "-inet", "192.0.2.9", "127.0.0.1", "-blackhole"),
                MacNetPlan.endpointRoutes(v4, null, null).getFirst().apply());
        assertEquals(List.of("route", "-q", "-n", "delete", "-inet", "192.0.2.9"),
                MacNetPlan.endpointRoutes(v4, "192.168.1.1", null).getFirst().undo());
        TunnelConfig host = conf("Address = 10.0.0.2/32", "AllowedIPs = 0.0.0.0/0\nEndpoint = vpn.example.net:51820");
        assertEquals(List.of("route", "-q", "-n", "add", "-inet", "<address of vpn.example.net>", "-gateway", "gw"),
                MacNetPlan.endpointRoutes(host, "gw", null).getFirst().apply());
    }

    @Test
    void tables() throws Exception {
        assertFalse(new MacPlanner().plan("t", conf("Address = 10.0.0.2/32\nTable = off",
                "AllowedIPs = 0.0.0.0/0\nEndpoint = 192.0.2.1:1")).stream().anyMatch(l -> l.startsWith("route")),
                "Table = off: no routes, no endpoint routes");
        List<String> main = new MacPlanner().plan("t", conf("Address = 10.0.0.2/32\nTable = main",
                "AllowedIPs = 0.0.0.0/0\nEndpoint = 192.0.2.1:1"));
        assertEquals(List.of("route -q -n add -inet 0.0.0.0/0 -interface utunN"),
                main.stream().filter(l -> l.startsWith("route")).toList(), "Table = main: no split, no endpoint routes");
        PlanException e = assertThrows(PlanException.class, () -> new MacPlanner().plan("t",
                conf("Address = 10.0.0.2/32\nTable = 1234", "AllowedIPs = 0.0.0.0/0")));
        assertTrue(e.getMessage().contains("Table = 1234"), e.getMessage());
    }

    @Test
    void dnsSetAndRestored() {
        List<MacNetPlan.Cmd> dns = MacNetPlan.dns("Wi-Fi", List.of(DnsServer.parse("10.0.0.1")), List.of(),
                List.of("192.168.1.1"), List.of());
        assertEquals(List.of("networksetup", "-setdnsservers", "Wi-Fi", "10.0.0.1"), dns.get(0).apply());
        assertEquals(List.of("networksetup", "-setdnsservers", "Wi-Fi", "192.168.1.1"), dns.get(0).undo());
        assertEquals(List.of("networksetup", "-setsearchdomains", "Wi-Fi", "Empty"), dns.get(1).apply());
        assertEquals(List.of("networksetup", "-setsearchdomains", "Wi-Fi", "Empty"), dns.get(1).undo());
        assertEquals(List.of(), MacNetPlan.dns("Wi-Fi", List.of(), List.of(new SearchDomain("lan")), List.of(), List.of()),
                "search domains without a server: wg-quick leaves DNS alone");
    }
}
