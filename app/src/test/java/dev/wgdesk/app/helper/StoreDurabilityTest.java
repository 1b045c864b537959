package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgdesk.app.ipc.IpcJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every write path of the store survives {@code kill -9} at a random moment: a child JVM writes in
 * a loop ({@link StoreTorture}) and is killed; then every stored file must be exactly one of the
 * texts written (so it parses), and the store must open cleanly.
 *
 * <p>{@code kill -9} loses nothing the process handed to the kernel, so this proves the
 * write protocol (temp file, rename) never exposes a partial file; surviving power loss also
 * needs the fsyncs, which this test cannot observe.
 */
@Timeout(300)
class StoreDurabilityTest {
    private static final int KILLS = Integer.getInteger("wgdesk.durability.kills", 10);
    static final List<List<String>> UNDO_A = java.util.stream.IntStream.range(0, 2000)
            .mapToObj(i -> List.of("ip", "-4", "rule", "del", "table", "a" + i)).toList();
    static final List<List<String>> UNDO_B = java.util.stream.IntStream.range(0, 1500)
            .mapToObj(i -> List.of("resolvectl", "revert", "b" + i)).toList();

    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"save", "create", "rename", "delete", "state", "journal"})
    void killedMidWriteLeavesOldOrNew(String mode) throws Exception {
        Path stateDir = root.resolve("state");
        String a = Configs.valid("version A", 300);
        String b = Configs.valid("version B", 250);
        Files.writeString(root.resolve("a.txt"), a);
        Files.writeString(root.resolve("b.txt"), b);
        if (mode.equals("rename")) {
            ConfigStore.open(stateDir).save("ra", a);
        }
        Random random = new Random(mode.hashCode());
        for (int round = 0; round < KILLS; round++) {
            runAndKill(mode, stateDir, 30 + random.nextInt(400));
            check(mode, stateDir, a, b);
        }
    }

    private static void runAndKill(String mode, Path stateDir, int millis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), StoreTorture.class.getName(), mode, stateDir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("ready", line, "the child did not start");
            Thread.sleep(millis);
            assertTrue(p.isAlive(), "the child died by itself");
        } finally {
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
    }

    private static void check(String mode, Path stateDir, String a, String b) throws Exception {
        ConfigStore store = ConfigStore.open(stateDir);
        assertEquals(List.of(), temporaryFiles(store.directory()), "open() removes leftovers");
        assertEquals(List.of(), temporaryFiles(stateDir), "open() removes leftovers");
        switch (mode) {
            case "save" -> {
                String t = store.read("t");
                assertTrue(t.equals(a) || t.equals(b), "t.conf is neither old nor new");
                store.load("t").destroy();
            }
            case "create" -> {
                assertFalse(store.list().isEmpty());
                for (String name : store.list()) {
                    assertEquals(a, store.read(name), name);
                }
            }
            case "rename" -> {
                assertTrue(store.exists("ra") ^ store.exists("rb"), "exactly one of ra, rb");
                assertEquals(a, store.read(store.exists("ra") ? "ra" : "rb"));
            }
            case "delete" -> {
                if (store.exists("d")) {
                    assertEquals(a, store.read("d"));
                }
                assertTrue(store.list().equals(List.of()) || store.list().equals(List.of("d")));
            }
            case "state" -> {
                JsonNode json = IpcJson.mapper().readTree(Files.readAllBytes(stateDir.resolve(StateStore.FILE)));
                assertEquals(2, json.path("version").asInt());
                StateStore s = StateStore.open(stateDir);
                assertFalse(Files.exists(stateDir.resolve(StateStore.FILE + ".bad")));
                assertTrue(Set.of("x0", "x1", "x2").containsAll(s.active()));
            }
            case "journal" -> {
                RuntimeJournal journal = RuntimeJournal.open(stateDir);
                assertEquals(List.of(), temporaryFiles(stateDir.resolve(RuntimeJournal.DIR)), "open() removes leftovers");
                List<List<String>> undo = journal.all().get("j");
                assertTrue(UNDO_A.equals(undo) || UNDO_B.equals(undo), "the journal is neither old nor new");
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    private static List<String> temporaryFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(AtomicFiles.TEMP_SUFFIX)).toList();
        }
    }

    @Test
    void writtenFilesArePrivate() throws Exception {
        Path f = root.resolve("x.conf");
        AtomicFiles.write(f, "secret".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
}
