package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.RoutingDomain;
import dev.wgdesk.engine.config.SearchDomain;
import dev.wgdesk.engine.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Dns}'s systemd-resolved commands against a real systemd-resolved: the plan is applied
 * exactly as the helper applies it (same argv, only run inside the sandbox), then
 * {@code resolvectl dns|domain|default-route|status} must show exactly the tunnel's servers and
 * domains, and queries are watched where the kernel routes them: into the tunnel's TUN or into
 * a second TUN standing for the LAN ({@code lan0}, with its own server, search domain and
 * default route, as NetworkManager configures a DHCP LAN). After the undo nothing is left.
 *
 * <p>Root only. systemd-resolved is never installed (that would repoint the host's
 * {@code /etc/resolv.conf} to a stub nothing serves): {@code fetch-resolved.sh} unpacks it with
 * {@code apt-get download} + {@code dpkg-deb -x} into {@code $WGDESK_RESOLVED_DIR} (default
 * {@code /var/tmp/wgdesk-resolved}), and {@link ResolvedSandbox} runs it as "nobody" with a
 * private system D-Bus in private PID, mount and network namespaces. Skipped, saying why, when
 * that is not there.
 *
 * <p>CI: {@code .ci/run} calls {@code fetch-resolved.sh} (two packages, about 2 MB, nothing
 * installed, no maintainer scripts run), so the test runs there; if the fetch fails (no apt, no
 * package, a missing library) the test is skipped with the reason.
 */
class ResolvedDnsTest {
    private static final List<DnsServer> SERVERS = List.of(DnsServer.parse("10.0.0.53"), DnsServer.parse("fd00::53"));
    private static final List<SearchDomain> DOMAINS = List.of(SearchDomain.tryParse("corp.example").orElseThrow(),
            SearchDomain.tryParse("lab.corp.example").orElseThrow());
    private static final Set<String> TUNNEL_SERVERS = Set.of("10.0.0.53", "fd00::53");

    private static final AtomicInteger PROBES = new AtomicInteger();

    private static ResolvedSandbox sandbox;
    private static ResolvedSandbox.Link lan;
    private ResolvedSandbox.Link wg;

    @BeforeAll
    static void startResolved() throws Exception {
        Path dir = Path.of(Optional.ofNullable(System.getenv("WGDESK_RESOLVED_DIR")).orElse(ResolvedSandbox.DEFAULT_DIR.toString()));
        Optional<String> why = ResolvedSandbox.unavailable(dir);
        // a skip (a failure under strict mode); StrictMode prints the reason, which surefire hides at class level
        Requirements.require(why.isEmpty(), () -> "systemd-resolved is not available: " + why.orElseThrow());
        sandbox = ResolvedSandbox.start(dir);
        lan = sandbox.tun("lan0", "192.168.77.2/24");
        sandbox.check("resolvectl", "dns", "lan0", "192.168.77.53");
        sandbox.check("resolvectl", "domain", "lan0", "lan.example");
        sandbox.check("resolvectl", "default-route", "lan0", "true");
    }

    @AfterAll
    static void stopResolved() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @AfterEach
    void deleteTunnel() {
        if (wg != null) {
            wg.close();
        }
    }

    private ResolvedSandbox.Link tunnel() throws Exception {
        wg = sandbox.tun("wg0", "10.0.0.2/24", "fd00::2/64");
        return wg;
    }

    /** What {@code resolvectl VERB IFACE} reports after {@code "Link N (IFACE):"}, split at spaces. */
    private static List<String> show(String verb, String dev) throws Exception {
        String out = sandbox.check("resolvectl", verb, dev).strip();
        String marker = "(" + dev + "):";
        int at = out.indexOf(marker);
        assertTrue(at >= 0, "resolvectl " + verb + " " + dev + " printed: " + out);
        String rest = out.substring(at + marker.length()).strip();
        return rest.isEmpty() ? List.of() : Arrays.asList(rest.split("\\s+"));
    }

    private static Set<String> serversAsked(ResolvedSandbox.Link link, String name) {
        return link.queries(name).stream().map(ResolvedSandbox.Query::server).collect(Collectors.toSet());
    }

    /**
     * A name asked for only once: resolved keeps retrying a query nobody answers after
     * {@code resolvectl} gave up, so a name used twice could show up late from the first time.
     */
    private static String fresh(String name) {
        return "q" + PROBES.incrementAndGet() + "-" + name;
    }

    /** The query for a fresh {@code base} name went into the tunnel (to its servers) and not to the LAN. */
    private void assertOnlyTunnel(String base) throws Exception {
        String name = fresh(base);
        sandbox.probe(name, wg, lan);
        assertTrue(!wg.queries(name).isEmpty(), name + " did not reach the tunnel; LAN saw " + lan.queries(name));
        assertTrue(TUNNEL_SERVERS.containsAll(serversAsked(wg, name)), "asked " + serversAsked(wg, name));
        assertEquals(List.of(), lan.queries(name), () -> name + " leaked to the LAN's server; resolved said:\n" + logAbout(name));
    }

