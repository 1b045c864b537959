package dev.wgdesk.app.ui.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XdgAutostartTest {
    @TempDir
    Path dir;
    private Path user;
    private Path system;

    @BeforeEach
    void dirs() throws IOException {
        user = dir.resolve("home/.config/autostart");
        system = Files.createDirectories(dir.resolve("etc/xdg/autostart"));
    }

    private XdgAutostart autostart(String launcher) {
        return new XdgAutostart(user, List.of(dir.resolve("usr/share/xdg/autostart"), system), launcher, true);
    }

    /** The entry the .deb installs. */
    private Path packageEntry() throws IOException {
        Path src = Path.of("..", "installers", "src", "linux", "deb");
        try (Stream<Path> s = Files.walk(Path.of("..", "installers", "src"))) {
            Path found = s.filter(p -> p.getFileName().toString().equals(XdgAutostart.FILE_NAME)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + XdgAutostart.FILE_NAME + " under " + src));
            return Files.copy(found, system.resolve(XdgAutostart.FILE_NAME));
        }
    }

    @Test
    void withThePackagesEntryTurningOffWritesAHiddenOverrideAndOnRemovesIt() throws IOException {
        Path sys = packageEntry();
        String original = Files.readString(sys);
        Autostart a = autostart(null);
        assertEquals(Autostart.State.ENABLED, a.state());

        a.setEnabled(false);
        assertEquals(Autostart.State.DISABLED, a.state());
        String override = Files.readString(user.resolve(XdgAutostart.FILE_NAME));
        assertTrue(override.contains("Hidden=true"), override);
        assertTrue(override.contains("X-GNOME-Autostart-enabled=false"), override);
        assertFalse(override.contains("X-GNOME-Autostart-enabled=true"), override);
        assertTrue(override.contains("Exec=wgdesk tray"), "the rest of the entry is kept: " + override);
        assertEquals(original, Files.readString(sys), "the system entry is never touched");

        a.setEnabled(true);
        assertEquals(Autostart.State.ENABLED, a.state());
        assertFalse(Files.exists(user.resolve(XdgAutostart.FILE_NAME)), "back to the package's entry");
        assertNoTemporaryFiles();
    }

    @Test
    void withoutAPackageEntryTurningOnWritesAnEntryForThisLauncher() throws IOException {
        Autostart a = autostart("/opt/my apps/wgdesk/bin/wgdesk");
        assertEquals(Autostart.State.DISABLED, a.state());
        a.setEnabled(true);
        assertEquals(Autostart.State.ENABLED, a.state());
        String entry = Files.readString(user.resolve(XdgAutostart.FILE_NAME), StandardCharsets.UTF_8);
        assertTrue(entry.contains("Exec=\"/opt/my apps/wgdesk/bin/wgdesk\" tray\n"), entry);
        assertTrue(entry.startsWith("[Desktop Entry]\n"), entry);

        a.setEnabled(false);
        assertEquals(Autostart.State.DISABLED, a.state());
        a.setEnabled(true);
        assertEquals(Autostart.State.ENABLED, a.state());
        assertNoTemporaryFiles();
    }

    @Test
    void aUsersOwnOverrideWins() throws IOException {
        packageEntry();
        Files.createDirectories(user);
        Files.writeString(user.resolve(XdgAutostart.FILE_NAME), "[Desktop Entry]\nType=Application\nExec=wgdesk tray\n"
                + "X-GNOME-Autostart-enabled = false\n");
        assertEquals(Autostart.State.DISABLED, autostart(null).state());
        Files.writeString(user.resolve(XdgAutostart.FILE_NAME), "[Desktop Entry]\nExec=wgdesk tray\n[Desktop Action x]\nHidden=true\n");
        assertEquals(Autostart.State.ENABLED, autostart(null).state(), "Hidden in another group does not count");
    }

    @Test
    void unsupportedWhereItCannotWork() throws IOException {
        assertEquals(Autostart.State.UNSUPPORTED, autostart(null).state(), "no package entry and no launcher");
        assertThrows(UnsupportedOperationException.class, () -> autostart(null).setEnabled(true));
        assertEquals(Autostart.State.UNSUPPORTED, new XdgAutostart(user, List.of(system), "/usr/bin/wgdesk", false).state());
        assertFalse(Files.exists(user), "nothing written");
    }

    @Test
    void aFailedWriteKeepsWhatWasThere() throws IOException {
        packageEntry();
        Files.createDirectories(user.getParent());
        Files.writeString(user, "not a directory"); // the autostart "directory" is a file
        assertThrows(IOException.class, () -> autostart(null).setEnabled(false));
        assertEquals("not a directory", Files.readString(user));
        assertEquals(Autostart.State.ENABLED, autostart(null).state());
    }

    @Test
    void execQuotingFollowsTheSpecification() {
        assertEquals("/usr/bin/wgdesk", XdgAutostart.quoteExec("/usr/bin/wgdesk"));
        assertEquals("\"/home/a b/wgdesk\"", XdgAutostart.quoteExec("/home/a b/wgdesk"));
        assertEquals("\"/x/\\$HOME/\\\"q\\\"/w\"", XdgAutostart.quoteExec("/x/$HOME/\"q\"/w"));
        assertEquals("/x/100%%/w", XdgAutostart.quoteExec("/x/100%/w"));
    }

    private void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> s = Files.list(user)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }
}
