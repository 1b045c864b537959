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
}
