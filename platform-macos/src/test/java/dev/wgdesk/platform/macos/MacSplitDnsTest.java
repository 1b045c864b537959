package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.conn.MemoryBind;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Split DNS on macOS ({@code DNS = 10.0.0.53, ~corp.internal}): {@code /etc/resolver} files
 * (here a temporary directory) written atomically at activation, removed on deactivation, after a
 * failed activation and from the crash journal, never over a file that is not the tunnel's; the
 * network services keep their DNS servers. Runs on Linux with {@link MacTunnelTest.FakeMac} and
 * {@link FakeDarwin}; <b>never run on a Mac</b>.
 */
class MacSplitDnsTest {
    @TempDir
    Path dir;

    final FakeDarwin kernel = new FakeDarwin();
    final MacTunnelTest.FakeMac mac = new MacTunnelTest.FakeMac();
    final MemoryBind.Network net = new MemoryBind.Network();
    final List<List<List<String>>> journals = new ArrayList<>();
    final List<String> log = new CopyOnWriteArrayList<>();

    private Path resolver() {
        return dir.resolve("resolver"); // created by the first write, as /etc/resolver may be missing
    }

    MacTunnel.Options opts(boolean scripts) {
        return new MacTunnel.Options(mac, new MacOsTunProvider(kernel, true), () -> new MemoryBind(net),
                e -> {
                    throw new UnknownHostException(e.host());
                }, scripts, journals::add, log::add, r -> RouteMonitor.start(kernel, r), null,
                new ResolverFiles(resolver()));
    }

    private static TunnelConfig split(String extra) throws Exception {
        return MacTunnelTest.conf("Address = 10.8.0.2/32\nDNS = 10.0.0.53, fd00::53, corp.example, ~corp.internal, ~Lab.Example."
                + extra, "10.0.0.0/8", "198.51.100.7:51820");
    }

    private List<String> files() throws Exception {
        if (!Files.isDirectory(resolver())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(resolver())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void resolverFilesPerDomainAndTheServicesKeepTheirServers() throws Exception {
        MacTunnel t = MacTunnel.activate("work", split(""), opts(false));

        assertEquals(List.of("corp.example", "corp.internal", "lab.example"), files());
        assertEquals("# wgdesk: written for the tunnel work (removed when it goes down)\nnameserver 10.0.0.53\nnameserver fd00::53\n",
                Files.readString(resolver().resolve("corp.internal")));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(resolver().resolve("corp.internal"))));
        assertTrue(mac.changes().stream().noneMatch(c -> c.startsWith("networksetup -setdnsservers")),
                "the services keep their own servers: " + mac.changes());
        assertTrue(mac.changes().contains("networksetup -setsearchdomains Wi-Fi corp.example"), mac.changes().toString());
        assertEquals(List.of(
                List.of("networksetup", "-setsearchdomains", "Wi-Fi", "home.arpa"),
                List.of("networksetup", "-setsearchdomains", "iPhone USB", "Empty"),
                List.of(ResolverFiles.JOURNAL_VERB, "work", "corp.example"),
                List.of(ResolverFiles.JOURNAL_VERB, "work", "corp.internal"),
                List.of(ResolverFiles.JOURNAL_VERB, "work", "lab.example")), journals.getFirst());

        mac.commands.clear();
        assertEquals(List.of(), t.deactivate());
        assertEquals(List.of(), files(), "every file removed");
        assertTrue(mac.changes().contains("networksetup -setsearchdomains Wi-Fi home.arpa"), mac.changes().toString());
    }

    @Test
    void tildeDotSendsEveryNameTheWgQuickWay() throws Exception {
        MacTunnel t = MacTunnel.activate("work", split(", ~."), opts(false));
        assertEquals(List.of(), files());
        assertTrue(mac.changes().contains("networksetup -setdnsservers Wi-Fi 10.0.0.53 fd00::53"), mac.changes().toString());
        t.deactivate();
    }

