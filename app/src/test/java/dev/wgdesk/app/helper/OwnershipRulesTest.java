package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.UserDirectory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Ownership}'s rules on their own, with POSIX and Windows identities and a directory in memory. */
class OwnershipRulesTest {
    static final ClientIdentity ROOT = ClientIdentity.posix(0, 0, "root");
    static final ClientIdentity ALICE = ClientIdentity.posix(1000, 1000, "alice");
    static final ClientIdentity BOB = ClientIdentity.posix(1001, 1001, "bob");
    static final ClientIdentity WIN_ADMIN = new ClientIdentity("S-1-5-21-9-9-9-500", "S-1-5-21-9-9-9-513", "Administrator", true);
    static final ClientIdentity WIN_ALICE = new ClientIdentity("S-1-5-21-9-9-9-1001", "S-1-5-21-9-9-9-513", "alice", false);

    /** Names from a map: nothing is looked up for real. */
    static final UserDirectory NAMES = new UserDirectory() {
        final Map<String, String> names = Map.of("1000", "alice", "S-1-5-21-9-9-9-1001", "alice");

        @Override
        public boolean groupExists(String group) {
            return false;
        }

        @Override
        public boolean isMember(ClientIdentity who, String group) {
            return false;
        }

        @Override
        public Optional<String> nameOf(String id) {
            return Optional.ofNullable(names.get(id));
        }

        @Override
        public String howToAdd(String user, String group) {
            return "add " + user;
        }

        @Override
        public String howToCreate(String group) {
            return "create " + group;
        }
    };

    final Ownership rules = new Ownership(NAMES);

    @Test
    void theOwnerAndAdministratorsManageOthersUseOnlyWhatIsShared() {
        StateStore.Meta alices = StateStore.Meta.createdBy(ALICE);
        assertTrue(Ownership.mayManage(alices, ALICE));
        assertTrue(Ownership.mayManage(alices, ROOT));
        assertTrue(Ownership.mayManage(alices, WIN_ADMIN), "any administrator");
        assertFalse(Ownership.mayManage(alices, BOB));
        assertFalse(Ownership.mayUse(alices, BOB));
        assertTrue(Ownership.mayUse(alices.withShared(true), BOB));
        assertFalse(Ownership.mayManage(alices.withShared(true), BOB), "sharing lets others use, not manage");
        StateStore.Meta winAlices = StateStore.Meta.createdBy(WIN_ALICE);
        assertTrue(Ownership.mayManage(winAlices, WIN_ALICE));
        assertFalse(Ownership.mayManage(winAlices, ALICE), "ids are compared whole, never by name");
    }

    @Test
    void refusalsNameTheOwner() throws IpcException {
        StateStore.Meta alices = StateStore.Meta.createdBy(ALICE);
        IpcException e = assertThrows(IpcException.class, () -> rules.requireManage("home", alices, BOB, "rename"));
        assertEquals(ErrorCode.NOT_PERMITTED, e.code());
        assertEquals("cannot rename home: it belongs to alice; only its owner and root may do that", e.getMessage());
        e = assertThrows(IpcException.class, () -> rules.requireUse("home", alices, BOB, "activate"));
        assertEquals("cannot activate home: it belongs to alice, who has not shared it (only its owner can: wgdesk share home on)",
                e.getMessage());
        rules.requireUse("home", alices.withShared(true), BOB, "activate");
        assertEquals(", which belongs to alice and is not shared, so you may not stop it", rules.overlapRefusal(alices, BOB));
        assertNull(rules.overlapRefusal(alices, ROOT));
        assertEquals("root", rules.userName(StateStore.Meta.ROOT));
        assertEquals("4242", rules.userName("4242"), "an id without a name is shown as itself");
    }

    @Test
    void describeAndIdLabels() {
        assertEquals("root", Ownership.describe(ROOT));
        assertEquals("alice (uid 1000)", Ownership.describe(ALICE));
        assertEquals("alice (S-1-5-21-9-9-9-1001)", Ownership.describe(WIN_ALICE));
        assertEquals("Administrator (S-1-5-21-9-9-9-500)", Ownership.describe(WIN_ADMIN));
    }

    @Test
    void aUserMayOwnAtMostTheLimitAdministratorsAnyNumber() {
        List<StateStore.Meta> owners = new ArrayList<>(Collections.nCopies(Ownership.MAX_TUNNELS_PER_USER - 1,
                StateStore.Meta.createdBy(ALICE)));
        owners.add(StateStore.Meta.createdBy(BOB));
        assertDoesNotThrow(() -> Ownership.requireRoomFor(owners, ALICE));
        owners.add(StateStore.Meta.createdBy(ALICE));
        IpcException e = assertThrows(IpcException.class, () -> Ownership.requireRoomFor(owners, ALICE));
        assertEquals(ErrorCode.LIMIT_REACHED, e.code());
        assertDoesNotThrow(() -> Ownership.requireRoomFor(owners, BOB));
        List<StateStore.Meta> roots = Collections.nCopies(100, StateStore.Meta.createdBy(ROOT));
        assertDoesNotThrow(() -> Ownership.requireRoomFor(roots, ROOT));
    }

    @Test
    void hooksRunOnlyFromWhatAnAdministratorWroteLast() {
        assertTrue(Ownership.hooksTrusted(StateStore.Meta.createdBy(ROOT)));
        assertTrue(Ownership.hooksTrusted(StateStore.Meta.createdBy(ALICE).withWriter(WIN_ADMIN)));
        assertFalse(Ownership.hooksTrusted(StateStore.Meta.createdBy(ROOT).withWriter(ALICE)));
        assertFalse(Ownership.hooksTrusted(StateStore.Meta.LEGACY));
        assertEquals("PreUp/PostUp/PreDown/PostDown stored but not run (2 command(s)): alice (uid 1000), not root,"
                + " imported or last edited this configuration. Hooks run as root, so they run only from configurations"
                + " root wrote; root can save it again to allow them", rules.hooksNotice("1000", 2));
        assertTrue(rules.hooksNotice(StateStore.Meta.UNKNOWN_WRITER, 1).contains("stored before wgdesk recorded who wrote it"));
    }
}
