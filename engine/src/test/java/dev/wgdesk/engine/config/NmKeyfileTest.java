package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wgdesk.engine.config.NmKeyfileProblem.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NetworkManager keyfiles: the fixtures under {@code config/nm} were written by NetworkManager
 * 1.42.4's own keyfile writer ({@code nmcli --offline connection add/modify}, Debian bookworm),
 * so they are in the exact layout NetworkManager produces.
 */
class NmKeyfileTest {
    private static final UUID UUID_1 = UUID.fromString("0b6c8f5e-5d1f-4c2b-9a55-1f0e2d3c4b5a");

    private static NmImport parse(String name) {
        return NmKeyfile.parse(name, Fixtures.read("nm/" + name));
    }

    private static TunnelConfig valid(NmImport r) {
        if (!r.isValid()) {
            fail(r.errors().stream().map(NmKeyfileProblem::message).toList().toString());
        }
        return r.config().orElseThrow();
    }

    private static List<String> keysOf(List<NmKeyfileProblem> problems) {
        return problems.stream().map(p -> "[" + p.group() + "] " + p.key()).toList();
    }

    @Test
    void keyfileWrittenByNetworkManagerImportsWithNothingLost() throws Exception {
        NmImport r = parse("home.nmconnection");

        TunnelConfig expected = TunnelConfig.parse("home.conf", """
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                FwMark = 102
                Address = 10.0.0.2/24, fd00::2/64
                DNS = 1.1.1.1, 2606:4700:4700::1111, example.com
                MTU = 1420

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 0.0.0.0/0, ::/0
                Endpoint = vpn.example.com:51820
                PersistentKeepalive = 25

                [Peer]
                PublicKey = %s
                AllowedIPs = 192.168.7.0/24, fd07::/64
                Endpoint = [2001:db8::1]:51821
                """.formatted(Fixtures.PRIVATE_1, Fixtures.PUBLIC_2, Fixtures.PRESHARED, Fixtures.PUBLIC_3));
        assertEquals(expected, valid(r));
        assertEquals("Home VPN (Büro)", r.connectionId());
        assertEquals("Home-VPN-B-ro", r.name().value());
        assertEquals(List.of(Reason.NAME_CHANGED, Reason.NOT_IMPORTED),
                r.warnings().stream().map(NmKeyfileProblem::reason).toList());
        assertEquals("home.nmconnection:6:1: [connection] interface-name: \"wg-home\" is a NetworkManager setting"
                + " wg-quick cannot express; not imported (the interface is named after the tunnel: Home-VPN-B-ro)",
                r.warnings().get(1).message());
        assertEquals("home.nmconnection:2:4: [connection] id: \"Home VPN (Büro)\" is not a valid tunnel name"
                + " (imported as Home-VPN-B-ro)", r.warnings().getFirst().message());
    }

    @Test
    void networkManagerOnlySettingsAreListedAsWarningsWithTheirPlace() {
        NmImport r = parse("office.nmconnection");
        TunnelConfig c = valid(r);

        assertEquals(List.of(IpPrefix.parse("10.0.0.2/24"), IpPrefix.parse("10.9.0.2/16")), c.interfaceConfig().addresses());
        assertEquals(List.of(DnsServer.parse("10.0.0.53")), c.interfaceConfig().dnsServers());
        assertEquals(List.of(new SearchDomain("corp.example")), c.interfaceConfig().dnsSearchDomains());
        // NetworkManager's "~" (every name) is wgdesk's "~.": imported, no longer a warning
        assertEquals(List.of(RoutingDomain.ALL), c.interfaceConfig().dnsRoutingDomains());
        assertEquals(RouteTable.ofNumber(100), c.interfaceConfig().table());
        assertEquals(List.of(
                "[connection] autoconnect",
                "[connection] interface-name",
                "[connection] zone",
                "[wireguard] ip4-auto-default-route",
                "[ipv4] address1",
                "[ipv4] dns-priority",
                "[ipv4] may-fail"), keysOf(r.warnings()));
        NmKeyfileProblem gateway = r.warnings().get(4);
        assertEquals(new NmKeyfileProblem("office.nmconnection", 17, 22, "ipv4", "address1", Reason.NOT_IMPORTED,
                "10.0.0.1", "a gateway; a WireGuard interface routes by allowed-ips, so it is ignored"), gateway);
    }

