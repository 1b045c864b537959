package dev.wgdesk.platform.linux.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.testing.Requirements;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Look-ups against this machine's real user database (NSS), by number. */
class LinuxUserDirectoryTest {
    final LinuxUserDirectory users = new LinuxUserDirectory();

    @Test
    void passwdByUidMatchesTheNamedEntry() {
        Optional<Nss.User> nobody = Nss.user("nobody");
        Requirements.require(nobody.isPresent(), "no user nobody");
        Nss.Passwd p = Nss.userById(nobody.get().uid()).orElseThrow();
        assertEquals("nobody", p.name());
        assertEquals(nobody.get().gid(), p.gid());
        assertEquals("root", Nss.userById(0).orElseThrow().name());
        assertTrue(Nss.userById(987_654).isEmpty());
    }

    @Test
    void namesOfIds() {
        assertEquals(Optional.of("root"), users.nameOf("0"));
        assertEquals(Optional.empty(), users.nameOf("987654"));
        assertEquals(Optional.empty(), users.nameOf("S-1-5-18"), "not a POSIX id");
        assertEquals(Optional.empty(), users.nameOf("-1"));
    }

    @Test
    void membershipByPrimaryGroupOrSupplementaryGroupsOfTheUidsEntry() {
        Optional<Nss.User> nobody = Nss.user("nobody");
        Requirements.require(nobody.isPresent() && Nss.groupId("nogroup").isPresent(), "no nobody/nogroup");
        int nogroup = Nss.groupId("nogroup").getAsInt();
        assertTrue(users.groupExists("root"));
        assertFalse(users.groupExists("no-such-group-wgx"));
        assertTrue(users.isMember(ClientIdentity.posix(nobody.get().uid(), nogroup, "nobody"), "nogroup"));
        assertFalse(users.isMember(ClientIdentity.posix(nobody.get().uid(), nobody.get().gid(), "nobody"), "root"));
        // root's own entry lists group root: found through getgrouplist even with another primary gid
        assertTrue(users.isMember(ClientIdentity.posix(0, 987_654, "root"), "root"));
        // the displayed name is never looked up: "root" by name but nobody's uid is not in group root
        assertFalse(users.isMember(ClientIdentity.posix(nobody.get().uid(), nobody.get().gid(), "root"), "root"));
        // an unknown uid (no passwd entry) is judged by its primary gid alone
        assertTrue(users.isMember(ClientIdentity.posix(987_654, Nss.groupId("root").getAsInt(), "987654"), "root"));
        assertFalse(users.isMember(ClientIdentity.posix(987_654, 987_654, "987654"), "root"));
        assertFalse(users.isMember(ClientIdentity.posix(0, 0, "root"), "no-such-group-wgx"), "no group, no members");
        assertFalse(users.isMember(new ClientIdentity("S-1-5-18", "S-1-5-18", "SYSTEM", true), "root"), "not a POSIX identity");
    }

    @Test
    void howToSaysTheLinuxCommands() {
        assertEquals("usermod -aG wgdesk alice", users.howToAdd("alice", "wgdesk"));
        assertEquals("groupadd wgdesk", users.howToCreate("wgdesk"));
    }
}
