package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.IpcProtocol;
import dev.wgdesk.app.ipc.IpcServer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import dev.wgdesk.engine.testing.Requirements;
import org.junit.jupiter.api.Test;

/** Decisions against this machine's real user database (NSS), by number; cases whose users are missing are skipped. */
class PeerAuthorizerTest {
    @Test
    void rootIsAlwaysAllowedEvenWithoutTheGroup() {
        assertEquals(Optional.empty(), PeerAuthorizer.decide("no-such-group-x", 0, 0, "root"));
        assertEquals(Optional.empty(), new PeerAuthorizer("no-such-group-x").refuse(new IpcServer.Peer(0, 12345, "x")));
    }

    @Test
    void withoutTheGroupOnlyRootMay() {
        Optional<Nss.User> nobody = Nss.user("nobody");
        Requirements.require(nobody.isPresent(), "no user nobody");
        assertEquals(Optional.of("not authorised: only root may use the helper, because the group 'no-such-group-x'"
                        + " does not exist (an administrator can create it: groupadd no-such-group-x)"),
                PeerAuthorizer.decide("no-such-group-x", nobody.get().uid(), nobody.get().gid(), "nobody"));
    }

    @Test
    void primaryGroupMembersAreAllowedAndOthersRefusedWithAHint() {
        Optional<Nss.User> nobody = Nss.user("nobody");
        Requirements.require(nobody.isPresent() && Nss.groupId("nogroup").isPresent(), "no nobody/nogroup");
        int uid = nobody.get().uid();
        assertEquals(Optional.empty(), PeerAuthorizer.decide("nogroup", uid, Nss.groupId("nogroup").getAsInt(), "nobody"));
        Optional<String> refused = PeerAuthorizer.decide("root", uid, nobody.get().gid(), "nobody");
        assertEquals(Optional.of("not authorised: user nobody (uid " + uid + ") is neither root nor a member of the group 'root'"
                + " (an administrator can add you: usermod -aG root nobody, then log in again)"), refused);
    }

    @Test
    void theDisplayedNameIsNeverLookedUp() {
        // A peer whose name says "root" but whose uid is nobody's is nobody: only the number counts.
        Optional<Nss.User> nobody = Nss.user("nobody");
        Requirements.require(nobody.isPresent(), "no user nobody");
        assertTrue(new PeerAuthorizer("root").refuse(new IpcServer.Peer(nobody.get().uid(), nobody.get().gid(), "root"))
                .isPresent());
        // And an unknown uid (no passwd entry) is judged by its primary gid alone.
        int gid = Nss.groupId("root").orElseThrow();
        assertEquals(Optional.empty(), PeerAuthorizer.decide("root", 987_654, gid, "987654"));
        assertTrue(PeerAuthorizer.decide("root", 987_654, 987_654, "987654").isPresent());
    }

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
    void answersAreCachedForAtMostTheMembershipWindow() {
        AtomicLong now = new AtomicLong(1_000_000);
        AtomicInteger asked = new AtomicInteger();
        boolean[] member = {true};
        PeerAuthorizer a = new PeerAuthorizer(now::get, p -> {
            asked.incrementAndGet();
            return member[0] ? Optional.empty() : Optional.of("removed");
        });
        IpcServer.Peer p = new IpcServer.Peer(1234, 1234, "alice");
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
        assertEquals(Optional.empty(), a.refuse(new IpcServer.Peer(1234, 99, "alice")));
        assertEquals(3, asked.get());
        // root is never asked about
        assertEquals(Optional.empty(), a.refuse(new IpcServer.Peer(0, 0, "root")));
        assertEquals(3, asked.get());
        assertTrue(IpcProtocol.MEMBERSHIP_CACHE_MILLIS <= 60_000);
    }
}
