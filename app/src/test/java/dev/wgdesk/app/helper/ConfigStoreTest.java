package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.TunnelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStoreTest {
    @TempDir
    Path state;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void directoriesAre0700AndFiles0600() throws Exception {
        ConfigStore store = ConfigStore.open(state.resolve("lib"));
        store.save("home", Configs.valid("a", 1));
        assertEquals("rwx------", mode(state.resolve("lib")));
        assertEquals("rwx------", mode(store.directory()));
        assertEquals("rw-------", mode(store.directory().resolve("home.conf")));
    }

    @Test
    void openTightensLooseModesAndRemovesTemporaryFiles() throws Exception {
        Path dir = state.resolve("tunnels");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("loose.conf"), Configs.valid("l", 1));
        Files.setPosixFilePermissions(dir.resolve("loose.conf"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(dir.resolve("home.conf.0123456789ab.tmp"), "[Interf");
        ConfigStore store = ConfigStore.open(state);
        assertEquals("rwx------", mode(dir));
        assertEquals("rw-------", mode(dir.resolve("loose.conf")));
        assertFalse(Files.exists(dir.resolve("home.conf.0123456789ab.tmp")));
        assertEquals(List.of("loose"), store.list());
    }

    @Test
    void savedTextIsReturnedVerbatimAndParses() throws Exception {
        ConfigStore store = ConfigStore.open(state);
        String text = Configs.valid("comment kept", 3);
        store.save("home", text);
        assertEquals(text, store.read("home"));
        TunnelConfig c = store.load("home");
        assertEquals(3, c.peers().size());
        c.destroy();
    }

    @Test
    void anInvalidConfigIsRefusedWithLineAndColumnAndTheStoredOneStays() throws Exception {
        ConfigStore store = ConfigStore.open(state);
        String good = Configs.valid("good", 1);
        store.save("home", good);
        String bad = good + "\n[Peer]\nPublicKey = " + dev.wgdesk.engine.crypto.PrivateKey.generate().publicKey().toBase64()
                + "\nAllowedIPs = 10.0.0.0/33\n";
        int line = (int) bad.lines().count();
        StoreException e = assertThrows(StoreException.class, () -> store.save("home", bad));
        assertEquals(StoreException.Kind.INVALID_CONFIG, e.kind());
        assertEquals(List.of("home.conf:" + line + ":14: AllowedIPs: \"10.0.0.0/33\" is not a valid prefix"), e.details());
        assertTrue(e.getMessage().contains("home.conf:" + line + ":14"), e.getMessage());
        assertEquals(good, store.read("home"));
        assertEquals(List.of("home.conf"), listDir(store.directory()));
    }

    @Test
    void createRefusesAnExistingName() throws Exception {
        ConfigStore store = ConfigStore.open(state);
        String first = Configs.valid("1", 1);
        store.create("home", first);
        StoreException e = assertThrows(StoreException.class, () -> store.create("home", Configs.valid("2", 1)));
        assertEquals(StoreException.Kind.ALREADY_EXISTS, e.kind());
        assertEquals(first, store.read("home"));
    }

    @Test
    void invalidNamesAreRefusedBeforeTouchingTheDisk() throws Exception {
        ConfigStore store = ConfigStore.open(state);
        for (String name : List.of("", "../etc", "a/b", "sixteen-chars-xx", "..", "con", "with space")) {
            StoreException e = assertThrows(StoreException.class, () -> store.save(name, Configs.valid("x", 1)), name);
            assertEquals(StoreException.Kind.INVALID_NAME, e.kind(), name);
        }
        assertEquals(List.of(), listDir(store.directory()));
    }

    @Test
    void renameAndDelete() throws Exception {
        ConfigStore store = ConfigStore.open(state);
        String text = Configs.valid("r", 1);
        store.save("a", text);
        store.save("b", Configs.valid("b", 1));
        assertEquals(StoreException.Kind.ALREADY_EXISTS, assertThrows(StoreException.class, () -> store.rename("a", "b")).kind());
        assertEquals(StoreException.Kind.NOT_FOUND, assertThrows(StoreException.class, () -> store.rename("x", "y")).kind());
        store.rename("a", "c");
        assertEquals(List.of("b", "c"), store.list());
        assertEquals(text, store.read("c"));
        store.delete("c");
        assertEquals(List.of("b"), store.list());
        assertEquals(StoreException.Kind.NOT_FOUND, assertThrows(StoreException.class, () -> store.delete("c")).kind());
        assertEquals(StoreException.Kind.NOT_FOUND, assertThrows(StoreException.class, () -> store.read("c")).kind());
    }

    @Test
    void aFileEditedIntoGarbageIsReportedOnLoad() throws Exception {
        ConfigStore store = ConfigStore.open(state);
        Files.writeString(store.directory().resolve("hand.conf"), "[Interface]\nPrivateKey = nope\n", StandardCharsets.UTF_8);
        StoreException e = assertThrows(StoreException.class, () -> store.load("hand"));
        assertEquals(StoreException.Kind.INVALID_CONFIG, e.kind());
        assertTrue(e.details().getFirst().startsWith("hand.conf:2:14: PrivateKey:"), e.details().getFirst());
    }

    @Test
    void stateStoreRoundTripsAndSurvivesACorruptFile() throws Exception {
        StateStore s = StateStore.open(state);
        s.setActive("home", true);
        s.setAutostart("work", true);
        s.setActive("gone", true);
        s.forget("gone");
        StateStore again = StateStore.open(state);
        assertEquals(Set.of("home"), again.active());
        assertEquals(Set.of("work"), again.autostart());
        again.rename("home", "house");
        assertEquals(Set.of("house"), StateStore.open(state).active());
        assertEquals("rw-------", mode(state.resolve(StateStore.FILE)));
        Files.writeString(state.resolve(StateStore.FILE), "{\"active\":[\"x\"");
        StateStore broken = StateStore.open(state);
        assertEquals(Set.of(), broken.active());
        assertTrue(Files.exists(state.resolve(StateStore.FILE + ".bad")));
    }

    private static List<String> listDir(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void namesStartingWithADashAreRefusedBecauseCommandsWouldReadThemAsOptions() throws Exception {
        ConfigStore store = ConfigStore.open(state);
        StoreException e = assertThrows(StoreException.class, () -> store.create("-x", Configs.valid("a", 1)));
        assertEquals(StoreException.Kind.INVALID_NAME, e.kind());
        assertTrue(e.getMessage().contains("starts with '-'"), e.getMessage());
        assertEquals(List.of(), store.list());
        store.create("x-", Configs.valid("a", 1)); // a dash elsewhere is fine
    }

    @Test
    void aConfigOver256KiBIsRefusedSayingTheLimit() throws Exception {
        ConfigStore store = ConfigStore.open(state);
        String base = Configs.valid("big", 1);
        String big = base + "#".repeat(ConfigStore.MAX_CONFIG_BYTES - base.length() + 1);
        StoreException e = assertThrows(StoreException.class, () -> store.create("big", big));
        assertEquals(StoreException.Kind.INVALID_CONFIG, e.kind());
        assertEquals("big.conf is " + (ConfigStore.MAX_CONFIG_BYTES + 1) + " bytes, more than the limit of 262144 bytes (256 KiB)",
                e.getMessage());
        store.create("big", big.substring(0, big.length() - 1)); // exactly at the limit
        // Multi-byte characters count as bytes, not chars.
        String wide = base + "#" + "\u00e9".repeat((ConfigStore.MAX_CONFIG_BYTES - base.length()) / 2 + 1);
        assertEquals(StoreException.Kind.INVALID_CONFIG, assertThrows(StoreException.class, () -> store.save("wide", wide)).kind());
    }

    @Test
    void atMostAHundredProblemsAreReportedThenHowManyMore() throws Exception {
        ConfigStore store = ConfigStore.open(state);
        String text = Configs.valid("many", 1) + "AllowedIPs = " + ",".repeat(499) + "\n";
        StoreException e = assertThrows(StoreException.class, () -> store.create("many", text));
        assertEquals(ConfigStore.MAX_REPORTED_ERRORS + 1, e.details().size());
        assertEquals("… and 400 more", e.details().getLast());
        assertTrue(e.getMessage().startsWith("many.conf has 500 problems; the first: many.conf:"), e.getMessage());
    }
}
