package dev.wgdesk.platform.linux.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.ExclusionPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LinuxAppExclusion} against a directory standing for the cgroup2 mount, a fake
 * {@code /proc} and a runner that records the commands and answers {@code ip rule show}.
 */
class LinuxAppExclusionTest {
    private static final String NO_TUNNEL = "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n";

    @TempDir
    Path dir;
    private Path cgroup;
    private Path proc;
    private Path mountinfo;
    private final List<String> commands = new ArrayList<>();
    private final List<String> stdins = new ArrayList<>();
    private String rules = NO_TUNNEL;
    private final Map<String, Integer> staleRules = new java.util.HashMap<>(); // per family: each del succeeds while > 0
    private boolean nftFails;

    private final Command.Runner runner = new Command.Runner() {
        @Override
        public Command.Result run(List<String> argv, String stdin, Map<String, String> env, long timeout) {
            commands.add(String.join(" ", argv));
            if (stdin != null) {
                stdins.add(stdin);
            }
            if (argv.equals(List.of("ip", "-4", "rule", "show")) || argv.equals(List.of("ip", "-6", "rule", "show"))) {
                return new Command.Result(0, rules, "");
            }
            if (argv.size() == 8 && argv.get(3).equals("del") && argv.get(4).equals("fwmark")) {
                int left = staleRules.getOrDefault(argv.get(1), 0);
                staleRules.put(argv.get(1), left - 1);
                return new Command.Result(left > 0 ? 0 : 2, "", "RTNETLINK answers: No such file or directory");
            }
            if (argv.getFirst().equals("nft") && nftFails) {
                return new Command.Result(1, "", "Error: Could not process rule: No such file or directory");
            }
            return new Command.Result(0, "", "");
        }

        @Override
        public boolean onPath(String program) {
            return true;
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        cgroup = Files.createDirectories(dir.resolve("cg2"));
        proc = Files.createDirectories(dir.resolve("proc"));
        mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, "41 31 0:38 / " + cgroup + " rw,relatime - cgroup2 cgroup2 rw\n");
        Files.createDirectories(proc.resolve("1234"));
        Files.writeString(proc.resolve("1234/cgroup"), "1:name=systemd:/user.slice\n0::/user.slice/session-2.scope\n");
    }

    private LinuxAppExclusion exclusion() {
        return new LinuxAppExclusion(runner, mountinfo, proc, "wgdesk-exclude-t", line -> { });
    }

    @Test
    void theFirstExclusionCreatesTheGroupThenTheRulesThenMovesTheProcess() throws IOException {
        LinuxAppExclusion x = exclusion();
        assertNull(x.unavailable());
        assertEquals("/user.slice/session-2.scope", x.exclude(1234));
        Path group = cgroup.resolve("wgdesk-exclude-t");
        assertEquals("1234\n", Files.readString(group.resolve("cgroup.procs")));
        assertEquals(List.of("nft -f -",
                "ip -4 rule show", "ip -4 rule add pref 32765 fwmark 0x77677370 lookup main",
                "ip -6 rule show", "ip -6 rule add pref 32765 fwmark 0x77677370 lookup main"), commands);
        assertEquals(List.of(ExclusionPlan.nftRuleset(ExclusionPlan.nftPath(group), 1)), stdins);
        assertTrue(stdins.getFirst().contains("socket cgroupv2 level 1 \"" + ExclusionPlan.nftPath(group) + "\""));
        assertTrue(x.isExclusionGroup("/wgdesk-exclude-t"));
        assertFalse(x.isExclusionGroup("/user.slice"));
        assertEquals(List.of(1234L), x.members());

        commands.clear();
        x.exclude(1234); // set up once
        assertEquals(List.of(), commands);
    }

    @Test
    void afterATunnelCameUpTheSplitRuleMovesAheadOfItsRules() throws IOException {
        LinuxAppExclusion x = exclusion();
        x.exclude(1234);
        commands.clear();
        rules = "0:\tfrom all lookup local\n32763:\tfrom all lookup main suppress_prefixlength 0\n"
                + "32764:\tnot from all fwmark 0xca6c lookup 51820\n32765:\tfrom all fwmark 0x77677370 lookup main\n" + NO_TUNNEL.substring(NO_TUNNEL.indexOf('\n') + 1);
        List<String> warnings = new ArrayList<>();
        x.keepAhead(warnings::add);
        assertEquals(List.of("ip -4 rule show", "ip -4 rule add pref 32762 fwmark 0x77677370 lookup main",
                "ip -4 rule del pref 32765 fwmark 0x77677370 lookup main",
                "ip -6 rule show", "ip -6 rule add pref 32762 fwmark 0x77677370 lookup main",
                "ip -6 rule del pref 32765 fwmark 0x77677370 lookup main"), commands);
        assertEquals(List.of(), warnings);
    }

