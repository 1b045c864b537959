package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.RoutingDomain;
import dev.wgdesk.engine.config.SearchDomain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Dns}'s resolvconf plan through Debian's real {@code openresolv}, unpacked by
 * {@code fetch-openresolv.sh} (never installed): the test runs a copy of its {@code resolvconf}
 * script whose only change is where it keeps its configuration, state and {@code resolv.conf}
 * (a temporary directory), so the host's {@code /etc/resolv.conf} is never touched. Judged by
 * the {@code resolv.conf} that openresolv writes: the tunnel's servers and search domain, alone
 * ({@code -x}, exclusive), and after the undo the LAN's server again with no trace of the
 * tunnel; the undo run twice (as the crash journal may) is not an error.
 */
@Timeout(60)
class OpenresolvTest {
    static final Path DEFAULT_DIR = Path.of("/var/tmp/wgdesk-openresolv");

    @TempDir
    Path dir;
    private Path script;
    private Path resolvConf;

    @BeforeEach
    void relocate() throws Exception {
        Path original = DEFAULT_DIR.resolve("root/sbin/resolvconf");
        Assumptions.assumeTrue(Files.isExecutable(original), "openresolv is not unpacked in " + DEFAULT_DIR
                + " (run src/test/resources/dev/wgdesk/platform/linux/net/fetch-openresolv.sh as .ci/run does)");
        Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(dir.resolve("run"));
        resolvConf = dir.resolve("resolv.conf");
        Files.writeString(dir.resolve("etc/resolvconf.conf"), "resolv_conf=" + resolvConf + "\n");
        int relocated = 0;
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(original)) {
            String r = switch (l) {
                case "SYSCONFDIR=/etc" -> "SYSCONFDIR=" + dir.resolve("etc");
                case "LIBEXECDIR=/lib/resolvconf" -> "LIBEXECDIR=" + DEFAULT_DIR.resolve("root/lib/resolvconf");
                case "VARDIR=/run/resolvconf" -> "VARDIR=" + dir.resolve("run");
                default -> l;
            };
            relocated += r.equals(l) ? 0 : 1;
            lines.add(r);
        }
        assertEquals(3, relocated, "this openresolv sets SYSCONFDIR, LIBEXECDIR and VARDIR as expected");
        script = dir.resolve("resolvconf");
        Files.write(script, lines);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs {@code resolvconf} as the relocated openresolv, everything else as is. */
    private Dns.Runner runner() {
        return (argv, stdin) -> {
            List<String> cmd = new ArrayList<>(argv);
            if (cmd.getFirst().equals("resolvconf")) {
                cmd.set(0, script.toString());
            }
            return Command.run(cmd, stdin, Map.of(), 20);
        };
    }

    private List<String> resolvConfLines() throws Exception {
        return Files.readAllLines(resolvConf).stream().filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    void theTunnelsServersReplaceTheLansAndTheUndoBringsThemBack() throws Exception {
        Command.Result lan = Command.run(List.of(script.toString(), "-a", "eth0"), "nameserver 192.0.2.1\n", Map.of(), 20);
        assertEquals(0, lan.exitCode(), lan.stderr());
        assertEquals(List.of("nameserver 192.0.2.1"), resolvConfLines());

        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVCONF, "wg-or", List.of(DnsServer.parse("10.200.0.53"),
                DnsServer.parse("fd20::53")), List.of(SearchDomain.tryParse("corp.example").orElseThrow()), false);
        Dns.apply(plan, runner());
        List<String> up = resolvConfLines();
        assertTrue(up.contains("nameserver 10.200.0.53") && up.contains("nameserver fd20::53"), up.toString());
        assertTrue(up.contains("search corp.example"), up.toString());
        assertFalse(up.contains("nameserver 192.0.2.1"), "exclusive (-x): the LAN's server is not asked: " + up);
        assertTrue(Files.exists(dir.resolve("run/interfaces/wg-or")), "openresolv keeps the tunnel's record");

        Dns.revert(plan, runner());
        assertEquals(List.of("nameserver 192.0.2.1"), resolvConfLines(), "the undo restores the LAN's server");
        assertFalse(Files.exists(dir.resolve("run/interfaces/wg-or")));
        Dns.revert(plan, runner()); // the crash journal may run it again: -f makes that no error
        assertEquals(List.of("nameserver 192.0.2.1"), resolvConfLines());
    }

    /**
     * resolv.conf cannot route by domain: with {@code ~corp.example} the tunnel's servers take
     * every name, and no {@code ~} entry reaches the search line. Stock wg-quick instead pipes
     * {@code search ~corp.example} into resolvconf, and openresolv copies it into resolv.conf.
     */
    @Test
    void routingDomainsCannotSplitHereSoTheTunnelTakesEveryNameWithoutTildeJunk() throws Exception {
        Command.Result lan = Command.run(List.of(script.toString(), "-a", "eth0"), "nameserver 192.0.2.1\n", Map.of(), 20);
        assertEquals(0, lan.exitCode(), lan.stderr());

        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVCONF, "wg-or3", List.of(DnsServer.parse("10.200.0.53")),
                List.of(SearchDomain.tryParse("lab.example").orElseThrow()),
                List.of(RoutingDomain.tryParse("~corp.example").orElseThrow()), false);
        assertEquals(1, plan.notices().size());
        assertTrue(plan.notices().getFirst().startsWith("split DNS (~corp.example) is not possible with resolvconf"),
                plan.notices().toString());
        Dns.apply(plan, runner());
        assertEquals(List.of("search lab.example", "nameserver 10.200.0.53"), resolvConfLines());
        Dns.revert(plan, runner());
        assertEquals(List.of("nameserver 192.0.2.1"), resolvConfLines());

        // what stock wg-quick's set_dns feeds it for DNS = 10.200.0.53, lab.example, ~corp.example
        Command.Result stock = Command.run(List.of(script.toString(), "-a", "wg-or3", "-m", "0", "-x"),
                "nameserver 10.200.0.53\nsearch lab.example ~corp.example\n", Map.of(), 20);
        assertEquals(0, stock.exitCode(), stock.stderr());
        assertEquals(List.of("search lab.example ~corp.example", "nameserver 10.200.0.53"), resolvConfLines());
    }

    @Test
    void searchDomainsAloneAreAppliedToo() throws Exception {
        Dns.Plan plan = Dns.plan(Dns.Method.RESOLVCONF, "wg-or2", List.of(),
                List.of(SearchDomain.tryParse("lab.example").orElseThrow()), false);
        Dns.apply(plan, runner());
        assertEquals(List.of("search lab.example"), resolvConfLines());
        Dns.revert(plan, runner());
        assertFalse(resolvConfLines().contains("search lab.example"));
    }
}
