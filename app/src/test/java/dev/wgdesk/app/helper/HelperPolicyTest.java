package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HelperPolicyTest {
    @Test
    void defaultsDisableScripts() {
        HelperPolicy p = HelperPolicy.parse("h", "");
        assertFalse(p.allowScripts());
        assertEquals("wgdesk", p.group());
    }

    @Test
    void readsKeysCaseInsensitivelyWithComments() {
        HelperPolicy p = HelperPolicy.parse("h", "# policy\r\nAllow-Scripts = TRUE # yes\ngroup=vpn\n");
        assertTrue(p.allowScripts());
        assertEquals("vpn", p.group());
        assertEquals(List.of(), p.warnings());
    }

    @Test
    void badLinesAreWarnedAboutAndIgnored() {
        HelperPolicy p = HelperPolicy.parse("helper.conf", "allow-scripts=maybe\nfrobnicate=1\njunk\ngroup=Bad Name\n");
        assertFalse(p.allowScripts());
        assertEquals("wgdesk", p.group());
        assertEquals(List.of(
                "helper.conf:1: allow-scripts must be true or false, not maybe; scripts stay disabled",
                "helper.conf:2: unknown key frobnicate",
                "helper.conf:3: not key=value: junk",
                "helper.conf:4: invalid group name Bad Name"), p.warnings());
    }

    @Test
    void thePlatformsDefaultGroupAppliesWhenTheFileNamesNone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        assertEquals("wgdesk-users", HelperPolicy.parse("h", "allow-scripts=true\n", "wgdesk-users").group());
        assertEquals("vpn", HelperPolicy.parse("h", "group=vpn\n", "wgdesk-users").group(), "the file wins");
        assertEquals("wgdesk-users", HelperPolicy.load(dir.resolve("none.conf"), "wgdesk-users").group(), "no file");
        Helper.Options linux = Helper.Options.defaults(new dev.wgdesk.platform.linux.LinuxHelperPlatform());
        assertEquals("wgdesk", linux.defaultGroup());
        assertEquals(java.nio.file.Path.of("/run/wgdesk/helper.sock"), linux.socket());
        assertEquals(java.nio.file.Path.of("/var/lib/wgdesk"), linux.stateDir());
        assertEquals(java.nio.file.Path.of("/etc/wgdesk/helper.conf"), linux.policyFile());
    }

    @Test
    void theDefaultsComeFromThePlatformWhenThereIsOne() {
        dev.wgdesk.engine.platform.HelperPlatform mac = new dev.wgdesk.platform.macos.MacHelperPlatform();
        Helper.Options m = Helper.Options.defaults(java.util.Optional.of(mac));
        assertEquals(mac.stateDirectory(), m.stateDir());
        assertEquals(mac.policyFile(), m.policyFile());
        assertEquals(mac.defaultGroup(), m.defaultGroup());
        assertEquals(java.nio.file.Path.of(mac.ipcTransport().defaultAddress()), m.socket());
        assertTrue(!m.stateDir().equals(Helper.Options.FALLBACK_STATE_DIR), "macOS keeps its state elsewhere: " + m.stateDir());

        dev.wgdesk.engine.platform.HelperPlatform windows = new dev.wgdesk.platform.windows.WindowsHelperPlatform();
        assertEquals(windows.policyFile(), HelperPolicy.defaultFile(java.util.Optional.of(windows)));
        assertEquals("wgdesk-users", HelperPolicy.defaultGroup(java.util.Optional.of(windows)));
        assertEquals(windows.policyFile(), Helper.Options.defaults(java.util.Optional.of(windows)).policyFile());
    }

    @Test
    void withoutAPlatformTheDefaultsAreLinuxs() {
        Helper.Options none = Helper.Options.defaults(java.util.Optional.empty());
        assertEquals(java.nio.file.Path.of("/run/wgdesk/helper.sock"), none.socket());
        assertEquals(java.nio.file.Path.of("/var/lib/wgdesk"), none.stateDir());
        assertEquals(java.nio.file.Path.of("/etc/wgdesk/helper.conf"), none.policyFile());
        assertEquals("wgdesk", none.defaultGroup());
        assertEquals(java.nio.file.Path.of("/etc/wgdesk/helper.conf"), HelperPolicy.defaultFile(java.util.Optional.empty()));
        assertEquals("wgdesk", HelperPolicy.defaultGroup(java.util.Optional.empty()));
    }

    @Test
    void onThisMachineTheDefaultsAreThisPlatforms() {
        dev.wgdesk.engine.platform.HelperPlatform here = dev.wgdesk.engine.platform.HelperPlatform.current().orElseThrow();
        assertEquals(Helper.Options.defaults(here), Helper.Options.defaults());
        assertEquals(here.policyFile(), HelperPolicy.defaultFile());
        assertEquals(here.defaultGroup(), HelperPolicy.defaults().group());
        assertEquals(here.defaultGroup(), new Helper.Options(java.nio.file.Path.of("s"), java.nio.file.Path.of("d"),
                java.nio.file.Path.of("p"), 1).defaultGroup());
    }
}
