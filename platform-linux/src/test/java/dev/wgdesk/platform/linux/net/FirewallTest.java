package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.testing.Requirements;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FirewallTest {
    private static final List<IpPrefix> ADDRESSES = List.of(IpPrefix.parse("10.200.0.1/24"), IpPrefix.parse("fd20::1/64"));
    private static final List<IpPrefix> V4_DEFAULT = List.of(IpPrefix.parse("0.0.0.0/0"));

    @Test
    void aSplitTunnelGetsNoRulesAndNoWarning() {
        for (Firewall.Method m : Firewall.Method.values()) {
            Firewall.Plan p = Firewall.plan(m, "wg0", ADDRESSES, List.of(), 0);
            assertTrue(p.steps().isEmpty());
            assertTrue(p.undo().isEmpty());
            assertNull(p.warning());
        }
    }

    @Test
    void withoutAToolAFullTunnelIsAWarningNotSilence() {
        Firewall.Plan p = Firewall.plan(Firewall.Method.NONE, "wg0", ADDRESSES, V4_DEFAULT, 51820);
        assertTrue(p.steps().isEmpty());
        assertTrue(p.warning().startsWith("Full tunnel WITHOUT anti-spoofing protection"), p.warning());
        assertTrue(p.warning().contains("install nftables"), p.warning());
    }

    @Test
    void tableNamesAreValidNftIdentifiersAndDistinctPerInterface() {
        assertEquals("wgdesk-wg0", Firewall.tableName("wg0"));
        assertEquals("wgdesk-a_eb_pc.d__e-1", Firewall.tableName("a=b+c.d_e-1"));
        assertNotEquals(Firewall.tableName("a_e"), Firewall.tableName("a="));
        assertNotEquals(Firewall.tableName("a__"), Firewall.tableName("a_"));
        assertThrows(IllegalArgumentException.class, () -> Firewall.tableName("wg 0"));
        assertThrows(IllegalArgumentException.class, () -> Firewall.tableName("wg\"0"));
    }

    @Test
    void nftRulesetIsWgQuicksInOneInetTable() {
        Firewall.Plan p = Firewall.plan(Firewall.Method.NFT, "wg0", ADDRESSES, V4_DEFAULT, 51820);
        assertEquals(1, p.steps().size());
        Firewall.Step s = p.steps().getFirst();
        assertEquals(List.of("nft", "-f", "-"), s.argv());
        assertEquals(List.of(List.of("nft", "delete", "table", "inet", "wgdesk-wg0")), p.undo());
        assertEquals("""
                table inet wgdesk-wg0 {}
                delete table inet wgdesk-wg0
                table inet wgdesk-wg0 {
                \tchain preraw {
                \t\ttype filter hook prerouting priority -300; policy accept;
                \t\tiifname != "wg0" ip daddr 10.200.0.1 fib saddr type != local counter drop
                \t\tiifname != "wg0" ip6 daddr fd20::1 fib saddr type != local counter drop
                \t}
                \tchain premangle {
                \t\ttype filter hook prerouting priority -150; policy accept;
                \t\tmeta nfproto ipv4 meta l4proto udp meta mark set ct mark
                \t}
                \tchain postmangle {
                \t\ttype filter hook postrouting priority -150; policy accept;
                \t\tmeta nfproto ipv4 meta l4proto udp meta mark 51820 ct mark set meta mark
                \t}
                }
                """, s.stdin());
        String both = Firewall.plan(Firewall.Method.NFT, "wg0", ADDRESSES,
                List.of(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0")), 7).steps().getFirst().stdin();
        assertTrue(both.contains("meta nfproto ipv6 meta l4proto udp meta mark 7 ct mark set meta mark\n"), both);
        assertTrue(both.contains("meta nfproto ipv6 meta l4proto udp meta mark set ct mark\n"), both);
    }

    private static final Firewall.Lan LAN = new Firewall.Lan(List.of(IpPrefix.parse("192.168.1.0/24")),
            List.of(IpPrefix.parse("fe80::/64"), IpPrefix.parse("fd98::/64")));

    @Test
    void lanUpdateReplacesBothSetsInOneTransactionAndTouchesNothingElse() {
        assertEquals("""
                flush set inet wgdesk-wg0 lan4
                add element inet wgdesk-wg0 lan4 { 192.168.1.0/24 }
                flush set inet wgdesk-wg0 lan6
                add element inet wgdesk-wg0 lan6 { fe80::/64, fd98::/64, ff02::/16 }
                """, Firewall.nftLanUpdate("wgdesk-wg0", LAN));
        assertEquals("""
                flush set inet wgdesk-wg_e lan4
                flush set inet wgdesk-wg_e lan6
                add element inet wgdesk-wg_e lan6 { ff02::/16 }
                """, Firewall.nftLanUpdate(Firewall.tableName("wg="), Firewall.Lan.NONE),
                "no IPv4 LAN: the set is emptied; link-local multicast always stays");
        String merged = Firewall.nftLanUpdate("t", new Firewall.Lan(List.of(IpPrefix.parse("10.1.2.3/16")),
                List.of(IpPrefix.parse("ff02::/16"))));
        assertTrue(merged.contains("lan4 { 10.1.0.0/16 }\n"), "host bits cleared: " + merged);
        assertTrue(merged.contains("lan6 { ff02::/16 }\n"), "multicast not twice: " + merged);
    }

    @Test
    void killSwitchAddsOutputAndForwardFiltersToTheSameTable() {
        Firewall.Plan p = Firewall.plan(Firewall.Method.NFT, "wg0", List.of(IpPrefix.parse("10.200.0.1/32")), V4_DEFAULT,
                51820, LAN);
        assertNull(p.warning());
        assertEquals(List.of(List.of("nft", "delete", "table", "inet", "wgdesk-wg0")), p.undo(), "one table, one undo");
        assertEquals("""
                table inet wgdesk-wg0 {}
                delete table inet wgdesk-wg0
                table inet wgdesk-wg0 {
                \tchain preraw {
                \t\ttype filter hook prerouting priority -300; policy accept;
                \t\tiifname != "wg0" ip daddr 10.200.0.1 fib saddr type != local counter drop
                \t}
                \tchain premangle {
                \t\ttype filter hook prerouting priority -150; policy accept;
                \t\tmeta nfproto ipv4 meta l4proto udp meta mark set ct mark
                \t}
                \tchain postmangle {
                \t\ttype filter hook postrouting priority -150; policy accept;
                \t\tmeta nfproto ipv4 meta l4proto udp meta mark 51820 ct mark set meta mark
                \t}
                \tset lan4 {
                \t\ttype ipv4_addr; flags interval; auto-merge;
                \t\telements = { 192.168.1.0/24 }
                \t}
                \tset lan6 {
                \t\ttype ipv6_addr; flags interval; auto-merge;
                \t\telements = { fe80::/64, fd98::/64, ff02::/16 }
                \t}
                \tchain killout {
                \t\ttype filter hook output priority 0; policy accept;
                \t\toifname { "lo", "wg0" } accept
                \t\tmeta mark 51820 accept
                \t\tmeta mark 2003268464 accept
                \t\tmeta nfproto ipv4 udp sport 68 udp dport 67 accept
                \t\tmeta nfproto ipv6 udp sport 546 udp dport 547 accept
                \t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 accept
                \t\ticmpv6 type mld2-listener-report accept
                \t\tip daddr @lan4 accept
                \t\tip6 daddr @lan6 accept
                \t\tcounter drop
                \t}
                \tchain killfwd {
                \t\ttype filter hook forward priority 0; policy accept;
                \t\toifname "wg0" accept
                \t\tip daddr @lan4 accept
                \t\tip6 daddr @lan6 accept
                \t\tcounter drop
                \t}
                }
                """, p.steps().getFirst().stdin());
        String none = Firewall.plan(Firewall.Method.NFT, "wg0", ADDRESSES, V4_DEFAULT, 7, Firewall.Lan.NONE)
                .steps().getFirst().stdin();
        assertTrue(none.contains("\t\ttype ipv4_addr; flags interval; auto-merge;\n\t}\n"), "an empty LAN set: " + none);
        assertTrue(none.contains("meta mark 7 accept\n"), none);
        assertTrue(!Firewall.plan(Firewall.Method.NFT, "wg0", ADDRESSES, V4_DEFAULT, 7).steps().getFirst().stdin()
                .contains("killout"), "no kill switch unless asked for");
        assertTrue(Firewall.plan(Firewall.Method.NFT, "wg0", ADDRESSES, List.of(), 7, LAN).steps().isEmpty(),
                "nothing for a split tunnel (the switch off: /1 halves are no full tunnel)");
    }

    @Test
    void killSwitchWithoutNftIsALoudWarning() {
        Firewall.Plan ipt = Firewall.plan(Firewall.Method.IPTABLES, "wg0", ADDRESSES, V4_DEFAULT, 51820, LAN);
        assertTrue(ipt.warning().startsWith("Kill switch UNAVAILABLE"), ipt.warning());
        assertTrue(ipt.steps().size() > 0, "the anti-spoofing rules are still there");
        assertNull(Firewall.plan(Firewall.Method.IPTABLES, "wg0", ADDRESSES, V4_DEFAULT, 51820).warning());
        Firewall.Plan none = Firewall.plan(Firewall.Method.NONE, "wg0", ADDRESSES, V4_DEFAULT, 51820, Firewall.Lan.NONE);
        assertTrue(none.warning().contains("kill switch (\"Block untunneled traffic\") is UNAVAILABLE"), none.warning());
    }

    @Test
    void lanIsTheMainTablesRoutesWithoutAGatewayOnOtherInterfaces() {
        Firewall.Lan lan = Firewall.Lan.fromRoutes("wg0", """
                default via 192.168.1.1 dev eth0 proto dhcp src 192.168.1.20 metric 100
                10.8.0.0/16 via 192.168.1.254 dev eth0
                10.9.0.0/16 nhid 7 dev eth1 scope link
                172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown
                192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.20 metric 100
                192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.21 metric 200
                192.168.7.7 dev eth0 scope link
                10.200.0.0/24 dev wg0 proto kernel scope link src 10.200.0.1
                127.0.0.0/8 dev lo scope host
                blackhole 10.66.0.0/16
                unreachable 10.67.0.0/16
                10.70.0.0/16 proto static
                	nexthop via 192.168.1.2 dev eth0 weight 1
                """, """
                fd98::/64 dev eth0 proto kernel metric 256 pref medium
                fe80::/64 dev eth0 proto kernel metric 256 pref medium
                fe80::/64 dev wg0 proto kernel metric 256 pref medium
                2001:db8:5::/48 via fe80::1 dev eth0 metric 1024 pref medium
                default via fe80::1 dev eth0 proto ra metric 100 pref medium
                unreachable fd00::/8 dev lo metric 1024 pref medium
                """);
        assertEquals(List.of(IpPrefix.parse("10.9.0.0/16"), IpPrefix.parse("172.17.0.0/16"), IpPrefix.parse("192.168.1.0/24"),
                IpPrefix.parse("192.168.7.7/32")), lan.v4());
        assertEquals(List.of(IpPrefix.parse("fd98::/64"), IpPrefix.parse("fe80::/64")), lan.v6());
        assertEquals(Firewall.Lan.NONE, Firewall.Lan.fromRoutes("wg0", "", "garbage line\n"));
    }

    @Test
    void iptablesFallbackIsOneInsertPerRuleUndoneByDeleteInReverse() {
        Firewall.Plan p = Firewall.plan(Firewall.Method.IPTABLES, "wg0", ADDRESSES, List.of(IpPrefix.parse("::/0")), 51820);
        List<List<String>> apply = p.steps().stream().map(Firewall.Step::argv).toList();
        assertEquals(List.of("iptables", "-w", "-t", "raw", "-I", "PREROUTING", "!", "-i", "wg0", "-d", "10.200.0.1",
                "-m", "addrtype", "!", "--src-type", "LOCAL", "-j", "DROP", "-m", "comment", "--comment",
                "wgdesk rule for wg0"), apply.get(0));
        assertEquals("ip6tables", apply.get(1).getFirst());
        assertEquals("fd20::1", apply.get(1).get(10));
        assertEquals(List.of("ip6tables", "-w", "-t", "mangle", "-I", "POSTROUTING", "-m", "mark", "--mark", "51820",
                "-p", "udp", "-j", "CONNMARK", "--save-mark", "-m", "comment", "--comment", "wgdesk rule for wg0"),
                apply.get(2));
        assertEquals(List.of("ip6tables", "-w", "-t", "mangle", "-I", "PREROUTING", "-p", "udp", "-j", "CONNMARK",
                "--restore-mark", "-m", "comment", "--comment", "wgdesk rule for wg0"), apply.get(3));
        assertEquals(4, apply.size(), "no IPv4 connection-mark rules without an IPv4 default route");
        List<List<String>> undo = p.undo();
        for (int i = 0; i < apply.size(); i++) {
            List<String> expected = new ArrayList<>(apply.get(i));
            expected.set(4, "-D");
            assertEquals(expected, undo.get(apply.size() - 1 - i));
        }
    }

    /** The generated ruleset against the real nft, in a namespace of its own; skipped without root or nft. */
    @Test
    @Timeout(60)
    void realNftAcceptsReplacesAndDeletesTheTable() throws Exception {
        Requirements.require(Command.check("id", "-u").strip().equals("0"), "needs root");
        Requirements.require(Firewall.detect() == Firewall.Method.NFT, "needs nft");
        String ns = "wgdesk-fw-" + ProcessHandle.current().pid();
        Command.run(List.of("ip", "netns", "del", ns), null, Map.of(), 10);
        Command.check("ip", "netns", "add", ns);
        try {
            String dev = "a=b+c_d";
            Firewall.Step s = Firewall.plan(Firewall.Method.NFT, dev, ADDRESSES,
                    List.of(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0")), 51820,
                    new Firewall.Lan(List.of(IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("10.1.0.0/16")),
                            List.of(IpPrefix.parse("fe80::/64")))).steps().getFirst();
            for (int i = 0; i < 2; i++) { // the second run replaces the table instead of adding rules twice
                Command.Result r = inNs(ns, s.argv(), s.stdin());
                assertEquals(0, r.exitCode(), r.stderr());
            }
            String table = inNs(ns, List.of("nft", "list", "table", "inet", Firewall.tableName(dev)), null).stdout();
            assertEquals(2, table.split("fib saddr type != local counter packets 0 bytes 0 drop", -1).length - 1, table);
            assertTrue(table.contains("iifname != \"a=b+c_d\" ip6 daddr fd20::1 fib saddr"), table);
            assertTrue(table.contains("meta nfproto ipv4 meta l4proto udp meta mark 0x0000ca6c ct mark set meta mark"), table);
            assertEquals(1, table.split("meta nfproto ipv6 meta l4proto udp meta mark set ct mark", -1).length - 1, table);
            assertTrue(table.contains("oifname { \"lo\", \"a=b+c_d\" } accept"), table);
            assertTrue(table.contains("elements = { 10.0.0.0/8 }"), "overlapping LAN prefixes merge: " + table);
            assertTrue(table.contains("chain killout {") && table.contains("chain killfwd {"), table);
            assertEquals(0, inNs(ns, s.undo(), null).exitCode());
            assertEquals("", inNs(ns, List.of("nft", "list", "tables"), null).stdout());
            assertNotEquals(0, inNs(ns, s.undo(), null).exitCode(), "a second delete fails: nothing is left");
        } finally {
            Command.run(List.of("ip", "netns", "del", ns), null, Map.of(), 10);
        }
    }

    private static Command.Result inNs(String ns, List<String> argv, String stdin) throws CommandException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(argv);
        return Command.run(cmd, stdin, Map.of(), 20);
    }
}
