package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.testing.Requirements;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Decisions against this machine's real user database (NSS); cases whose users are missing are skipped. */
class PeerAuthorizerTest {
    @Test
    void rootIsAlwaysAllowedEvenWithoutTheGroup() {
        assertEquals(Optional.empty(), new PeerAuthorizer("no-such-group-x").decide("root", "root"));
        assertEquals(Optional.empty(), new PeerAuthorizer("no-such-group-x").decide("0", "0"));
    }

    @Test
    void withoutTheGroupOnlyRootMay() {
        Requirements.require(Nss.user("nobody").isPresent(), "no user nobody");
        assertEquals(Optional.of("not authorised: only root may use the helper, because the group 'no-such-group-x'"
                        + " does not exist (an administrator can create it: groupadd no-such-group-x)"),
                new PeerAuthorizer("no-such-group-x").decide("nobody", "nogroup"));
    }

    @Test
    void primaryGroupMembersAreAllowedAndOthersRefusedWithAHint() {
        Requirements.require(Nss.user("nobody").isPresent() && Nss.groupId("nogroup").isPresent(), "no nobody/nogroup");
        assertEquals(Optional.empty(), new PeerAuthorizer("nogroup").decide("nobody", "nogroup"));
        Optional<String> refused = new PeerAuthorizer("root").decide("nobody", "nogroup");
        assertEquals(Optional.of("not authorised: user nobody is neither root nor a member of the group 'root'"
                + " (an administrator can add you: usermod -aG root nobody, then log in again)"), refused);
    }

    @Test
    void supplementaryMembershipIsFoundThroughNss() {
        // Debian images with PostgreSQL have postgres as a supplementary member of ssl-cert.
        Optional<Nss.User> pg = Nss.user("postgres");
        Requirements.require(pg.isPresent() && Nss.groupId("ssl-cert").isPresent(), "no postgres/ssl-cert");
        int[] groups = Nss.groupsOf("postgres", pg.get().gid());
        Requirements.require(java.util.Arrays.stream(groups).anyMatch(g -> g == Nss.groupId("ssl-cert").getAsInt()),
                "postgres is not in ssl-cert here");
        assertEquals(Optional.empty(), new PeerAuthorizer("ssl-cert").decide("postgres", "postgres"));
        assertTrue(new PeerAuthorizer("nogroup").decide("postgres", "postgres").isPresent());
    }
}