    @Test
    void secretsKeptInAnAgentAreErrorsThatSayWhere() {
        NmImport r = parse("office-agent-secrets.nmconnection");

        assertFalse(r.isValid());
        assertEquals(List.of(Reason.SECRET_NOT_IN_FILE, Reason.SECRET_NOT_IN_FILE),
                r.errors().stream().map(NmKeyfileProblem::reason).toList());
        NmKeyfileProblem key = r.errors().getFirst();
        assertEquals("wireguard", key.group());
        assertEquals("private-key", key.key());
        assertEquals(10, key.line());
        assertTrue(key.message().contains("private-key-flags=1"), key.message());
        assertEquals("preshared-key", r.errors().get(1).key());
        // peer-routes=false is Table = off, so the route table NetworkManager would use is what is lost.
        assertEquals(List.of("[connection] autoconnect", "[connection] interface-name", "[wireguard] ip4-auto-default-route", "[ipv4] address1", "[ipv4] dns-priority",
                "[ipv4] may-fail", "[ipv4] route-table"), keysOf(r.warnings()));
    }

    @Test
    void peerRoutesFalseIsTableOff() {
        String text = minimal("""
                [wireguard]
                private-key=%s
                peer-routes=false
                """.formatted(Fixtures.PRIVATE_1)) + "[ipv4]\nroute-table=100\nmethod=disabled\n";
        NmImport r = NmKeyfile.parse("t.nmconnection", text);

        assertEquals(RouteTable.OFF, valid(r).interfaceConfig().table());
        assertEquals(List.of("[ipv4] route-table"), keysOf(r.warnings()));
    }

