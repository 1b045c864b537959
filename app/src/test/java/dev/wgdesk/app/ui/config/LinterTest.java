package dev.wgdesk.app.ui.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.config.LintWarning.Rule;
import dev.wgdesk.engine.config.ConfigKey;
import dev.wgdesk.engine.config.TunnelConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinterTest {

    private static TunnelConfig parse(String text) throws Exception {
        return TunnelConfig.parse("t.conf", text);
    }

    private static String config(String ifaceExtra, String... peers) {
        StringBuilder sb = new StringBuilder("[Interface]\nPrivateKey = " + Fixtures.privateKey() + "\n" + ifaceExtra);
        for (String p : peers) {
            sb.append("\n[Peer]\nPublicKey = ").append(Fixtures.publicKey()).append('\n').append(p);
        }
        return sb.toString();
    }

    private static List<Rule> rules(List<LintWarning> w) {
        return w.stream().map(LintWarning::rule).toList();
    }

    @Test
    void cleanFullTunnelHasNoWarnings() throws Exception {
        assertEquals(List.of(), Linter.lint(parse(Fixtures.fullTunnel())));
        assertEquals(List.of(), Linter.lint(parse(Fixtures.siteTunnel())));
    }

    @Test
    void overlappingAllowedIpsBetweenPeers() throws Exception {
        TunnelConfig c = parse(config("", "AllowedIPs = 10.0.0.0/16\n", "AllowedIPs = 192.168.1.0/24, 10.0.5.0/24\n"));
        List<LintWarning> w = Linter.overlappingAllowedIps(c);
        assertEquals(1, w.size());
        assertEquals(1, w.getFirst().peerIndex());
        assertEquals(ConfigKey.ALLOWED_IPS, w.getFirst().key());
        assertEquals(List.of("10.0.5.0/24", "10.0.0.0/16", "1"), w.getFirst().args());
        assertTrue(w.getFirst().message().contains("10.0.5.0/24"), w.getFirst().message());
    }

    @Test
    void identicalPrefixInTwoPeersIsReportedEvenForDefaultRoutes() throws Exception {
        TunnelConfig c = parse(config("", "AllowedIPs = 0.0.0.0/0\n", "AllowedIPs = 0.0.0.0/0\n"));
        assertEquals(List.of(Rule.OVERLAPPING_ALLOWED_IPS), rules(Linter.overlappingAllowedIps(c)));
    }

    @Test
    void siteRouteBesideDefaultRouteIsNotAnOverlapWarning() throws Exception {
        TunnelConfig c = parse(config("", "AllowedIPs = 0.0.0.0/0, ::/0\n", "AllowedIPs = 10.9.0.0/24\n"));
        assertEquals(List.of(), Linter.overlappingAllowedIps(c));
        TunnelConfig v6 = parse(config("", "AllowedIPs = fd00::/64\n", "AllowedIPs = 10.0.0.0/8\n"));
        assertEquals(List.of(), Linter.overlappingAllowedIps(v6), "different families never overlap");
    }

    @Test
    void ipv4DefaultRouteWithoutIpv6IsALeak() throws Exception {
        assertEquals(List.of(Rule.IPV6_LEAK), rules(Linter.ipv6Leak(parse(config("", "AllowedIPs = 0.0.0.0/0\n")))));
        assertEquals(List.of(Rule.IPV6_LEAK),
                rules(Linter.ipv6Leak(parse(config("", "AllowedIPs = 0.0.0.0/1, 128.0.0.0/1\n")))));
        assertEquals(List.of(), Linter.ipv6Leak(parse(config("", "AllowedIPs = 0.0.0.0/1, 128.0.0.0/1, ::/1, 8000::/1\n"))));
        assertEquals(List.of(), Linter.ipv6Leak(parse(config("", "AllowedIPs = 0.0.0.0/0\n", "AllowedIPs = ::/0\n"))));
        assertEquals(List.of(), Linter.ipv6Leak(parse(config("", "AllowedIPs = 0.0.0.0/1\n"))), "half a default route is not one");
    }

    @Test
    void endpointInsideNonDefaultAllowedIpsIsARoutingLoop() throws Exception {
        TunnelConfig loop = parse(config("", "AllowedIPs = 203.0.113.0/24\nEndpoint = 203.0.113.9:51820\n"));
        List<LintWarning> w = Linter.endpointRoutingLoop(loop);
        assertEquals(List.of(Rule.ENDPOINT_ROUTING_LOOP), rules(w));
        assertEquals(ConfigKey.ENDPOINT, w.getFirst().key());
        assertEquals(List.of("203.0.113.9", "203.0.113.0/24"), w.getFirst().args());

        assertEquals(List.of(), Linter.endpointRoutingLoop(parse(config("", "AllowedIPs = 0.0.0.0/0\nEndpoint = 203.0.113.9:51820\n"))));
        assertEquals(List.of(), Linter.endpointRoutingLoop(parse(config("", "AllowedIPs = 10.0.0.0/8\nEndpoint = 203.0.113.9:51820\n"))));
        assertEquals(List.of(), Linter.endpointRoutingLoop(parse(config("", "AllowedIPs = 10.0.0.0/8\nEndpoint = host.example:51820\n"))),
                "host names cannot be checked");
        // Another peer's prefix catches the endpoint too.
        assertEquals(List.of(Rule.ENDPOINT_ROUTING_LOOP), rules(Linter.endpointRoutingLoop(parse(config("",
                "AllowedIPs = 10.1.0.0/16\nEndpoint = [2001:db8::1]:51820\n", "AllowedIPs = 2001:db8::/32\n")))));
    }

    @Test
    void dnsOutsideEveryAllowedIpIsReported() throws Exception {
        TunnelConfig c = parse(config("DNS = 10.0.0.1, 1.1.1.1, corp.example\n", "AllowedIPs = 10.0.0.0/24\n"));
        List<LintWarning> w = Linter.dnsNotRouted(c);
        assertEquals(1, w.size());
        assertEquals(List.of("1.1.1.1"), w.getFirst().args());
        assertEquals(-1, w.getFirst().peerIndex());
        assertEquals(List.of(), Linter.dnsNotRouted(parse(config("DNS = 1.1.1.1\n"))), "no peers yet: not reported");
    }

    @Test
    void splitDnsInAFullTunnelAndRoutingDomainsWithoutServers() throws Exception {
        TunnelConfig full = parse(config("DNS = 10.0.0.53, ~corp.example, ~corp.internal\n", "AllowedIPs = 0.0.0.0/0, ::/0\n"));
        List<LintWarning> w = Linter.lint(full);
        assertEquals(List.of(Rule.SPLIT_DNS_FULL_TUNNEL), rules(w));
        assertEquals(List.of("~corp.example, ~corp.internal"), w.getFirst().args());
        assertEquals(ConfigKey.DNS, w.getFirst().key());
        assertTrue(w.getFirst().message().startsWith("Split DNS in a full tunnel: only names under ~corp.example, ~corp.internal"),
                w.getFirst().message());
        assertEquals(List.of(Rule.SPLIT_DNS_FULL_TUNNEL), rules(Linter.splitDns(parse(config(
                "DNS = 10.0.0.53, ~corp.example\n", "AllowedIPs = 0.0.0.0/1, 128.0.0.0/1\n")))), "the /1 halves too");
        assertEquals(List.of(), Linter.splitDns(parse(config("DNS = 10.0.0.53, ~corp.example, ~.\n",
                "AllowedIPs = 0.0.0.0/0\n"))), "~. sends every name through the tunnel");
        assertEquals(List.of(), Linter.splitDns(parse(config("DNS = 10.0.0.53, ~corp.example\n",
                "AllowedIPs = 10.0.0.0/8\n"))), "split DNS in a split tunnel is the point");
        assertEquals(List.of(Rule.ROUTING_DOMAIN_WITHOUT_SERVER), rules(Linter.splitDns(parse(config(
                "DNS = corp.example, ~corp.internal\n", "AllowedIPs = 10.0.0.0/8\n")))));
    }

    @Test
    void sameInterfaceKeyAsAnotherTunnel() throws Exception {
        TunnelConfig c = parse(config(""));
        String pub = c.interfaceConfig().publicKey().toBase64();
        var ctx = new Linter.Context(Map.of(pub, "office"), 1500);
        List<LintWarning> w = Linter.duplicatePublicKey(c, ctx);
        assertEquals(List.of(Rule.DUPLICATE_PUBLIC_KEY), rules(w));
        assertEquals(List.of("office"), w.getFirst().args());
        assertEquals(List.of(), Linter.duplicatePublicKey(c, new Linter.Context(Map.of(Fixtures.publicKey(), "x"), 1500)));
    }

    @Test
    void mtuAbovePathMinusOverhead() throws Exception {
        assertEquals(List.of(), Linter.mtuTooLarge(parse(config("MTU = 1420\n")), 1500));
        assertEquals(List.of(Rule.MTU_TOO_LARGE), rules(Linter.mtuTooLarge(parse(config("MTU = 1421\n")), 1500)));
        assertEquals(List.of(), Linter.mtuTooLarge(parse(config("")), 576), "no MTU set: automatic");
        assertEquals(List.of(Rule.MTU_TOO_LARGE), rules(Linter.mtuTooLarge(parse(config("MTU = 1420\n")), 1400)));
    }

    @Test
    void everyRuleHasAMessage() {
        for (Rule r : Rule.values()) {
            String m = new LintWarning(r, 0, ConfigKey.MTU, List.of("a", "b", "c")).message();
            assertTrue(!m.isBlank() && !m.contains("{"), r + ": " + m);
        }
    }
}
