package dev.wgdesk.platform.linux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExclusionPlanTest {
    /** The hybrid layout of this project's machines (cgroup v1 controllers, cgroup2 at .../unified). */
    private static final String HYBRID = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;
    /** A current distribution: the unified hierarchy at /sys/fs/cgroup (optional fields before the dash). */
    private static final String UNIFIED = """
            22 26 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
            30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            """;

    @Test
    void theCgroup2MountIsFoundInMountinfo() {
        assertEquals(new ExclusionPlan.Mount(Path.of("/sys/fs/cgroup/unified"), "/"), ExclusionPlan.cgroup2Mount(HYBRID));
        assertEquals(new ExclusionPlan.Mount(Path.of("/sys/fs/cgroup"), "/"), ExclusionPlan.cgroup2Mount(UNIFIED));
        assertNull(ExclusionPlan.cgroup2Mount("31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw\n"));
        assertNull(ExclusionPlan.cgroup2Mount(""));
        assertEquals(new ExclusionPlan.Mount(Path.of("/run/my cg"), "/user.slice"),
                ExclusionPlan.cgroup2Mount("50 1 0:40 /user.slice /run/my\\040cg rw - cgroup2 none rw\n"));
    }

    @Test
    void levelCountsTheMountsRootAndTheGroup() {
        assertEquals(1, ExclusionPlan.level(new ExclusionPlan.Mount(Path.of("/sys/fs/cgroup"), "/")));
        assertEquals(3, ExclusionPlan.level(new ExclusionPlan.Mount(Path.of("/x"), "/user.slice/user-1000.slice")));
    }

    @Test
    void nftNamesTheGroupRelativeToSysFsCgroup() {
        assertEquals("unified/wgdesk-exclude", ExclusionPlan.nftPath(Path.of("/sys/fs/cgroup/unified/wgdesk-exclude")));
        assertEquals("wgdesk-exclude", ExclusionPlan.nftPath(Path.of("/sys/fs/cgroup/wgdesk-exclude")));
        assertEquals("../../../mnt/cg2/wgdesk-exclude", ExclusionPlan.nftPath(Path.of("/mnt/cg2/wgdesk-exclude")));
    }

    @Test
    void theRulesetMarksReroutesRestoresAndMasquerades() {
        assertEquals("""
                table inet wgdesk-split {}
                delete table inet wgdesk-split
                table inet wgdesk-split {
                \tchain output {
                \t\ttype route hook output priority mangle; policy accept;
                \t\tmeta mark 0 socket cgroupv2 level 1 "unified/wgdesk-exclude" counter meta mark set 0x77677370 ct mark set 0x77677370
                \t}
                \tchain prerouting {
                \t\ttype filter hook prerouting priority mangle; policy accept;
                \t\tct mark 0x77677370 meta mark set 0x77677370
                \t}
                \tchain postrouting {
                \t\ttype nat hook postrouting priority srcnat; policy accept;
                \t\toifname != "lo" meta mark 0x77677370 counter masquerade
                \t}
                }
                """, ExclusionPlan.nftRuleset("unified/wgdesk-exclude", 1));
        assertThrows(IllegalArgumentException.class, () -> ExclusionPlan.nftRuleset("a\"b", 1));
        assertEquals(0x77677370L, Long.decode(ExclusionPlan.MARK_HEX));
    }

    @Test
    void ruleCommands() {
        assertEquals(List.of("ip", "-4", "rule", "add", "pref", "32763", "fwmark", "0x77677370", "lookup", "main"),
                ExclusionPlan.addRule("-4", 32763));
        assertEquals(List.of("ip", "-6", "rule", "del", "pref", "32763", "fwmark", "0x77677370", "lookup", "main"),
                ExclusionPlan.delRule("-6", 32763));
        assertEquals(List.of("ip", "-4", "rule", "del", "fwmark", "0x77677370", "lookup", "main"),
                ExclusionPlan.delAnyRule("-4"));
        assertEquals(List.of("nft", "delete", "table", "inet", "wgdesk-split"), ExclusionPlan.deleteTable());
    }

    @Test
    void theSplitRuleGoesAheadOfATunnelsRules() {
        String tunnelUp = """
                0:\tfrom all lookup local
                32764:\tfrom all lookup main suppress_prefixlength 0
                32765:\tnot from all fwmark 0xca6c lookup 51820
                32766:\tfrom all lookup main
                32767:\tfrom all lookup default
                """;
        ExclusionPlan.Placement p = ExclusionPlan.place(tunnelUp);
        assertEquals(List.of(), p.ours());
        assertFalse(p.ahead());
        assertEquals(32763, p.target());

        // ip rule add without pref put the next tunnel's rules just before the split rule
        String afterNextTunnel = """
                0:\tfrom all lookup local
                32761:\tfrom all lookup main suppress_prefixlength 0
                32762:\tnot from all fwmark 0xca6d lookup 51821
                32763:\tfrom all fwmark 0x77677370 lookup main
                32766:\tfrom all lookup main
                32767:\tfrom all lookup default
                """;
        p = ExclusionPlan.place(afterNextTunnel);
        assertEquals(List.of(32763), p.ours());
        assertFalse(p.ahead());
        assertEquals(32760, p.target());

        p = ExclusionPlan.place("0:\tfrom all lookup local\n32760:\tfrom all fwmark 0x77677370 lookup main\n"
                + "32761:\tfrom all lookup main suppress_prefixlength 0\n32766:\tfrom all lookup main\n");
        assertTrue(p.ahead());

        // two split rules (one left by a crash): not ahead, both replaced
        p = ExclusionPlan.place("0:\tfrom all lookup local\n100:\tfrom all fwmark 0x77677370 lookup main\n"
                + "200:\tfrom all fwmark 0x77677370 lookup main\n32766:\tfrom all lookup main\n");
        assertEquals(List.of(100, 200), p.ours());
        assertFalse(p.ahead());
        assertEquals(32765, p.target());

        // a rule with another mark, or "not", is someone else's
        p = ExclusionPlan.place("0:\tfrom all lookup local\n5:\tnot from all fwmark 0x77677370 lookup main\n"
                + "32766:\tfrom all lookup main\n");
        assertEquals(List.of(), p.ours());
        assertEquals(4, p.target());
    }

    @Test
    void noRoomAheadIsAnErrorNamingTheRule() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ExclusionPlan.place("0:\tfrom all lookup local\n1:\tfrom all lookup 7\n"));
        assertTrue(e.getMessage().contains("fwmark 0x77677370 lookup main"), e.getMessage());
    }
}
