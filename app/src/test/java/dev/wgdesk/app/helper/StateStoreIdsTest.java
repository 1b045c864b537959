package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.engine.platform.ClientIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owners and writers as client ids: state files written when they were uids read as the same ids. */
class StateStoreIdsTest {
    @TempDir
    Path dir;

    static final String SID = "S-1-5-21-1004336348-1177238915-682003330-1001";

    private JsonNode file() throws Exception {
        return IpcJson.mapper().readTree(Files.readAllBytes(dir.resolve(StateStore.FILE)));
    }

    @Test
    void aVersion2FileWithNumericUidsReadsAsTheSameIdsAndIsWrittenBackAsNumbers() throws Exception {
        Files.writeString(dir.resolve(StateStore.FILE), """
                {"version":2,"active":["home"],"autostart":[],
                 "tunnels":{"home":{"owner":1000,"shared":false,"writer":1000},
                            "old":{"owner":0,"shared":true,"writer":-1},
                            "byroot":{"owner":1000,"shared":true,"writer":0}}}
                """);
        StateStore s = StateStore.open(dir);
        assertEquals(new StateStore.Meta("1000", false, "1000"), s.meta("home"));
        assertEquals(StateStore.Meta.LEGACY, s.meta("old"));
        assertEquals(StateStore.Meta.UNKNOWN_WRITER, s.meta("old").writer());
        assertTrue(s.meta("byroot").writtenByRoot());
        assertFalse(s.meta("home").writtenByRoot());

        s.setAutostart("home", true); // any change rewrites the whole file
        JsonNode t = file().path("tunnels");
        assertTrue(t.path("home").path("owner").isInt(), "a uid stays a JSON number: " + t);
        assertEquals(1000, t.path("home").path("owner").intValue());
        assertEquals(1000, t.path("home").path("writer").intValue());
        assertEquals(0, t.path("old").path("owner").intValue());
        assertEquals(-1, t.path("old").path("writer").intValue());
        assertEquals(0, t.path("byroot").path("writer").intValue());
        assertEquals(StateStore.open(dir).meta("home"), s.meta("home"), "reads back the same");
    }

    @Test
    void aSidOwnerIsStoredAsAStringAndReadBack() throws Exception {
        StateStore s = StateStore.open(dir);
        ClientIdentity alice = new ClientIdentity(SID, "S-1-5-21-1004336348-1177238915-682003330-513", "alice", false);
        s.setMeta("w", StateStore.Meta.createdBy(alice));
        assertEquals(SID, file().path("tunnels").path("w").path("owner").textValue());
        assertEquals(SID, file().path("tunnels").path("w").path("writer").textValue());
        assertEquals(new StateStore.Meta(SID, false, SID), StateStore.open(dir).meta("w"));
    }

    @Test
    void anAdministratorIsRecordedAsRootsWriterButKeepsItsOwnOwnerId() throws Exception {
        ClientIdentity admin = new ClientIdentity("S-1-5-21-1-2-3-500", "S-1-5-32-544", "Administrator", true);
        StateStore.Meta m = StateStore.Meta.createdBy(admin);
        assertEquals("S-1-5-21-1-2-3-500", m.owner());
        assertTrue(m.writtenByRoot(), "hooks trust the writer's administrator status, not its id");
        StateStore.Meta byAlice = m.withWriter(ClientIdentity.posix(1000, 1000, "alice"));
        assertEquals("1000", byAlice.writer());
        assertFalse(byAlice.writtenByRoot());
        assertEquals(StateStore.Meta.ROOT, StateStore.Meta.createdBy(ClientIdentity.posix(0, 0, "root")).writer());
    }

    @Test
    void invalidOwnersAreIgnoredAsBefore() throws Exception {
        Files.writeString(dir.resolve(StateStore.FILE), """
                {"version":2,"tunnels":{"neg":{"owner":-5},"empty":{"owner":""},"obj":{"owner":{}},
                 "big":{"owner":99999999999},"ok":{"owner":"7","writer":"x"}}}
                """);
        StateStore s = StateStore.open(dir);
        assertFalse(s.hasMeta("neg"));
        assertFalse(s.hasMeta("empty"));
        assertFalse(s.hasMeta("obj"));
        assertFalse(s.hasMeta("big"));
        assertEquals(new StateStore.Meta("7", false, "x"), s.meta("ok"));
    }
}
