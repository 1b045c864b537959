package dev.wgdesk.engine.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plist text (indentation, escaping, entry order) and its atomic write; the LaunchAgent's and
 * LaunchDaemon's exact files are checked byte for byte in MacLaunchAgentAutostartTest (app) and
 * MacHelperPlatformTest (platform-macos).
 */
class LaunchdPlistTest {
    @Test
    void entriesComeInOrderIndentedAndEscaped() {
        String text = new LaunchdPlist(2)
                .string("Label", "a&b")
                .strings("ProgramArguments", List.of("/x/<y>", "z"))
                .bool("RunAtLoad", true)
                .bool("KeepAlive", false)
                .integer("Umask", 63)
                .text();
        assertEquals("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                  <dict>
                    <key>Label</key>
                    <string>a&amp;b</string>
                    <key>ProgramArguments</key>
                    <array>
                      <string>/x/&lt;y&gt;</string>
                      <string>z</string>
                    </array>
                    <key>RunAtLoad</key>
                    <true/>
                    <key>KeepAlive</key>
                    <false/>
                    <key>Umask</key>
                    <integer>63</integer>
                  </dict>
                </plist>
                """, text);
        assertEquals("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                </dict>
                </plist>
                """, new LaunchdPlist(0).text());
    }

    @Test
    void writeReplacesTheFileWithTheGivenPermissionsAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("Library/LaunchAgents/x.plist");
        new LaunchdPlist(0).string("Label", "old").write(file, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        LaunchdPlist p = new LaunchdPlist(0).string("Label", "new");
        p.write(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(p.text(), Files.readString(file, StandardCharsets.UTF_8));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