    @Test
    void beforeAnyExclusionNothingIsInstalledOrMoved() {
        LinuxAppExclusion x = exclusion();
        x.keepAhead(line -> { });
        x.close();
        assertEquals(List.of(), commands);
        assertFalse(Files.exists(cgroup.resolve("wgdesk-exclude-t")));
    }

    @Test
    void aFailingNftLeavesNothingAndSaysWhy() {
        nftFails = true;
        LinuxAppExclusion x = exclusion();
        IOException e = assertThrows(IOException.class, () -> x.exclude(1234));
        assertTrue(e.getMessage().contains("cannot install the rules") && e.getMessage().contains("No such file"), e.getMessage());
        assertEquals("nft -f -", commands.getFirst());
        assertTrue(commands.contains("ip -4 rule del fwmark 0x77677370 lookup main"), commands.toString());
        assertFalse(Files.exists(cgroup.resolve("wgdesk-exclude-t/cgroup.procs")), "not moved");
    }

    @Test
    void closeRemovesTableAndRulesAndTheEmptyGroup() throws IOException {
        LinuxAppExclusion x = exclusion();
        x.exclude(1234);
        Files.delete(cgroup.resolve("wgdesk-exclude-t/cgroup.procs")); // the process exited
        commands.clear();
        staleRules.put("-4", 1); // the helper's: one per family
        staleRules.put("-6", 1);
        x.close();
        String del4 = "ip -4 rule del fwmark 0x77677370 lookup main";
        String del6 = "ip -6 rule del fwmark 0x77677370 lookup main";
        assertEquals(List.of("nft delete table inet wgdesk-split", del4, del4, del6, del6), commands,
                "each family's rule removed, then one try that finds none");
        assertFalse(Files.exists(cgroup.resolve("wgdesk-exclude-t")));
    }

    @Test
    void startRemovesWhatACrashLeftAndSetsUpAgainForProcessesStillInTheGroup() throws IOException {
        Path group = Files.createDirectories(cgroup.resolve("wgdesk-exclude-t"));
        Files.writeString(group.resolve("cgroup.procs"), "777\n");
        staleRules.put("-4", 2);
        staleRules.put("-6", 1);
        List<String> done = exclusion().start();
        assertEquals("nft delete table inet wgdesk-split", commands.getFirst());
        assertEquals(3, commands.stream().filter(c -> c.contains("rule del fwmark")).count() - 2,
                "three stale rules removed, then one failed try per family: " + commands);
        assertTrue(commands.contains("nft -f -"), "set up again: " + commands);
        assertTrue(done.getLast().contains("[777]"), done.toString());

        commands.clear();
        Files.delete(group.resolve("cgroup.procs"));
        done = exclusion().start();
        assertFalse(Files.exists(group), "an empty group is removed");
        assertFalse(commands.contains("nft -f -"));
    }

    @Test
    void withoutACgroup2MountItSaysSo() throws IOException {
        Files.writeString(mountinfo, "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw\n");
        LinuxAppExclusion x = exclusion();
        assertTrue(x.unavailable().contains("no cgroup v2 hierarchy"), x.unavailable());
        IOException e = assertThrows(IOException.class, () -> x.exclude(1234));
        assertTrue(e.getMessage().contains("cgroup v2"));
        assertEquals(List.of(), x.start());
        assertEquals(List.of(), commands);
    }

    @Test
    void restoreStaysInsideTheHierarchy() throws IOException {
        LinuxAppExclusion x = exclusion();
        Files.createDirectories(cgroup.resolve("user.slice"));
        x.restore(1234, "/user.slice");
        assertEquals("1234\n", Files.readString(cgroup.resolve("user.slice/cgroup.procs")));
        assertThrows(IOException.class, () -> x.restore(1234, "/../../etc"));
        assertThrows(IllegalArgumentException.class,
                () -> new LinuxAppExclusion(runner, mountinfo, proc, "../x", line -> { }));
    }
}
