package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.conn.MemoryBind;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Activation, network changes and deactivation on macOS with every outside effect faked: the
 * commands go to {@link FakeMac} (answers like darwin-oracle.sh's stubs, records the rest), the
 * utun is the real {@link Utun} on {@link FakeDarwin}, the UDP socket a {@link MemoryBind}.
 */
class MacTunnelTest {
    static final String NETSTAT4 = """
            Routing tables

            Internet:
            Destination        Gateway            Flags        Refs      Use   Netif Expire
            default            %s        UGSc           42        0     en0
            127                127.0.0.1          UCS             0        0     lo0
            """;
    static final String NETSTAT6_NEW_LAYOUT = """
            Routing tables

            Internet6:
            Destination                             Gateway                                 Flags         Netif Expire
            default                                 fe80::1%en0                             UGcg            en0
            """;

    /** The Mac's answers; every command recorded; one command may be made to fail. */
    static final class FakeMac implements MacTunnel.Runner {
        final List<String> commands = new CopyOnWriteArrayList<>();
        volatile String gateway4 = "192.168.1.1";
        volatile String fail;
        volatile String wifiDns = "There aren't any DNS Servers set on Wi-Fi.";

        @Override
        public MacTunnel.Result run(List<String> argv) throws IOException {
            String c = String.join(" ", argv);
            commands.add(c);
            if (c.equals(fail)) {
                return new MacTunnel.Result(1, "", "route: writing to routing socket: File exists");
            }
            String out = switch (c) {
                case "netstat -nr -f inet" -> gateway4 == null ? "Internet:\nDestination Gateway Flags Netif Expire\n"
                        : NETSTAT4.formatted(gateway4);
                case "netstat -nr -f inet6" -> NETSTAT6_NEW_LAYOUT;
                case "ifconfig en0" -> "en0: flags=8863<UP,BROADCAST> mtu 1492\n";
                case "networksetup -listallnetworkservices" ->
                        "An asterisk (*) denotes that a network service is disabled.\nWi-Fi\n*iPhone USB\n";
                case "networksetup -getdnsservers Wi-Fi" -> wifiDns;
                case "networksetup -getdnsservers iPhone USB" -> "There aren't any DNS Servers set on iPhone USB.";
                case "networksetup -getsearchdomains Wi-Fi" -> "home.arpa\n";
                default -> "";
            };
            return new MacTunnel.Result(0, out, "");
        }

        List<String> changes() {
            return commands.stream().filter(c -> !c.startsWith("netstat") && !c.startsWith("networksetup -get")
                    && !c.startsWith("networksetup -list") && !c.equals("ifconfig en0")).toList();
        }
    }

    final FakeDarwin kernel = new FakeDarwin();
    final FakeMac mac = new FakeMac();
    final MemoryBind.Network net = new MemoryBind.Network();
    final List<List<List<String>>> journals = new ArrayList<>();
    final List<String> log = new CopyOnWriteArrayList<>();

    MacTunnel.Options opts(boolean scripts) {
        return new MacTunnel.Options(mac, new MacOsTunProvider(kernel, true), () -> new MemoryBind(net),
                e -> {
                    throw new UnknownHostException(e.host());
                }, scripts, journals::add, log::add, r -> RouteMonitor.start(kernel, r));
    }

    static TunnelConfig conf(String iface, String allowed, String endpoint) throws Exception {
        return TunnelConfig.parse("wg0.conf", "[Interface]\nPrivateKey = KPF+ePw2iY/ZTylsXthspwB6XsqQlynwL06BSBzIOn8=\n"
                + iface + "\n[Peer]\nPublicKey = ZyAYPpougQezg+fGBVmZcWRNuVzPzrzkJs2HeVEEkWc=\nAllowedIPs = " + allowed
                + "\nEndpoint = " + endpoint + "\n");
    }

    @Test
    void fullTunnelUpThenDown() throws Exception {
        TunnelConfig c = conf("Address = 10.8.0.2/32, fd00::2/64\nDNS = 1.1.1.1, corp.example", "0.0.0.0/0, ::/0",
                "198.51.100.7:51820");
        MacTunnel t = MacTunnel.activate("wg0", c, opts(false));
        assertEquals("utun0", t.interfaceName());
        assertEquals(1412, t.mtu(), "en0's 1492 minus 80");
        assertEquals(1412, kernel.iface("utun0").mtu);
        assertEquals(List.of(
                "ifconfig utun0 inet 10.8.0.2/32 10.8.0.2 alias",
                "ifconfig utun0 inet6 fd00::2/64 alias",
                "ifconfig utun0 mtu 1412",
                "ifconfig utun0 up",
                "route -q -n add -inet 0.0.0.0/1 -interface utun0",
                "route -q -n add -inet 128.0.0.0/1 -interface utun0",
                "route -q -n add -inet6 ::/1 -interface utun0",
                "route -q -n add -inet6 8000::/1 -interface utun0",
                "route -q -n add -inet 198.51.100.7 -gateway 192.168.1.1",
                "networksetup -setdnsservers Wi-Fi 1.1.1.1",
                "networksetup -setsearchdomains Wi-Fi corp.example",
                "networksetup -setdnsservers iPhone USB 1.1.1.1",
                "networksetup -setsearchdomains iPhone USB corp.example"), mac.changes());
        assertEquals(1, journals.size());
        assertEquals(List.of(
                List.of("route", "-q", "-n", "delete", "-inet", "198.51.100.7"),
                List.of("networksetup", "-setdnsservers", "Wi-Fi", "Empty"),
                List.of("networksetup", "-setsearchdomains", "Wi-Fi", "home.arpa"),
                List.of("networksetup", "-setdnsservers", "iPhone USB", "Empty"),
                List.of("networksetup", "-setsearchdomains", "iPhone USB", "Empty")), journals.getFirst(),
                "written before any change, with the values to restore");
        assertTrue(t.device().isUp());

        mac.commands.clear();
        assertEquals(List.of(), t.deactivate());
        assertEquals(List.of(
                "networksetup -setsearchdomains iPhone USB Empty",
                "networksetup -setdnsservers iPhone USB Empty",
                "networksetup -setsearchdomains Wi-Fi home.arpa",
                "networksetup -setdnsservers Wi-Fi Empty",
                "route -q -n delete -inet 198.51.100.7"), mac.changes(), "DNS restored, endpoint route deleted");
        assertNull(kernel.iface("utun0"), "closing the utun removes the interface with its addresses and routes");
        assertTrue(t.device().isClosed());
        assertEquals(List.of(), t.deactivate(), "idempotent");
    }

    @Test
    void aFailingStepUndoesEverythingBefore() throws Exception {
        mac.fail = "route -q -n add -inet 128.0.0.0/1 -interface utun0";
        TunnelConfig c = conf("Address = 10.8.0.2/32\nDNS = 1.1.1.1", "0.0.0.0/0", "198.51.100.7:51820");
        MacTunnel.ActivationException e = assertThrows(MacTunnel.ActivationException.class,
                () -> MacTunnel.activate("wg0", c, opts(false)));
        assertEquals("routes", e.step());
        assertTrue(e.getMessage().contains("File exists"), e.getMessage());
        List<String> ch = mac.changes();
        assertEquals("route -q -n delete -inet 0.0.0.0/1 -interface utun0", ch.getLast(), ch.toString());
        assertFalse(ch.stream().anyMatch(x -> x.startsWith("networksetup -set")), "DNS was never touched");
        assertNull(kernel.iface("utun0"));
        assertEquals(0, kernel.openFiles(), "the utun, its sockets and pipes are closed");
    }

    @Test
    void endpointRoutesFollowTheGatewayAndBlackholeWithoutOne() throws Exception {
        TunnelConfig c = conf("Address = 10.8.0.2/32\nMTU = 1380", "0.0.0.0/0", "198.51.100.7:51820");
        MacTunnel t = MacTunnel.activate("wg0", c, opts(false));
        assertTrue(mac.changes().contains("ifconfig utun0 mtu 1380"));
        mac.commands.clear();
        mac.gateway4 = "10.20.0.1";
        assertEquals(List.of(), t.networkChanged());
        assertEquals(List.of("route -q -n delete -inet 198.51.100.7",
                "route -q -n add -inet 198.51.100.7 -gateway 10.20.0.1"), mac.changes());
        mac.commands.clear();
        assertEquals(List.of(), t.networkChanged());
        assertEquals(List.of(), mac.changes(), "nothing changed, nothing done");
        mac.gateway4 = null;
        t.networkChanged();
        assertEquals(List.of("route -q -n delete -inet 198.51.100.7",
                "route -q -n add -inet 198.51.100.7 127.0.0.1 -blackhole"), mac.changes());
        mac.commands.clear();
        t.deactivate();
        assertEquals(List.of("route -q -n delete -inet 198.51.100.7"), mac.changes(), "the route in force now");
    }

    @Test
    void theRouteMonitorReappliesOnRoutingMessages() throws Exception {
        TunnelConfig c = conf("Address = 10.8.0.2/32\nMTU = 1380", "0.0.0.0/0", "198.51.100.7:51820");
        MacTunnel t = MacTunnel.activate("wg0", c, opts(false));
        int files = kernel.openFiles();
        mac.gateway4 = "10.20.0.1";
        kernel.broadcast(FakeDarwin.ifInfo(99, 1, 1500)); // any routing message
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!mac.commands.contains("route -q -n add -inet 198.51.100.7 -gateway 10.20.0.1")
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(mac.commands.contains("route -q -n add -inet 198.51.100.7 -gateway 10.20.0.1"), mac.commands.toString());
        assertEquals(List.of(), t.deactivate());
        assertTrue(kernel.openFiles() < files, "the monitor's socket is closed too");
        assertEquals(0, kernel.openFiles());
    }

    @Test
    void hooksRunOnlyWhenAllowed() throws Exception {
        TunnelConfig c = conf("Address = 10.8.0.2/32\nPostUp = echo up %i %I\nPreDown = echo down %i",
                "10.8.0.0/24", "198.51.100.7:51820");
        MacTunnel t = MacTunnel.activate("wg0", c, opts(false));
        assertFalse(mac.commands.stream().anyMatch(x -> x.startsWith("/bin/bash")));
        assertTrue(log.stream().anyMatch(l -> l.contains("PostUp: 1 hook(s) not run")), log.toString());
        t.deactivate();
        MacTunnel t2 = MacTunnel.activate("wg0", c, opts(true));
        assertTrue(mac.commands.contains("/bin/bash -c echo up utun0 wg0"), mac.commands.toString());
        t2.deactivate();
        assertTrue(mac.commands.contains("/bin/bash -c echo down utun0"), mac.commands.toString());
    }

    @Test
    void unsupportedTableAndUnresolvableEndpointFailBeforeAnyChange() throws Exception {
        MacTunnel.ActivationException e = assertThrows(MacTunnel.ActivationException.class, () -> MacTunnel.activate("wg0",
                conf("Address = 10.8.0.2/32\nTable = 77", "0.0.0.0/0", "198.51.100.7:51820"), opts(false)));
        assertEquals("plan", e.step());
        e = assertThrows(MacTunnel.ActivationException.class, () -> MacTunnel.activate("wg0",
                conf("Address = 10.8.0.2/32", "0.0.0.0/0", "nowhere.invalid:51820"), opts(false)));
        assertEquals("resolve endpoints", e.step());
        assertEquals(List.of(), mac.changes());
        assertEquals(0, kernel.openFiles());
    }

    @Test
    void probeParsesBothNetstatLayouts() {
        assertEquals(Optional.of(new MacProbe.DefaultRoute("192.168.1.1", "en0")),
                MacProbe.defaultRoute(NETSTAT4.formatted("192.168.1.1")));
        assertEquals(Optional.of(new MacProbe.DefaultRoute("fe80::1%en0", "en0")), MacProbe.defaultRoute(NETSTAT6_NEW_LAYOUT));
        assertEquals(Optional.of(new MacProbe.DefaultRoute(null, "utun3")), MacProbe.defaultRoute(
                "Destination Gateway Flags Netif Expire\ndefault link#12 UCSg utun3\n"));
        assertEquals(Optional.empty(), MacProbe.defaultRoute("Internet:\n"));
        assertEquals(List.of("Wi-Fi", "Thunderbolt Bridge", "iPhone USB"), MacProbe.services(
                "An asterisk (*) denotes that a network service is disabled.\nWi-Fi\nThunderbolt Bridge\n*iPhone USB\n"));
        assertEquals(List.of("Empty"), MacProbe.saved("There aren't any DNS Servers set on Wi-Fi."));
        assertEquals(List.of("1.1.1.1", "8.8.8.8"), MacProbe.saved("1.1.1.1\n8.8.8.8\n"));
        assertEquals(1420, MacProbe.autoMtu(java.util.OptionalInt.empty()));
        assertEquals(1412, MacProbe.autoMtu(MacProbe.mtu("en0: flags=8863<UP> mtu 1492")));
    }
}