    @Test
    void aFileThatIsNotTheTunnelsStopsTheActivationAndIsLeftAlone() throws Exception {
        Files.createDirectories(resolver());
        Files.writeString(resolver().resolve("corp.internal"), "nameserver 192.168.1.53\n");

        MacTunnel.ActivationException e = assertThrows(MacTunnel.ActivationException.class,
                () -> MacTunnel.activate("work", split(""), opts(false)));
        assertEquals("DNS", e.step());
        assertTrue(e.detail().contains("corp.internal exists and was not written by wgdesk for this tunnel"
                + " (nameserver 192.168.1.53); remove it, or take ~corp.internal out of DNS ="), e.detail());
        assertEquals("nameserver 192.168.1.53\n", Files.readString(resolver().resolve("corp.internal")));
        assertEquals(List.of("corp.internal"), files(), "corp.example, written before, was removed again");
        assertTrue(kernel.iface("utun0") == null, "the interface is gone");
    }

    @Test
    void anotherTunnelsFileIsNotTakenOver() throws Exception {
        MacTunnel other = MacTunnel.activate("other", MacTunnelTest.conf("Address = 10.9.0.2/32\nDNS = 10.9.0.53, ~corp.internal",
                "10.9.0.0/16", "198.51.100.8:51820"), opts(false));
        assertThrows(MacTunnel.ActivationException.class, () -> MacTunnel.activate("work", split(""), opts(false)));
        assertTrue(Files.readString(resolver().resolve("corp.internal")).contains("nameserver 10.9.0.53"));
        other.deactivate();
        assertEquals(List.of(), files());
    }

    @Test
    void aFailureAfterTheFilesRemovesThem() throws Exception {
        mac.fail = "/bin/bash -c false";
        MacTunnel.ActivationException e = assertThrows(MacTunnel.ActivationException.class,
                () -> MacTunnel.activate("work", split("\nPostUp = false"), opts(true)));
        assertEquals("PostUp", e.step());
        assertEquals(List.of(), files());
    }

    @Test
    void theCrashJournalRemovesOnlyTheTunnelsFiles() throws Exception {
        MacTunnel.activate("work", split(""), opts(false)); // the helper "dies": never deactivated
        List<List<String>> journal = journals.getFirst();
        Files.writeString(resolver().resolve("lab.example"), "nameserver 192.168.1.53\n"); // replaced by the user since

        List<String> done = MacTunnel.cleanupStale(journal, mac, new ResolverFiles(resolver()));
        assertTrue(done.contains("removed " + resolver().resolve("corp.example")), done.toString());
        assertTrue(done.contains("removed " + resolver().resolve("corp.internal")), done.toString());
        assertEquals(List.of("lab.example"), files(), "the user's file stays");
        assertEquals(List.of(), MacTunnel.cleanupStale(List.of(List.of(ResolverFiles.JOURNAL_VERB, "work", "../hosts")),
                mac, new ResolverFiles(resolver())), "never a path outside the directory");
        assertTrue(MacTunnelBackend.JOURNAL_PROGRAMS.contains(ResolverFiles.JOURNAL_VERB), "the helper lets it through");
    }

    @Test
    void aStaleFileOfTheSameTunnelIsReplaced() throws Exception {
        Files.createDirectories(resolver());
        Files.writeString(resolver().resolve("corp.internal"), ResolverFiles.content("work", List.of()) + "nameserver 10.1.1.1\n");
        MacTunnel t = MacTunnel.activate("work", split(""), opts(false));
        assertFalse(Files.readString(resolver().resolve("corp.internal")).contains("10.1.1.1"));
        t.deactivate();
        assertEquals(List.of(), files());
    }

    @Test
    void planShowsTheFilesAndWarnsForAFullTunnel() throws Exception {
        List<String> plan = new MacPlanner().plan("work", split(""));
        assertTrue(plan.contains("write /etc/resolver/corp.internal (atomically, mode 0644; removed on deactivation): # wgdesk:"
                + " written for the tunnel work (removed when it goes down) | nameserver 10.0.0.53 | nameserver fd00::53"),
                plan.toString());
        assertTrue(plan.stream().noneMatch(l -> l.startsWith("networksetup -setdnsservers")), plan.toString());
        assertTrue(plan.stream().noneMatch(l -> l.startsWith("# WARNING")), plan.toString());
        List<String> full = new MacPlanner().plan("work", MacTunnelTest.conf("Address = 10.8.0.2/32\nDNS = 10.0.0.53, ~corp.internal",
                "0.0.0.0/0", "198.51.100.7:51820"));
        assertTrue(full.contains("# WARNING: " + MacTunnelBackend.SPLIT_DNS_FULL_TUNNEL), full.toString());
    }
}
