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
}