    /** systemd-resolved's log lines about {@code name} (for failure messages). */
    private static String logAbout(String name) {
        return sandbox.resolvedLog().lines().filter(l -> l.contains(name) || l.contains("scope") || l.contains("Scope"))
                .limit(80).collect(Collectors.joining("\n"));
    }

    /** The query for a fresh {@code base} name went to the LAN's server and not into the tunnel. */
    private void assertOnlyLan(String base) throws Exception {
        String name = fresh(base);
        sandbox.probe(name, wg, lan);
        assertEquals(Set.of("192.168.77.53"), serversAsked(lan, name), () -> name + " did not reach the LAN's server;"
                + " the tunnel saw " + wg.queries(name) + "; resolved said:\n"
                + sandbox.resolvedLog().lines().filter(l -> l.contains(name)).collect(Collectors.joining("\n")));
        assertEquals(List.of(), wg.queries(name), name + " went into the tunnel");
    }

    private void assertReverted(String dev) throws Exception {
        assertEquals(List.of(), show("dns", dev));
        assertEquals(List.of(), show("domain", dev));
        assertEquals(List.of("no"), show("default-route", dev));
    }

    @Test
    void theSandboxHasTheSocketDetectLooksFor() {
        assertTrue(Files.exists(sandbox.file(Dns.RESOLVED_SOCKET.toString())),
                "systemd-resolved has no " + Dns.RESOLVED_SOCKET + "; Dns.detect() would not see it");
        assertEquals(Dns.Method.RESOLVED, Dns.detect(sandbox.runner(),
                sandbox.file(Dns.RESOLVED_SOCKET.getParent().toString()), program -> true),
                "a running resolved answers `resolvectl status`");
    }

    @Test
    void fullTunnelTakesEveryQueryAndRevertLeavesNothing() throws Exception {
        tunnel();
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, DOMAINS, true);
        Dns.apply(plan, sandbox.runner());

        assertEquals(List.of("10.0.0.53", "fd00::53"), show("dns", "wg0"));
        assertEquals(List.of("corp.example", "lab.corp.example", "~."), show("domain", "wg0"));
        assertEquals(List.of("yes"), show("default-route", "wg0"));
        String status = sandbox.check("resolvectl", "status", "wg0");
        assertTrue(status.contains("+DefaultRoute") && status.matches("(?s).*Current Scopes: DNS.*"), status);

        assertOnlyTunnel("www.example.com");
        assertOnlyTunnel("intranet.corp.example");
        assertOnlyTunnel("printer.example.org");
        // Not a leak we can close from the tunnel's link: a name under a domain the LAN link
        // claims itself is routed there (NetworkManager and wg-quick leave it so too).
        assertOnlyLan("nas.lan.example");

