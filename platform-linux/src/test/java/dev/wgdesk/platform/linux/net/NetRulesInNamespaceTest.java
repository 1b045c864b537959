package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The packet filter rules and routes of {@link Firewall} and {@link NetPlan} judged by what they
 * do in network namespaces, not by their text: a LAN host (namespace B) that routes the tunnel's
 * addresses to us and pings them gets answers without the rules and none with them, over IPv4
 * and IPv6, with nftables and with Debian's {@code iptables}/{@code ip6tables} (the fallback);
 * the rules' own counters saw the drops; undoing them restores the answers and leaves nothing.
 * The policy routing of a full tunnel sends ordinary packets into the tunnel and the engine's
 * marked ones out through the LAN; an explicit table holds the routes and nothing else does.
 * <pre>
 *   [A]  "tunnel" wgt (TUN) 10.200.0.1/24 fd20::1/64      vA 10.98.0.1/24 fd98::1/64 ---- vB 10.98.0.2/24 fd98::2/64 [B]
 * </pre>
 * Needs root, {@code ip}, {@code ping}, {@code nft} and (for the fallback) {@code iptables};
 * without them the tests are skipped, saying what is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class NetRulesInNamespaceTest {
    private static final String DEV = "wgt";
    private static final List<IpPrefix> ADDRESSES = List.of(IpPrefix.parse("10.200.0.1/24"), IpPrefix.parse("fd20::1/64"));
    private static final List<IpPrefix> FULL = List.of(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0"));
    private static final long MARK = 51820;

    private final long id = ProcessHandle.current().pid() % 100_000;
    private final String nsA = "wgnr-a-" + id;
    private final String nsB = "wgnr-b-" + id;
    private final String vA = "wgnra" + id;
    private final String vB = "wgnrb" + id;
    private boolean created;

    private static boolean installed(String program) {
        return Dns.onPath(program) || java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin", program));
    }

    @BeforeAll
    void setUp() throws Exception {
        Assumptions.assumeTrue(Command.check("id", "-u").strip().equals("0"), "the namespace rule tests need root");
        for (String p : List.of("ip", "ping", "nft")) {
            Assumptions.assumeTrue(installed(p), "the namespace rule tests need " + p);
        }
        Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/dev/net/tun")), "needs /dev/net/tun");
        Command.run(List.of("ip", "netns", "del", nsA), null, Map.of(), 10);
        Command.run(List.of("ip", "netns", "del", nsB), null, Map.of(), 10);
        Command.check("ip", "netns", "add", nsA);
        created = true;
        Command.check("ip", "netns", "add", nsB);
        Command.check("ip", "link", "add", vA, "netns", nsA, "type", "veth", "peer", "name", vB, "netns", nsB);
        a("link", "set", "lo", "up");
        b("link", "set", "lo", "up");
        a("address", "add", "10.98.0.1/24", "dev", vA);
        b("address", "add", "10.98.0.2/24", "dev", vB);
        a("address", "add", "fd98::1/64", "dev", vA, "nodad");
        b("address", "add", "fd98::2/64", "dev", vB, "nodad");
        a("link", "set", vA, "up");
        b("link", "set", vB, "up");
        a("tuntap", "add", "dev", DEV, "mode", "tun");
        a("address", "add", "10.200.0.1/24", "dev", DEV);
        a("address", "add", "fd20::1/64", "dev", DEV, "nodad");
        a("link", "set", DEV, "up");
        // The attacker on the LAN routes the tunnel's addresses to us.
        b("route", "add", "10.200.0.1/32", "via", "10.98.0.1");
        b("-6", "route", "add", "fd20::1/128", "via", "fd98::1");
    }

    @AfterAll
    void tearDown() throws Exception {
        if (created) {
            Command.run(List.of("ip", "netns", "del", nsA), null, Map.of(), 10);
            Command.run(List.of("ip", "netns", "del", nsB), null, Map.of(), 10);
        }
    }

    private String a(String... args) throws CommandException {
        return ip(nsA, args);
    }

    private String b(String... args) throws CommandException {
        return ip(nsB, args);
    }

    private static String ip(String ns, String... args) throws CommandException {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        return Command.check(argv);
    }

    /** Runs programs inside namespace {@code ns}. */
    private static Command.Runner in(String ns) {
        return (argv, stdin, env, timeout) -> {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            cmd.addAll(argv);
            return Command.run(cmd, stdin, env, timeout);
        };
    }

    /** True if the LAN host's pings to {@code address} are answered. */
    private boolean lanPingAnswered(String address) throws CommandException {
        return in(nsB).run(List.of("ping", "-c", "3", "-i", "0.2", "-W", "1", address), null, Map.of(), 30).exitCode() == 0;
    }

    @ParameterizedTest
    @EnumSource(value = Firewall.Method.class, names = {"NFT", "IPTABLES"})
    void theAntiSpoofingRulesDropWhatTheLanSendsToTheTunnelsAddresses(Firewall.Method method) throws Exception {
        if (method == Firewall.Method.IPTABLES) {
            Assumptions.assumeTrue(installed("iptables") && installed("ip6tables"),
                    "the iptables fallback test needs Debian's iptables package (iptables, ip6tables)");
        }
        // Control: without rules the LAN reaches the tunnel's addresses (CVE-2019-14899's premise).
        assertTrue(lanPingAnswered("10.200.0.1"), "without rules the LAN gets answers over IPv4");
        assertTrue(lanPingAnswered("fd20::1"), "and over IPv6");

        Firewall.Plan plan = Firewall.plan(method, DEV, ADDRESSES, FULL, MARK);
        Command.Runner runA = in(nsA);
        List<Firewall.Step> applied = new ArrayList<>();
        try {
            for (Firewall.Step s : plan.steps()) {
                Firewall.apply(s, runA);
                applied.add(s);
            }
            assertTrue(!lanPingAnswered("10.200.0.1"), "the spoofed IPv4 pings are dropped (" + method + ")");
            assertTrue(!lanPingAnswered("fd20::1"), "the spoofed IPv6 pings are dropped (" + method + ")");
            assertTrue(dropped(method, runA) >= 6, "the rules' counters saw the 3 + 3 pings: " + dropped(method, runA));
            // The rules spare local traffic: A itself still reaches its tunnel address.
            assertEquals(0, runA.run(List.of("ping", "-c", "1", "-W", "2", "10.200.0.1"), null, Map.of(), 10).exitCode());
            assertEquals(0, runA.run(List.of("ping", "-c", "1", "-W", "2", "fd20::1"), null, Map.of(), 10).exitCode());
        } finally {
            for (List<String> undo : plan.undo()) {
                runA.check(undo);
            }
        }
        assertTrue(lanPingAnswered("10.200.0.1"), "undone: answers again");
        String tables = runA.check(List.of("nft", "list", "tables"));
        assertTrue(!tables.contains("wgdesk"), "no wgdesk table is left: " + tables); // iptables-nft keeps its empty ones
        if (method == Firewall.Method.IPTABLES) {
            for (String save : List.of("iptables-save", "ip6tables-save")) {
                String rules = runA.run(List.of(save), null, Map.of(), 20).stdout();
                assertTrue(!rules.contains("wgdesk"), save + " shows no wgdesk rule: " + rules);
            }
        }
    }

    private static final Pattern NFT_DROPS = Pattern.compile("counter packets (\\d+) bytes \\d+ drop");
    private static final Pattern IPT_DROPS = Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s+DROP", Pattern.MULTILINE);

    /** Packets the anti-spoofing rules dropped, from their own counters. */
    private static long dropped(Firewall.Method method, Command.Runner run) throws CommandException {
        long sum = 0;
        if (method == Firewall.Method.NFT) {
            Matcher m = NFT_DROPS.matcher(run.check(List.of("nft", "list", "table", "inet", Firewall.tableName(DEV))));
            while (m.find()) {
                sum += Long.parseLong(m.group(1));
            }
        } else {
            for (String tool : List.of("iptables", "ip6tables")) {
                Matcher m = IPT_DROPS.matcher(run.check(List.of(tool, "-w", "-t", "raw", "-L", "PREROUTING", "-v", "-x", "-n")));
                while (m.find()) {
                    sum += Long.parseLong(m.group(1));
                }
            }
        }
        return sum;
    }

    @Test
    void fullTunnelPolicyRoutingSendsTrafficIntoTheTunnelAndTheEnginesMarkedPacketsOut() throws Exception {
        a("route", "add", "default", "via", "10.98.0.2");
        a("-6", "route", "add", "default", "via", "fd98::2");
        Command.Runner runA = in(nsA);
        List<NetPlan.Cmd> done = new ArrayList<>();
        try {
            for (IpPrefix p : FULL) {
                for (NetPlan.Cmd c : NetPlan.fullTunnel(DEV, p, MARK)) {
                    runA.check(c.apply());
                    done.addFirst(c);
                }
            }
            NetPlan.Cmd split = NetPlan.route(DEV, IpPrefix.parse("10.201.0.0/16"), RouteTable.AUTO);
            runA.check(split.apply());
            done.addFirst(split);
            assertTrue(a("route", "get", "198.51.100.7").contains("dev " + DEV + " table 51820"), "IPv4 into the tunnel");
            assertTrue(a("-6", "route", "get", "2001:db8::7").contains("dev " + DEV + " table 51820"), "IPv6 into the tunnel");
            assertTrue(a("route", "get", "198.51.100.7", "mark", "51820").contains("via 10.98.0.2 dev " + vA),
                    "the engine's marked UDP leaves through the LAN");
            assertTrue(a("-6", "route", "get", "2001:db8::7", "mark", "51820").contains("via fd98::2 dev " + vA));
            assertTrue(a("route", "get", "10.98.0.2").contains("dev " + vA), "the LAN stays on the LAN (suppress_prefixlength 0)");
            assertTrue(a("route", "get", "10.201.3.4").contains("dev " + DEV), "a split route is taken");
        } finally {
            for (NetPlan.Cmd c : done) {
                runA.check(c.undo());
            }
            a("route", "del", "default", "via", "10.98.0.2");
            a("-6", "route", "del", "default", "via", "fd98::2");
        }
        assertTrue(!a("rule").contains("51820") && !a("-6", "rule").contains("51820"), "the rules are gone");
        assertNotEquals(0, Command.run(List.of("ip", "-n", nsA, "route", "get", "10.201.3.4"), null, Map.of(), 10).exitCode(),
                "the split route is gone (and so is the default route of this test)");
    }

    @Test
    void anExplicitTableHoldsTheRoutesAndOnlyARuleMakesThemCount() throws Exception {
        NetPlan.Cmd r = NetPlan.route(DEV, IpPrefix.parse("10.202.0.0/16"), RouteTable.ofNumber(4321));
        in(nsA).check(r.apply());
        try {
            assertTrue(a("route", "show", "table", "4321").startsWith("10.202.0.0/16 dev " + DEV + " scope link"));
            assertTrue(!a("route", "show", "table", "main").contains("10.202."), "not in main");
            assertNotEquals(0, Command.run(List.of("ip", "-n", nsA, "route", "get", "10.202.1.1"), null, Map.of(), 10)
                    .exitCode(), "not in main: unreachable (A has no default route here)");
            a("rule", "add", "to", "10.202.0.0/16", "lookup", "4321", "priority", "100");
            try {
                assertTrue(a("route", "get", "10.202.1.1").contains("dev " + DEV + " table 4321"));
            } finally {
                a("rule", "del", "to", "10.202.0.0/16", "lookup", "4321", "priority", "100");
            }
        } finally {
            in(nsA).check(r.undo());
        }
        assertEquals("", a("route", "show", "table", "4321").strip());
    }
}