    private static String minimal(String wireguardGroup) {
        return "[connection]\nid=t\ntype=wireguard\nautoconnect=false\ninterface-name=t\n\n" + wireguardGroup + "\n";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            wrong type        | [connection]\\nid=x\\ntype=vpn\\n                              | 3 | 6  | connection | type  | NOT_WIREGUARD
            no connection     | [wireguard]\\nprivate-key=KEY\\n                               | 1 | 1  | connection |       | MISSING
            no private key    | [connection]\\nid=x\\ntype=wireguard\\n[wireguard]\\nmtu=1400\\n | 4 | 1  | wireguard  | private-key | MISSING
            bad listen port   | HEAD[wireguard]\\nprivate-key=KEY\\nlisten-port=70000\\n        | 10 | 13 | wireguard  | listen-port | INVALID_NUMBER
            bad mtu           | HEAD[wireguard]\\nprivate-key=KEY\\nmtu=20\\n                   | 10 | 5  | wireguard  | mtu   | INVALID_NUMBER
            bad allowed ip    | HEAD[wireguard]\\nprivate-key=KEY\\n[wireguard-peer.PEER]\\nallowed-ips=10.0.0.0/8; 10.1.0.0/33;\\n | 11 | 25 | wireguard-peer.PEER | allowed-ips | INVALID_PREFIX
            bad endpoint      | HEAD[wireguard]\\nprivate-key=KEY\\n[wireguard-peer.PEER]\\nendpoint=2001:db8::1:51820\\n | 11 | 10 | wireguard-peer.PEER | endpoint | INVALID_ENDPOINT
            bad peer key      | HEAD[wireguard]\\nprivate-key=KEY\\n[wireguard-peer.abc]\\n      | 10 | 17 | wireguard-peer.abc |  | INVALID_KEY
            peer is self      | HEAD[wireguard]\\nprivate-key=KEY\\n[wireguard-peer.SELF]\\n     | 10 | 17 | wireguard-peer.SELF |  | PEER_IS_SELF
            v6 in ipv4        | HEAD[wireguard]\\nprivate-key=KEY\\n[ipv4]\\naddress1=fd00::1/64\\n | 11 | 10 | ipv4 | address1 | INVALID_PREFIX
            v4 dns in ipv6    | HEAD[wireguard]\\nprivate-key=KEY\\n[ipv6]\\ndns=fd00::53;1.1.1.1;\\n | 11 | 14 | ipv6 | dns | INVALID_DNS
            bad escape        | HEAD[wireguard]\\nprivate-key=KEY\\n[ipv4]\\ndns-search=a\\qb;\\n | 11 | 13 | ipv4 | dns-search | INVALID_ESCAPE
            bad boolean       | HEAD[wireguard]\\nprivate-key=KEY\\npeer-routes=maybe\\n        | 10 | 13 | wireguard | peer-routes | INVALID_VALUE
            syntax            | HEAD[wireguard]\\nprivate-key=KEY\\njust words\\n               | 10 | 1  | wireguard |       | SYNTAX_ERROR
            outside group     | mtu=1\\n[connection]\\n                                         | 1 | 1  |            | mtu   | OUTSIDE_GROUP
            """)
    void errorsNameLineColumnGroupAndKey(String what, String body, int line, int column, String group, String key,
                                         Reason reason) {
        String head = "[connection]\nid=x\ntype=wireguard\nautoconnect=false\ninterface-name=x\nuuid=u\n\n";
        String text = body.replace("\\n", "\n").replace("HEAD", head)
                .replace("KEY", Fixtures.PRIVATE_1).replace("PEER", Fixtures.PUBLIC_2).replace("SELF", Fixtures.PUBLIC_1);
        NmImport r = NmKeyfile.parse("bad.nmconnection", text);

        assertFalse(r.isValid(), what);
        NmKeyfileProblem p = r.errors().getFirst();
        String expectedGroup = group == null ? "" : group.replace("PEER", Fixtures.PUBLIC_2).replace("SELF", Fixtures.PUBLIC_1);
        assertEquals(List.of(line, column, expectedGroup, key == null ? "" : key, reason),
                List.of(p.line(), p.column(), p.group(), p.key(), p.reason()), p.message());
    }

    @Test
    void secretsNeverAppearInMessages() {
        String badKey = Fixtures.PRIVATE_1.substring(0, 40) + "!!!=";
        String text = minimal("[wireguard]\nprivate-key=" + badKey + "\n")
                + "[wireguard-peer." + Fixtures.PUBLIC_2 + "]\npreshared-key=" + Fixtures.PRESHARED + "x\n"
                + "[vpn]\nsecret=" + Fixtures.PRESHARED + "\n";
        NmImport r = NmKeyfile.parse("s.nmconnection", text);

        List<String> all = Stream.concat(r.errors().stream(), r.warnings().stream()).map(NmKeyfileProblem::message).toList();
        assertEquals(2, r.errors().size(), all.toString());
        for (String m : all) {
            assertFalse(m.contains(Fixtures.PRIVATE_1.substring(0, 40)), m);
            assertFalse(m.contains(Fixtures.PRESHARED.substring(0, 40)), m);
        }
        assertTrue(all.stream().anyMatch(m -> m.contains("[vpn] secret: (hidden)")), all.toString());
    }

    @Test
    void addressFormsAndOrderFollowNetworkManager() {
        String text = minimal("[wireguard]\nprivate-key=" + Fixtures.PRIVATE_1 + "\n") + """
                [ipv4]
                address10=10.0.0.10/32
                address2=10.0.0.2
                addresses1=10.0.0.1;24;10.0.0.254;
                method=manual

                [ipv6]
                address1 = fd00::1/64
                method=ignore
                dns-search=a.example.;b.example
                """;
        NmImport r = NmKeyfile.parse("a.nmconnection", text);

        InterfaceConfig i = valid(r).interfaceConfig();
        assertEquals(Stream.of("10.0.0.1/24", "10.0.0.2/32", "10.0.0.10/32", "fd00::1/64").map(IpPrefix::parse).toList(),
                i.addresses());
        assertEquals(List.of(new SearchDomain("a.example."), new SearchDomain("b.example")), i.dnsSearchDomains());
        assertEquals(List.of("[ipv4] addresses1"), keysOf(r.warnings()));
    }

    @Test
    void repeatedKeyUsesTheLastValueAndSaysSo() {
        String text = minimal("[wireguard]\nprivate-key=" + Fixtures.PRIVATE_1 + "\nmtu=1400\nmtu=1380\n");
        NmImport r = NmKeyfile.parse("r.nmconnection", text);

        assertEquals(1380, valid(r).interfaceConfig().mtu().getAsInt());
        assertEquals(List.of(Reason.REPEATED_KEY), r.warnings().stream().map(NmKeyfileProblem::reason).toList());
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            'Home VPN (Büro)', Home-VPN-B-ro
            wg0,               wg0
            'a very long connection name', a-very-long-con
            '  ...  ',         nm-wireguard
            CON,               CON-1
            'Büro',            B-ro
            """)
    void tunnelNamesAreMadeValid(String id, String expected) {
        assertEquals(expected, NmKeyfile.tunnelName(id).value());
    }