        Dns.revert(plan, sandbox.runner());
        assertReverted("wg0");
        assertOnlyLan("www.example.net");
    }

    @Test
    void splitTunnelWithSearchDomainsTakesEveryQueryAsWithWgQuick() throws Exception {
        tunnel();
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, DOMAINS, false);
        Dns.apply(plan, sandbox.runner());

        assertEquals(List.of("10.0.0.53", "fd00::53"), show("dns", "wg0"));
        assertEquals(List.of("corp.example", "lab.corp.example", "~."), show("domain", "wg0"));
        assertEquals(List.of("yes"), show("default-route", "wg0"));

        assertOnlyTunnel("git.corp.example");
        assertOnlyTunnel("ci.lab.corp.example");
        assertOnlyTunnel("www.example.com"); // never both links at once, as resolved's own default would

        Dns.revert(plan, sandbox.runner());
        assertReverted("wg0");
    }

    @Test
    void splitTunnelWithoutSearchDomainsTakesEveryQueryAsWithWgQuick() throws Exception {
        tunnel();
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, List.of(), false);
        Dns.apply(plan, sandbox.runner());

        assertEquals(List.of("10.0.0.53", "fd00::53"), show("dns", "wg0"));
        assertEquals(List.of("~."), show("domain", "wg0"));
        assertEquals(List.of("yes"), show("default-route", "wg0"));
        assertOnlyTunnel("www.example.com");

        Dns.revert(plan, sandbox.runner());
        assertReverted("wg0");
    }

    private static final List<RoutingDomain> CORP = List.of(RoutingDomain.tryParse("~corp.example").orElseThrow(),
            RoutingDomain.tryParse("~corp.internal").orElseThrow());

    @Test
    void splitDnsSendsOnlyTheRoutingDomainsToTheTunnel() throws Exception {
        tunnel();
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, List.of(), CORP, false);
        Dns.apply(plan, sandbox.runner());

        assertEquals(List.of("10.0.0.53", "fd00::53"), show("dns", "wg0"));
        assertEquals(List.of("~corp.example", "~corp.internal"), show("domain", "wg0"));
        assertEquals(List.of("no"), show("default-route", "wg0"));

        assertOnlyTunnel("git.corp.example");
        assertOnlyTunnel("wiki.corp.internal");
        assertOnlyLan("www.example.com");
        assertOnlyLan("corp.example.org"); // a suffix match, not a string match
        assertOnlyLan("nas.lan.example");

        Dns.revert(plan, sandbox.runner());
        assertReverted("wg0");
    }

    @Test
    void splitDnsKeepsSearchDomainsCompletingAndRouting() throws Exception {
        tunnel();
        // corp.example both as search and as routing domain: only the search domain is passed (it routes too)
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, DOMAINS,
                List.of(RoutingDomain.tryParse("~corp.example").orElseThrow(), CORP.get(1)), true);
        Dns.apply(plan, sandbox.runner());

        assertEquals(List.of("corp.example", "lab.corp.example", "~corp.internal"), show("domain", "wg0"));
        assertEquals(List.of("no"), show("default-route", "wg0"));
        assertOnlyTunnel("ci.lab.corp.example");
        assertOnlyTunnel("wiki.corp.internal");
        assertOnlyLan("www.example.org");

        Dns.revert(plan, sandbox.runner());
        assertReverted("wg0");
    }

    @Test
    void tildeDotAmongRoutingDomainsTakesEveryQuery() throws Exception {
        tunnel();
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, List.of(),
                List.of(CORP.getFirst(), RoutingDomain.ALL), false);
        Dns.apply(plan, sandbox.runner());

        assertEquals(List.of("~corp.example", "~."), show("domain", "wg0"));
        assertOnlyTunnel("git.corp.example");
        assertOnlyTunnel("www.example.com");

        Dns.revert(plan, sandbox.runner());
        assertReverted("wg0");
    }

    /**
     * Split DNS in a full tunnel, with wgdesk's policy routing and nft kill switch set up in the
     * sandbox exactly as activation does: a name outside the routing domains goes to the LAN
     * link's server; one on the directly connected network is reached outside the tunnel (the
     * kill switch lets the LAN through), one behind the LAN's gateway is not routed through the
     * tunnel (resolved pins a link's queries to that link) but dropped by the kill switch.
     */
    @Test
    void splitDnsInAFullTunnelWithTheKillSwitch() throws Exception {
        tunnel();
        List<IpPrefix> defaults = List.of(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0"));
        List<List<String>> undo = new java.util.ArrayList<>();
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, List.of(), CORP, true);
        try {
            sandbox.check("ip", "route", "add", "default", "via", "192.168.77.1", "dev", "lan0");
            undo.add(List.of("ip", "route", "del", "default", "via", "192.168.77.1", "dev", "lan0"));
            for (IpPrefix d : defaults) {
                for (NetPlan.Cmd c : NetPlan.fullTunnel("wg0", d, NetPlan.FIRST_TABLE)) {
                    sandbox.check(c.apply().toArray(String[]::new));
                    undo.addFirst(c.undo());
                }
            }
            Firewall.Lan local = Firewall.Lan.fromRoutes("wg0", sandbox.check("ip", "-4", "route", "show", "table", "main"),
                    sandbox.check("ip", "-6", "route", "show", "table", "main"));
            assertEquals(List.of(IpPrefix.parse("192.168.77.0/24")), local.v4());
            Firewall.Plan fw = Firewall.plan(Firewall.Method.NFT, "wg0",
                    List.of(IpPrefix.parse("10.0.0.2/24"), IpPrefix.parse("fd00::2/64")), defaults, NetPlan.FIRST_TABLE, local);
            for (Firewall.Step st : fw.steps()) {
                Command.Result r = sandbox.run(st.argv(), st.stdin());
                assertEquals(0, r.exitCode(), r.toString());
                undo.addFirst(st.undo());
            }
            Dns.apply(plan, sandbox.runner());
            assertEquals(List.of("no"), show("default-route", "wg0"));

            assertOnlyTunnel("git.corp.example");
            assertOnlyLan("www.example.com"); // 192.168.77.53 is on the LAN: outside the tunnel, let through

            sandbox.check("resolvectl", "dns", "lan0", "198.51.100.53"); // a LAN resolver behind the gateway
            // counts, before the kill switch, queries leaving by lan0 for that server
            Command.Result t = sandbox.run(List.of("nft", "-f", "-"), "table inet wgdesk-test-probe {\n"
                    + "\tchain out {\n\t\ttype filter hook output priority -10; policy accept;\n"
                    + "\t\toifname \"lan0\" ip daddr 198.51.100.53 udp dport 53 counter\n\t}\n}\n");
            assertEquals(0, t.exitCode(), t.toString());
            undo.addFirst(List.of("nft", "delete", "table", "inet", "wgdesk-test-probe"));
            String name = fresh("www.example.net");
            long before = killSwitchDrops();
            sandbox.probe(name, wg, lan);
            assertEquals(List.of(), wg.queries(name), "not through the tunnel: resolved pins the LAN link's queries to lan0");
            assertTrue(counted("wgdesk-test-probe", "out") > 0, "the query left by lan0, outside the tunnel");
            assertEquals(List.of(), lan.queries(name), "and the kill switch dropped it before lan0");
            assertTrue(killSwitchDrops() > before, "counted by the kill switch");
        } finally {
            sandbox.check("resolvectl", "dns", "lan0", "192.168.77.53");
            Dns.revert(plan, sandbox.runner());
            for (List<String> u : undo) {
                sandbox.run(u, null);
            }
        }
        assertReverted("wg0");
    }

    /** The first counter's packets in a chain. */
    private static long counted(String table, String chain) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+) bytes")
                .matcher(sandbox.check("nft", "list", "chain", "inet", table, chain));
        assertTrue(m.find(), "no counter in " + table + " " + chain);
        return Long.parseLong(m.group(1));
    }

    /** Packets the kill switch's output chain dropped so far. */
    private static long killSwitchDrops() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+) bytes \\d+ drop")
                .matcher(sandbox.check("nft", "list", "chain", "inet", Firewall.tableName("wg0"), "killout"));
        assertTrue(m.find(), "no drop counter");
        return Long.parseLong(m.group(1));
    }

    /**
     * What stock wg-quick does with {@code DNS = 10.0.0.53, ~corp.example} on a resolved system:
     * its {@code set_dns} pipes {@code nameserver 10.0.0.53} and {@code search ~corp.example}
     * into {@code resolvconf -a wg0 -m 0 -x}, which is resolvectl's resolvconf shim there. The
     * shim accepts the {@code ~} entry as a routing domain, but {@code -x} adds {@code ~.}: the
     * config keeps working, without split DNS (every name goes to the tunnel).
     */
    @Test
    void stockWgQuickThroughResolvedsResolvconfShimKeepsTheDomainButSendsEveryName(@TempDir Path bin) throws Exception {
        tunnel();
        Path shim = Files.createSymbolicLink(bin.resolve("resolvconf"), sandbox.resolvectl());
        Command.Result r = sandbox.run(List.of(shim.toString(), "-a", "wg0", "-m", "0", "-x"),
                "nameserver 10.0.0.53\nsearch ~corp.example\n");
        assertEquals(0, r.exitCode(), r.toString());

        assertEquals(List.of("10.0.0.53"), show("dns", "wg0"));
        assertEquals(List.of("~corp.example", "~."), show("domain", "wg0"));
        assertOnlyTunnel("www.example.com");

        sandbox.check("resolvectl", "revert", "wg0");
    }

    @Test
    void undoAfterTheInterfaceIsGoneDoesNotFailTheDeactivation() throws Exception {
        ResolvedSandbox.Link link = tunnel();
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, DOMAINS, true);
        Dns.apply(plan, sandbox.runner());
        assertEquals(List.of("10.0.0.53", "fd00::53"), show("dns", "wg0"));

        link.close(); // the interface disappears, as when the helper dies or someone deletes it
        wg = null;
        Command.Result raw = sandbox.run(plan.undo().getFirst(), null);
        assertNotEquals(0, raw.exitCode(), "resolvectl revert of a deleted interface: " + raw);
        assertTrue(raw.stderr().contains("wg0"), raw.stderr());
        assertDoesNotThrow(() -> Dns.revert(plan, sandbox.runner()));

        // resolved forgot the link: the same name comes back clean.
        tunnel();
        assertReverted("wg0");
        assertOnlyLan("www.example.com");
    }

    @Test
    void revertStillFailsWhenTheInterfaceExists() throws Exception {
        tunnel();
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVED, "wg0", SERVERS, DOMAINS, true);
        Dns.Plan broken = new Dns.Plan(plan.method(), plan.apply(),
                List.of(List.of("resolvectl", "revert", "wg0", "surplus-argument")), null, "wg0");
        CommandException e = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class,
                () -> Dns.revert(broken, sandbox.runner()), "a failure other than a vanished interface still counts");
        assertTrue(e.getMessage().startsWith("resolvectl revert wg0 surplus-argument exited"), e.getMessage());
    }
}
