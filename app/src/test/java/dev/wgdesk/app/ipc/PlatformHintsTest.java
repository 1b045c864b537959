package dev.wgdesk.app.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.platform.HelperPlatform;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The commands a refused or stranded user is told to run are the ones of their own OS: each
 * platform names how to start its service and how to add a user to its group.
 */
class PlatformHintsTest {
    @Test
    void everyPlatformNamesItsOwnCommands() {
        Map<String, String> start = new TreeMap<>();
        for (HelperPlatform p : HelperPlatform.all()) {
            start.put(p.os(), p.serviceRegistration().howToStart());
            String add = p.userDirectory().howToAdd("alice", p.defaultGroup());
            assertTrue(add.contains("alice") && add.contains(p.defaultGroup()), p.os() + ": " + add);
        }
        assertEquals(Map.of("linux", "systemctl start wgdesk-helper",
                "macos", "sudo launchctl kickstart system/dev.wgdesk.helper",
                "windows", "sc start wgdesk-helper, as an administrator"), start);
    }

    @Test
    void theMessagesOnThisMachineUseThisPlatformsCommands() {
        HelperPlatform here = HelperPlatform.current().orElseThrow();
        assertTrue(IpcClient.unreachableMessage(Path.of("/x.sock")).contains("(" + here.serviceRegistration().howToStart() + ")"));
        String refused = IpcClient.notAuthorisedMessage(Path.of("/x.sock"));
        assertTrue(refused.contains(here.userDirectory().howToAdd("$USER", here.defaultGroup())), refused);
    }

    @Test
    void hintsByOsNameComeFromThatOsPlatform() {
        PlatformHints linux = PlatformHints.forOs("linux");
        assertEquals("wgdesk", linux.group());
        assertEquals("usermod -aG wgdesk alice", linux.howToAdd("alice"));
        assertEquals("$USER", linux.currentUserVariable());
        PlatformHints mac = PlatformHints.forOs("macos");
        assertEquals("macos", mac.os());
        assertEquals("sudo dseditgroup -o edit -a alice -t user " + mac.group(), mac.howToAdd("alice"));
        assertEquals("sudo launchctl kickstart system/dev.wgdesk.helper", mac.howToStart());
        PlatformHints windows = PlatformHints.forOs("windows");
        assertTrue(windows.isWindows());
        assertEquals("wgdesk-users", windows.group());
        assertEquals("net localgroup wgdesk-users \"Ada Lovelace\" /add", windows.howToAdd("Ada Lovelace"));
        assertEquals("%USERNAME%", windows.currentUserVariable());
        for (HelperPlatform p : HelperPlatform.all()) {
            PlatformHints h = PlatformHints.forOs(p.os());
            assertEquals(p.userDirectory().howToAdd("bob", p.defaultGroup()), h.howToAdd("bob"), p.os());
            assertEquals(p.serviceRegistration().howToStart(), h.howToStart(), p.os());
        }
    }

    @Test
    void anOsWithoutAPlatformGetsTheLinuxCommands() {
        PlatformHints h = PlatformHints.forOs("plan9");
        assertEquals(PlatformHints.FALLBACK_OS, h.os());
        assertEquals("usermod -aG wgdesk glenda", h.howToAdd("glenda"));
        assertEquals("systemctl start wgdesk-helper", h.howToStart());
    }
}