    @Test
    void writesTheLayoutNetworkManagerWrites() throws Exception {
        TunnelConfig c = valid(parse("home.nmconnection"));
        NmExport e = NmKeyfile.write(TunnelName.of("home"), c, UUID_1);

        assertEquals("""
                [connection]
                id=home
                uuid=0b6c8f5e-5d1f-4c2b-9a55-1f0e2d3c4b5a
                type=wireguard
                autoconnect=false
                interface-name=home

                [wireguard]
                fwmark=102
                listen-port=51820
                mtu=1420
                private-key=%s

                [wireguard-peer.%s]
                endpoint=vpn.example.com:51820
                preshared-key=%s
                preshared-key-flags=0
                persistent-keepalive=25
                allowed-ips=0.0.0.0/0;::/0;

                [wireguard-peer.%s]
                endpoint=[2001:db8::1]:51821
                allowed-ips=192.168.7.0/24;fd07::/64;

                [ipv4]
                address1=10.0.0.2/24
                dns=1.1.1.1;
                dns-search=example.com;
                method=manual

                [ipv6]
                addr-gen-mode=default
                address1=fd00::2/64
                dns=2606:4700:4700::1111;
                method=manual

                [proxy]
                """.formatted(Fixtures.PRIVATE_1, Fixtures.PUBLIC_2, Fixtures.PRESHARED, Fixtures.PUBLIC_3), e.text());
        assertEquals(List.of(), e.warnings());
        assertFalse(e.toString().contains(Fixtures.PRIVATE_1));
    }

    @Test
    void exportWarnsAboutWhatNetworkManagerCannotHold() throws Exception {
        TunnelConfig c = TunnelConfig.parse("x.conf", """
                [Interface]
                PrivateKey = %s
                Address = fd00::2/64, 10.0.0.2/24
                Table = vpn
                PostUp = echo up
                SaveConfig = true
                """.formatted(Fixtures.PRIVATE_1));
        NmExport e = NmKeyfile.write(TunnelName.of("x"), c, UUID_1);

        assertEquals(4, e.warnings().size(), e.warnings().toString());
        NmImport back = NmKeyfile.parse("x.nmconnection", e.text());
        assertEquals(List.of(IpPrefix.parse("10.0.0.2/24"), IpPrefix.parse("fd00::2/64")),
                valid(back).interfaceConfig().addresses());
    }

    @Test
    void generatedConfigsSurviveExportAndImport() {
        RandomConfigs gen = new RandomConfigs(7);
        for (int n = 0; n < 300; n++) {
            TunnelConfig c = expressible(gen.config());
            TunnelName name = TunnelName.of("gen" + n);
            NmExport e = NmKeyfile.write(name, c, UUID.randomUUID());
            NmImport back = NmKeyfile.parse(name.value() + ".nmconnection", e.text());

            assertEquals(List.of(), e.warnings(), e.warnings().toString());
            assertEquals(c, valid(back), e.text());
            assertEquals(name, back.name());
            assertEquals(List.of(), back.warnings(), back.warnings().toString());
        }
    }

    /** {@code c} without what NetworkManager cannot hold, families ordered as NM keeps them. */
    static TunnelConfig expressible(TunnelConfig c) {
        InterfaceConfig i = c.interfaceConfig();
        List<IpPrefix> addresses = new ArrayList<>(i.addresses().stream().filter(IpPrefix::isIpv4).toList());
        addresses.addAll(i.addresses().stream().filter(a -> !a.isIpv4()).toList());
        List<DnsServer> dns = new ArrayList<>(i.dnsServers().stream().filter(d -> d.address().isIpv4()).toList());
        dns.addAll(i.dnsServers().stream().filter(d -> !d.address().isIpv4()).toList());
        RouteTable table = i.table().kind() == RouteTable.Kind.NAME || i.table().equals(RouteTable.ofNumber(0))
                ? RouteTable.AUTO : i.table();
        List<IpPrefix> v4 = addresses.stream().filter(IpPrefix::isIpv4).toList();
        List<IpPrefix> v6 = addresses.stream().filter(a -> !a.isIpv4()).toList();
        // NetworkManager cannot hold DNS servers of a family without an address (nor search domains
        // without any address): the export leaves them out and says so.
        dns.removeIf(d -> d.address().isIpv4() ? v4.isEmpty() : v6.isEmpty());
        List<SearchDomain> search = addresses.isEmpty() ? List.of() : i.dnsSearchDomains();
        List<RoutingDomain> routing = addresses.isEmpty() ? List.of() : i.dnsRoutingDomains();
        InterfaceConfig clean = i.toBuilder().setAddresses(addresses).setDnsServers(dns).setTable(table)
                .setDnsSearchDomains(search).setDnsRoutingDomains(routing)
                .setPreUp(List.of()).setPostUp(List.of()).setPreDown(List.of()).setPostDown(List.of())
                .setSaveConfig(false).build();
        return c.toBuilder().setInterface(clean).build();
    }
}
