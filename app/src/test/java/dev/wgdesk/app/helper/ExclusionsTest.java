package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.engine.platform.AppExclusion;
import dev.wgdesk.engine.platform.ClientIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may move which process outside the tunnels ({@link Exclusions}), against a fake
 * {@code /proc} and a fake OS group that records the moves.
 */
class ExclusionsTest {
    private static final ClientIdentity ALICE = ClientIdentity.posix(1000, 1000, "alice");
    private static final ClientIdentity BOB = ClientIdentity.posix(1001, 1001, "bob");
    private static final ClientIdentity ROOT = ClientIdentity.posix(0, 0, "root");
    private static final long HELPER = 4242;

    @TempDir
    Path proc;
    private final Map<Long, String> groups = new HashMap<>();
    private final List<String> moves = new ArrayList<>();
    private String unavailable;
    private Runnable duringMove = () -> { };
    private final HelperLog log = new HelperLog(null);
    private Exclusions exclusions;

    private final AppExclusion os = new AppExclusion() {
        @Override
        public String unavailable() {
            return unavailable;
        }

        @Override
        public String exclude(long pid) throws IOException {
            duringMove.run(); // between the helper's check and the move, as the real one reads the group just before
            String before = groupOf(pid);
            groups.put(pid, "/wgdesk-exclude");
            moves.add(pid + " -> /wgdesk-exclude");
            return before;
        }

        @Override
        public void restore(long pid, String group) {
            groups.put(pid, group);
            moves.add(pid + " -> " + group);
        }

        @Override
        public String groupOf(long pid) throws IOException {
            String g = groups.get(pid);
            if (g == null) {
                throw new IOException("no process " + pid);
            }
            return g;
        }

        @Override
        public boolean isExclusionGroup(String group) {
            return group.equals("/wgdesk-exclude");
        }

        @Override
        public List<Long> members() {
            return groups.entrySet().stream().filter(e -> isExclusionGroup(e.getValue())).map(Map.Entry::getKey).sorted().toList();
        }

        @Override
        public List<String> start() {
            return List.of();
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        exclusions = new Exclusions(os, proc, log, HELPER);
        process(500, "firefox", 1000, 1000, 111, 1);
        process(501, "sudo", 1000, 0, 112, 1);
        process(502, "thunderbird", 1001, 1001, 113, 1);
        process(503, "child", 1000, 1000, 114, 500);
        process(HELPER, "java", 0, 0, 5, 1);
    }

    /** Writes /proc/PID/status and /proc/PID/stat as the kernel does. */
    private void process(long pid, String name, int uid, int euid, long start, long parent) throws IOException {
        Path d = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(d.resolve("status"), "Name:\t" + name + "\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t" + pid
                + "\nUid:\t" + uid + "\t" + euid + "\t" + euid + "\t" + euid + "\nGid:\t100\t100\t100\t100\n");
        // comm may hold spaces and parentheses: the fields are counted after the last ')'
        Files.writeString(d.resolve("stat"), pid + " (" + name + " (x) y) S " + parent + " " + pid
                + " 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 " + start + " 1000 100 18446744073709551615\n");
        groups.put(pid, "/user.slice/user-" + uid + ".slice/app.scope");
    }

    private static ObjectNode pid(Object v) {
        ObjectNode p = IpcJson.object();
        if (v instanceof Long l) {
            p.put("pid", l);
        } else if (v instanceof String s) {
            p.put("pid", s);
        } else if (v instanceof Double d) {
            p.put("pid", d);
        }
        return p;
    }

    private static IpcException refused(ErrorCode code, org.junit.jupiter.api.function.Executable e) {
        IpcException x = assertThrows(IpcException.class, e);
        assertEquals(code, x.code(), x.getMessage());
        assertTrue(x.getMessage().contains("pid"), "names the field: " + x.getMessage());
        return x;
    }

    @Test
    void aMemberMovesItsOwnProcessAndBack() throws IpcException {
        JsonNode r = exclusions.exclude(500, ALICE);
        assertEquals(500, r.path("pid").asLong());
        assertEquals("firefox", r.path("name").asText());
        assertFalse(r.path("already").asBoolean());
        assertEquals(List.of("500 -> /wgdesk-exclude"), moves);
        assertTrue(exclusions.exclude(500, ALICE).path("already").asBoolean());
        assertEquals(1, moves.size(), "not moved twice");
        JsonNode list = exclusions.list();
        assertTrue(list.path("available").asBoolean());
        assertEquals("[{\"pid\":500,\"name\":\"firefox\",\"uid\":1000}]", list.path("processes").toString());

        exclusions.unexclude(500, ALICE);
        assertEquals("500 -> /user.slice/user-1000.slice/app.scope", moves.getLast(), "back where it came from");
        refused(ErrorCode.INVALID_STATE, () -> exclusions.unexclude(500, ALICE));
    }

    @Test
    void anotherUsersProcessIsRefusedAndNotMoved() {
        IpcException e = refused(ErrorCode.NOT_PERMITTED, () -> exclusions.exclude(502, ALICE));
        assertTrue(e.getMessage().contains("not yours") && e.getMessage().contains("1001"), e.getMessage());
        assertEquals(List.of(), moves);
    }

    @Test
    void aSetuidProgramTheUserStartedIsNotTheUsers() {
        IpcException e = refused(ErrorCode.NOT_PERMITTED, () -> exclusions.exclude(501, ALICE));
        assertTrue(e.getMessage().contains("effective 0"), e.getMessage());
        assertEquals(List.of(), moves);
    }

    @Test
    void rootMovesAnyProcessButNotTheHelper() throws IpcException {
        exclusions.exclude(502, ROOT);
        exclusions.exclude(501, ROOT);
        assertEquals(List.of("502 -> /wgdesk-exclude", "501 -> /wgdesk-exclude"), moves);
        refused(ErrorCode.NOT_PERMITTED, () -> exclusions.exclude(HELPER, ROOT));
    }

    @Test
    void onlyTheOwnerPutsItBack() throws IpcException {
        exclusions.exclude(502, BOB);
        refused(ErrorCode.NOT_PERMITTED, () -> exclusions.unexclude(502, ALICE));
        assertEquals(1, moves.size());
    }

    @Test
    void aMissingProcessIsNotFound() {
        IpcException e = refused(ErrorCode.NOT_FOUND, () -> exclusions.exclude(999, ROOT));
        assertEquals("pid: no process 999", e.getMessage());
    }

    @Test
    void aPidReusedDuringTheMoveIsPutBackAndRefused() throws IOException {
        // process 500 exits while being moved; bob's new process gets pid 500
        duringMove = () -> {
            try {
                process(500, "bobs-shell", 1001, 1001, 999, 1);
                groups.put(500L, "/user.slice/user-1001.slice/app.scope");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        IpcException e = refused(ErrorCode.NOT_PERMITTED, () -> exclusions.exclude(500, ALICE));
        assertTrue(e.getMessage().contains("reused"), e.getMessage());
        assertEquals(List.of("500 -> /wgdesk-exclude", "500 -> /user.slice/user-1001.slice/app.scope"), moves,
                "the process that took the pid went back to its own group");
    }

    @Test
    void badPidsAreRefusedNamingTheField() {
        for (Object bad : new Object[] {"500", 1L, 0L, -5L, 1.5, 4_194_305L, null}) {
            IpcException e = assertThrows(IpcException.class, () -> Exclusions.pidParam(pid(bad)), String.valueOf(bad));
            assertEquals(ErrorCode.BAD_REQUEST, e.code());
            assertTrue(e.getMessage().startsWith("parameter \"pid\""), e.getMessage());
        }
    }

    @Test
    void withoutSupportItSaysWhy() throws IpcException {
        unavailable = "no cgroup v2 hierarchy is mounted";
        IpcException e = assertThrows(IpcException.class, () -> exclusions.exclude(500, ALICE));
        assertEquals(ErrorCode.NOT_SUPPORTED, e.code());
        assertTrue(e.getMessage().contains("no cgroup v2 hierarchy is mounted"), e.getMessage());
        JsonNode list = exclusions.list();
        assertFalse(list.path("available").asBoolean());
        assertEquals("no cgroup v2 hierarchy is mounted", list.path("reason").asText());
    }

    @Test
    void afterAHelperRestartAProcessGoesBackToItsParentsGroup() throws IpcException {
        groups.put(503L, "/wgdesk-exclude"); // excluded by the previous helper
        exclusions.unexclude(503, ALICE);
        assertEquals(List.of("503 -> /user.slice/user-1000.slice/app.scope"), moves, "its parent 500's group");

        groups.put(503L, "/wgdesk-exclude");
        groups.put(500L, "/wgdesk-exclude");
        IpcException e = refused(ErrorCode.INVALID_STATE, () -> exclusions.unexclude(503, ALICE));
        assertTrue(e.getMessage().contains("not known"), e.getMessage());
    }
}
