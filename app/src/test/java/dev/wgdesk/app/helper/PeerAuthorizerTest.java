package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.IpcProtocol;
import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.UserDirectory;
import dev.wgdesk.engine.testing.Requirements;
import dev.wgdesk.platform.linux.helper.LinuxUserDirectory;
import dev.wgdesk.platform.linux.helper.Nss;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Decisions against this machine's real user database (NSS), by number; cases whose users are missing are skipped. */
class PeerAuthorizerTest {
    static final UserDirectory NSS = new LinuxUserDirectory();

    static Optional<String> decide(String group, int uid, int gid, String name) {
        return PeerAuthorizer.decide(group, NSS, ClientIdentity.posix(uid, gid, name));
    }

    @Test
    void rootIsAlwaysAllowedEvenWithoutTheGroup() {
        assertEquals(Optional.empty(), decide("no-such-group-x", 0, 0, "root"));
        assertEquals(Optional.empty(), new PeerAuthorizer("no-such-group-x", NSS).refuse(ClientIdentity.posix(0, 12345, "x")));
    }

    @Test
    void withoutTheGroupOnlyRootMay() {
        Optional<Nss.User> nobody = Nss.user("nobody");
        Requirements.require(nobody.isPresent(), "no user nobody");
        assertEquals(Optional.of("not authorised: only root may use the helper, because the group 'no-such-group-x'"
                        + " does not exist (an administrator can create it: groupadd no-such-group-x)"),
                decide("no-such-group-x", nobody.get().uid(), nobody.get().gid(), "nobody"));
    }

    @Test
    void primaryGroupMembersAreAllowedAndOthersRefusedWithAHint() {
        Optional<Nss.User> nobody = Nss.user("nobody");
        Requirements.require(nobody.isPresent() && Nss.groupId("nogroup").isPresent(), "no nobody/nogroup");
        int uid = nobody.get().uid();
        assertEquals(Optional.empty(), decide("nogroup", uid, Nss.groupId("nogroup").getAsInt(), "nobody"));
        Optional<String> refused = decide("root", uid, nobody.get().gid(), "nobody");
        assertEquals(Optional.of("not authorised: user nobody (uid " + uid + ") is neither root nor a member of the group 'root'"
                + " (an administrator can add you: usermod -aG root nobody, then log in again)"), refused);
    }

    @Test
    void theDisplayedNameIsNeverLookedUp() {
        // A peer whose name says "root" but whose uid is nobody's is nobody: only the number counts.
        Optional<Nss.User> nobody = Nss.user("nobody");
        Requirements.require(nobody.isPresent(), "no user nobody");
        assertTrue(new PeerAuthorizer("root", NSS).refuse(ClientIdentity.posix(nobody.get().uid(), nobody.get().gid(), "root"))
                .isPresent());
        // And an unknown uid (no passwd entry) is judged by its primary gid alone.
        int gid = Nss.groupId("root").orElseThrow();
        assertEquals(Optional.empty(), decide("root", 987_654, gid, "987654"));
        assertTrue(decide("root", 987_654, 987_654, "987654").isPresent());
    }

    @Test
    void answersAreCachedForAtMostTheMembershipWindow() {
        AtomicLong now = new AtomicLong(1_000_000);
        AtomicInteger asked = new AtomicInteger();
        boolean[] member = {true};
        PeerAuthorizer a = new PeerAuthorizer(now::get, p -> {
            asked.incrementAndGet();
            return member[0] ? Optional.empty() : Optional.of("removed");
        });
        ClientIdentity p = ClientIdentity.posix(1234, 1234, "alice");
        assertEquals(Optional.empty(), a.refuse(p));
        member[0] = false; // gpasswd -d alice wgdesk
        now.addAndGet(IpcProtocol.MEMBERSHIP_CACHE_MILLIS - 1);
        assertEquals(Optional.empty(), a.refuse(p));
        assertEquals(1, asked.get());
        now.addAndGet(1);
        assertEquals(Optional.of("removed"), a.refuse(p));
        assertEquals(2, asked.get());
        // another primary gid is another question, never answered from the cache
        member[0] = true;
        assertEquals(Optional.empty(), a.refuse(ClientIdentity.posix(1234, 99, "alice")));
        assertEquals(3, asked.get());
        // root is never asked about
        assertEquals(Optional.empty(), a.refuse(ClientIdentity.posix(0, 0, "root")));
        assertEquals(3, asked.get());
        assertTrue(IpcProtocol.MEMBERSHIP_CACHE_MILLIS <= 60_000);
    }
}
