package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.RoutingDomain;
import dev.wgdesk.engine.config.SearchDomain;
import dev.wgdesk.engine.config.TunnelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Routing-only DNS domains ({@code DNS = 10.0.0.53, ~corp.example}) in {@link Dns}'s plans and
 * in {@code wgdesk plan --os linux}: the exact commands and the warnings. The same commands run
 * against a real systemd-resolved in {@code ResolvedDnsTest}.
 */
class SplitDnsPlanTest {
    private static final List<DnsServer> SERVERS = List.of(DnsServer.parse("10.0.0.53"), DnsServer.parse("fd00::53"));
    private static final List<SearchDomain> SEARCH = List.of(new SearchDomain("lab.example"));
    private static final List<RoutingDomain> CORP = List.of(new RoutingDomain("corp.example"), new RoutingDomain("corp.internal"));

    private static List<List<String>> argv(Dns.Plan p) {
        return p.apply().stream().map(Dns.Apply::argv).toList();
    }

    @Test
    void resolvedGetsTheRoutingDomainsWithoutTildeDotAndNoDefaultRoute() {
        Dns.Plan p = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, SEARCH, CORP, false);

        assertEquals(List.of(
                List.of("resolvectl", "dns", "wg0", "10.0.0.53", "fd00::53"),
                List.of("resolvectl", "domain", "wg0", "lab.example", "~corp.example", "~corp.internal"),
                List.of("resolvectl", "default-route", "wg0", "false")), argv(p));
        assertEquals(List.of(List.of("resolvectl", "revert", "wg0")), p.undo());
        assertTrue(p.split());
        assertEquals(List.of(), p.notices(), "a split tunnel with split DNS is what was asked for");
    }

    @Test
    void tildeDotMeansEveryNameAsWithoutRoutingDomains() {
        Dns.Plan p = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, SEARCH,
                List.of(new RoutingDomain("corp.example"), RoutingDomain.ALL), false);

        assertEquals(List.of(
                List.of("resolvectl", "dns", "wg0", "10.0.0.53", "fd00::53"),
                List.of("resolvectl", "domain", "wg0", "lab.example", "~corp.example", "~."),
                List.of("resolvectl", "default-route", "wg0", "true")), argv(p));
        assertFalse(p.split());
        assertEquals(argv(Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, SEARCH, List.of(RoutingDomain.ALL), false)),
                argv(Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, SEARCH, List.of(), false)),
                "~. alone is wg-quick's meaning");
    }

    @Test
    void aRoutingDomainRepeatingASearchDomainIsLeftOut() {
        // resolved keeps one entry per domain, the later spelling: "corp.example ~corp.example" would lose the search suffix.
        Dns.Plan p = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, List.of(new SearchDomain("corp.example")),
                List.of(new RoutingDomain("Corp.Example."), new RoutingDomain("corp.internal")), false);

        assertEquals(List.of("resolvectl", "domain", "wg0", "corp.example", "~corp.internal"), argv(p).get(1));
        assertEquals(List.of("resolvectl", "default-route", "wg0", "false"), argv(p).get(2));
    }

    @Test
    void fullTunnelWithSplitDnsSaysWhereTheOtherNamesGo() {
        Dns.Plan p = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, List.of(), CORP, true);

        assertEquals(List.of("resolvectl", "default-route", "wg0", "false"), argv(p).get(2));
        assertEquals(List.of("split DNS in a full tunnel: only names under ~corp.example, ~corp.internal go to the"
                + " tunnel's DNS server(s) 10.0.0.53, fd00::53; every other name goes to this computer's other DNS"
                + " servers outside the tunnel (systemd-resolved sends them by their own link): one on the local"
                + " network is reached (the kill switch lets the LAN through); one behind the LAN's gateway is dropped"
                + " by the nft kill switch, so those names do not resolve (without nft there is no kill switch and they"
                + " leave by the LAN too); add ~. to DNS = to send every name through the tunnel"), p.notices());
    }

    @Test
    void resolvconfCannotSplitSoTheTunnelAnswersEverythingAndSaysSo() {
        Dns.Plan p = Dns.plan(Dns.Method.RESOLVCONF, "wg0", SERVERS, SEARCH, CORP, false);

        assertEquals(1, p.apply().size());
        assertEquals(List.of("resolvconf", "-a", Dns.resolvconfPrefix() + "wg0", "-m", "0", "-x"), argv(p).getFirst());
        assertEquals("nameserver 10.0.0.53\nnameserver fd00::53\nsearch lab.example\n", p.apply().getFirst().stdin(),
                "no ~ entries in resolv.conf's search line");
        assertEquals(List.of("split DNS (~corp.example, ~corp.internal) is not possible with resolvconf, which has no"
                + " per-domain DNS: the tunnel's DNS server(s) 10.0.0.53, fd00::53 answer every name instead (use"
                + " systemd-resolved for split DNS)"), p.notices());
        assertFalse(p.split());
    }

    @Test
    void routingDomainsWithoutServersAreIgnoredWithANotice() {
        Dns.Plan p = Dns.plan(Dns.Method.RESOLVED, "wg0", List.of(), SEARCH, CORP, false);

        assertEquals(List.of(List.of("resolvectl", "domain", "wg0", "lab.example")), argv(p));
        assertEquals(List.of("DNS routing domain(s) ~corp.example, ~corp.internal without a DNS server in DNS = route"
                + " names to no server; ignored"), p.notices());
        Dns.Plan nothing = Dns.plan(Dns.Method.RESOLVED, "wg0", List.of(), List.of(), CORP, false);
        assertEquals(List.of(), nothing.apply());
        assertEquals(1, nothing.notices().size());
    }

    @Test
    void noResolverNamesTheRoutingDomainsInTheWarning() {
        Dns.Plan p = Dns.plan(Dns.Method.NONE, "wg0", SERVERS, List.of(), CORP, false);
        assertEquals("DNS not applied: neither systemd-resolved nor resolvconf is available; set DNS server(s) 10.0.0.53,"
                + " fd00::53 (for ~corp.example, ~corp.internal only) by hand", p.warning());
    }

    @Test
    void wgdeskPlanShowsTheSplitCommands() throws Exception {
        TunnelConfig c = TunnelConfig.parse("wg0.conf", "[Interface]\nPrivateKey = KPF+ePw2iY/ZTylsXthspwB6XsqQlynwL06BSBzIOn8=\n"
                + "Address = 10.0.0.2/24\nDNS = 10.0.0.53, ~corp.example\n[Peer]\n"
                + "PublicKey = ZyAYPpougQezg+fGBVmZcWRNuVzPzrzkJs2HeVEEkWc=\nAllowedIPs = 10.0.0.0/24\n");
        List<String> plan = new LinuxPlanner().plan("wg0", c);

        int dns = plan.indexOf("resolvectl dns wg0 10.0.0.53");
        assertTrue(dns > 0, plan.toString());
        assertEquals("resolvectl domain wg0 ~corp.example", plan.get(dns + 1));
        assertEquals("resolvectl default-route wg0 false (split DNS: other names keep going to the other links' DNS servers)",
                plan.get(dns + 2));
        assertTrue(plan.contains("# split DNS needs systemd-resolved: with resolvconf the tunnel's DNS servers answer"
                + " every name (a warning at activation)"), plan.toString());
    }

    @Test
    void wgdeskPlanOfAFullTunnelWithSplitDnsCarriesTheWarning() throws Exception {
        TunnelConfig c = TunnelConfig.parse("wg0.conf", "[Interface]\nPrivateKey = KPF+ePw2iY/ZTylsXthspwB6XsqQlynwL06BSBzIOn8=\n"
                + "Address = 10.0.0.2/24\nDNS = 10.0.0.53, ~corp.example\n[Peer]\n"
                + "PublicKey = ZyAYPpougQezg+fGBVmZcWRNuVzPzrzkJs2HeVEEkWc=\nAllowedIPs = 0.0.0.0/0\n");
        List<String> plan = new LinuxPlanner().plan("wg0", c);
        assertTrue(plan.stream().anyMatch(l -> l.startsWith("# WARNING: split DNS in a full tunnel: ")), plan.toString());
    }
}
