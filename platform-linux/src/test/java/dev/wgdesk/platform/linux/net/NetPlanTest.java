package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.RouteTable;
import dev.wgdesk.engine.config.SearchDomain;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class NetPlanTest {
    private static String pub() {
        return PrivateKey.generate().publicKey().toBase64();
    }

    private static TunnelConfig config(String... allowedPerPeer) throws Exception {
        StringBuilder sb = new StringBuilder("[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64() + "\n");
        for (String a : allowedPerPeer) {
            sb.append("[Peer]\nPublicKey = ").append(pub()).append("\nAllowedIPs = ").append(a).append('\n');
        }
        return TunnelConfig.parse("t.conf", sb);
    }

    @Test
    void routesAreMaskedDeduplicatedAndLongestFirst() throws Exception {
        TunnelConfig c = config("10.0.0.0/8, 10.1.2.3/24, fd00::/64", "0.0.0.0/0, 10.1.2.0/24, 192.168.1.7/32, ::/0");
        assertEquals(List.of("fd00::/64", "192.168.1.7/32", "10.1.2.0/24", "10.0.0.0/8", "0.0.0.0/0", "::/0"),
                NetPlan.routePrefixes(c).stream().map(IpPrefix::toString).toList());
    }

    @Test
    void routeCommandsUseTheConfiguredTable() {
        IpPrefix p = IpPrefix.parse("10.1.0.0/16");
        assertEquals(new NetPlan.Cmd(List.of("ip", "-4", "route", "add", "10.1.0.0/16", "dev", "wg0"),
                List.of("ip", "-4", "route", "del", "10.1.0.0/16", "dev", "wg0")), NetPlan.route("wg0", p, RouteTable.AUTO));
        assertEquals(List.of("ip", "-6", "route", "add", "fd00::/64", "dev", "wg0", "table", "1234"),
                NetPlan.route("wg0", IpPrefix.parse("fd00::/64"), RouteTable.ofNumber(1234)).apply());
        assertEquals(List.of("ip", "-4", "route", "del", "10.1.0.0/16", "dev", "wg0", "table", "vpn"),
                NetPlan.route("wg0", p, RouteTable.ofName("vpn")).undo());
    }

    @Test
    void fullTunnelIsPolicyRoutingAsWgQuickDoesIt() {
        List<NetPlan.Cmd> cmds = NetPlan.fullTunnel("wg0", IpPrefix.parse("0.0.0.0/0"), 51820);
        assertEquals(List.of(
                List.of("ip", "-4", "rule", "add", "not", "fwmark", "51820", "table", "51820"),
                List.of("ip", "-4", "rule", "add", "table", "main", "suppress_prefixlength", "0"),
                List.of("ip", "-4", "route", "add", "0.0.0.0/0", "dev", "wg0", "table", "51820")),
                cmds.stream().map(NetPlan.Cmd::apply).toList());
        assertEquals(List.of("ip", "-6", "rule", "del", "not", "fwmark", "51821", "table", "51821"),
                NetPlan.fullTunnel("wg0", IpPrefix.parse("::/0"), 51821).getFirst().undo());
        assertTrue(NetPlan.isFullTunnel(IpPrefix.parse("::/0"), RouteTable.AUTO));
        assertFalse(NetPlan.isFullTunnel(IpPrefix.parse("::/0"), RouteTable.ofNumber(7)));
        assertFalse(NetPlan.isFullTunnel(IpPrefix.parse("0.0.0.0/1"), RouteTable.AUTO));
    }

    @Test
    void addressesByFamily() {
        assertEquals(List.of(List.of("ip", "-4", "address", "add", "10.0.0.2/24", "dev", "wg0"),
                        List.of("ip", "-6", "address", "add", "fd00::2/64", "dev", "wg0")),
                NetPlan.addresses("wg0", List.of(IpPrefix.parse("10.0.0.2/24"), IpPrefix.parse("fd00::2/64")))
                        .stream().map(NetPlan.Cmd::apply).toList());
    }

    @Test
    void mtuComesFromRouteOrDeviceOutput() {
        assertEquals(OptionalInt.of(1400), NetPlan.mtuIn("192.0.2.1 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0 \n    cache mtu 1400"));
        assertEquals(OptionalInt.empty(), NetPlan.mtuIn("192.0.2.1 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0"));
        assertEquals("eth0", NetPlan.devIn("192.0.2.1 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0"));
        assertNull(NetPlan.devIn("unreachable"));
        assertEquals(OptionalInt.of(9000), NetPlan.mtuIn("2: eth0: <BROADCAST,UP> mtu 9000 qdisc mq state UP"));
        assertEquals(1420, NetPlan.autoMtu(OptionalInt.of(1500)));
        assertEquals(1420, NetPlan.autoMtu(OptionalInt.empty()));
        assertEquals(8920, NetPlan.autoMtu(OptionalInt.of(9000)));
        // Never above the largest packet the engine carries: a path over loopback reports 65536.
        assertEquals(9216, NetPlan.autoMtu(OptionalInt.of(65536)));
        assertEquals(9216, NetPlan.autoMtu(OptionalInt.of(9296)));
    }

    @Test
    void resolvedCountsOnlyWhenItAnswers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path run) throws Exception {
        java.util.List<java.util.List<String>> asked = new java.util.ArrayList<>();
        Dns.Runner answering = (argv, in) -> {
            asked.add(argv);
            return new Command.Result(0, "Global\n", "");
        };
        Dns.Runner stopped = (argv, in) -> new Command.Result(1, "", "Failed to get global data: Unit dbus-org.freedesktop.resolve1.service not found.");
        java.util.function.Predicate<String> both = p -> true;
        java.util.function.Predicate<String> onlyResolvectl = p -> p.equals("resolvectl");

        assertEquals(Dns.Method.RESOLVCONF, Dns.detect(answering, run, both), "no resolved files: not running");
        assertEquals(List.of(), asked, "and not asked");
        java.nio.file.Files.writeString(run.resolve("resolv.conf"), "nameserver 1.1.1.1\n"); // resolved < 246 has only this
        assertEquals(Dns.Method.RESOLVED, Dns.detect(answering, run, both));
        assertEquals(List.of(List.of("resolvectl", "--no-pager", "status")), asked);
        assertEquals(Dns.Method.RESOLVCONF, Dns.detect(stopped, run, both), "files left by a stopped resolved");
        assertEquals(Dns.Method.NONE, Dns.detect(stopped, run, onlyResolvectl));
        assertEquals(Dns.Method.NONE, Dns.detect(answering, run, p -> false), "no resolvectl at all");
    }

    @Test
    void dnsPlans() {
        List<DnsServer> servers = List.of(DnsServer.parse("10.0.0.53"), DnsServer.parse("fd00::53"));
        List<SearchDomain> domains = List.of(SearchDomain.tryParse("corp.example").orElseThrow());
        Dns.Plan full = Dns.plan(Dns.Method.RESOLVED, "wg0", servers, domains, true);
        assertEquals(List.of(new Dns.Apply(List.of("resolvectl", "dns", "wg0", "10.0.0.53", "fd00::53"), null),
                new Dns.Apply(List.of("resolvectl", "domain", "wg0", "corp.example", "~."), null),
                new Dns.Apply(List.of("resolvectl", "default-route", "wg0", "true"), null)), full.apply());
        assertEquals(List.of(List.of("resolvectl", "revert", "wg0")), full.undo());
        Dns.Plan splitDns = Dns.plan(Dns.Method.RESOLVED, "wg0", servers, domains, false);
        assertEquals(List.of(new Dns.Apply(List.of("resolvectl", "dns", "wg0", "10.0.0.53", "fd00::53"), null),
                new Dns.Apply(List.of("resolvectl", "domain", "wg0", "corp.example", "~."), null),
                new Dns.Apply(List.of("resolvectl", "default-route", "wg0", "true"), null)), splitDns.apply(),
                "a split tunnel's DNS servers answer every name too, as with wg-quick");
        Dns.Plan splitNoDomains = Dns.plan(Dns.Method.RESOLVED, "wg0", servers, List.of(), false);
        assertEquals(List.of(List.of("resolvectl", "dns", "wg0", "10.0.0.53", "fd00::53"),
                        List.of("resolvectl", "domain", "wg0", "~."),
                        List.of("resolvectl", "default-route", "wg0", "true")),
                splitNoDomains.apply().stream().map(Dns.Apply::argv).toList(),
                "servers without search domains answer every name, as with wg-quick");
        Dns.Plan domainsOnly = Dns.plan(Dns.Method.RESOLVED, "wg0", List.of(), domains, true);
        assertEquals(List.of(new Dns.Apply(List.of("resolvectl", "domain", "wg0", "corp.example"), null)),
                domainsOnly.apply(), "no ~. and no default route without servers to send the queries to");
        Dns.Plan rc = Dns.plan(Dns.Method.RESOLVCONF, "wg0", servers, domains, false);
        assertEquals("nameserver 10.0.0.53\nnameserver fd00::53\nsearch corp.example\n", rc.apply().getFirst().stdin());
        Dns.Plan none = Dns.plan(Dns.Method.NONE, "wg0", servers, domains, false);
        assertEquals(List.of(), none.apply());
        assertEquals("DNS not applied: neither systemd-resolved nor resolvconf is available; set DNS server(s) "
                + "10.0.0.53, fd00::53 and search domain(s) corp.example by hand", none.warning());
        assertNull(Dns.plan(Dns.Method.NONE, "wg0", List.of(), List.of(), false).warning(), "no DNS, no warning");
    }

    @Test
    void commandFailuresCarryTheCommandAndItsError() {
        CommandException e = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class,
                () -> Command.check("sh", "-c", "echo oops >&2; exit 3"));
        assertEquals(3, e.exitCode());
        assertEquals("sh -c echo oops >&2; exit 3 exited 3: oops", e.getMessage());
        CommandException missing = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class,
                () -> Command.check("/nonexistent/program"));
        assertTrue(missing.getMessage().startsWith("/nonexistent/program: cannot run"), missing.getMessage());
        assertEquals("hi\n", org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> Command.check("echo", "hi")));
    }
}
