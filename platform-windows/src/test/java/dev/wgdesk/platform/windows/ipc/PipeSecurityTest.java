package dev.wgdesk.platform.windows.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.platform.windows.ipc.TokenAuthorizer.Access;
import dev.wgdesk.platform.windows.ipc.TokenAuthorizer.Group;
import dev.wgdesk.platform.windows.ipc.TokenAuthorizer.Token;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pipe's SDDL and flags, and the token rules. */
class PipeSecurityTest {
    static final String USERS = "S-1-5-21-1004336348-1177238915-682003330-1013";
    static final String ALICE = "S-1-5-21-1004336348-1177238915-682003330-1001";
    static final int ENABLED = TokenAuthorizer.SE_GROUP_ENABLED | 0x3; // mandatory, enabled by default
    static final int DENY_ONLY = TokenAuthorizer.SE_GROUP_USE_FOR_DENY_ONLY;

    @Test
    void theDescriptorGrantsSystemAdministratorsAndTheAllowedGroupsButNoPipeCreation() {
        String sddl = PipeSecurity.sddl(List.of(USERS, PipeSecurity.NETWORK_CONFIGURATION_OPERATORS));
        assertEquals("O:SYD:P(D;;GA;;;NU)(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12019b;;;" + USERS + ")(A;;0x12019b;;;S-1-5-32-556)",
                sddl);
        assertEquals(0, PipeSecurity.USER_ACCESS & 0x4, "FILE_CREATE_PIPE_INSTANCE is not granted to users");
        assertEquals(0x2, PipeSecurity.USER_ACCESS & 0x2, "FILE_WRITE_DATA is");
        assertEquals(0x1, PipeSecurity.USER_ACCESS & 0x1, "FILE_READ_DATA is");
        assertThrows(IllegalArgumentException.class, () -> PipeSecurity.sddl(List.of("WD")));
        assertThrows(IllegalArgumentException.class, () -> PipeSecurity.sddl(List.of(USERS + ")(A;;GA;;;WD")));
        assertEquals("\\\\.\\pipe\\wgdesk-helper", PipeSecurity.PIPE_NAME);
        assertEquals(0x40080003, PipeSecurity.openMode(true));
        assertEquals(0x40000003, PipeSecurity.openMode(false));
        assertEquals(0x8, PipeSecurity.pipeMode());
    }

    static Token token(String user, boolean elevated, Group... groups) {
        return new Token(user, "alice", List.of(groups), elevated);
    }

    @Test
    void systemAndElevatedAdministratorsManage() {
        TokenAuthorizer a = new TokenAuthorizer(Optional.of(USERS));
        assertEquals(Access.MANAGE, a.decide(token(TokenAuthorizer.SYSTEM, true)).access());
        assertEquals(Access.MANAGE, a.decide(token(ALICE, true, new Group(TokenAuthorizer.ADMINISTRATORS, ENABLED))).access());
    }

    @Test
    void aFilteredAdministratorTokenDoesNotManage() {
        TokenAuthorizer a = new TokenAuthorizer(Optional.of(USERS));
        TokenAuthorizer.Decision d = a.decide(token(ALICE, false, new Group(TokenAuthorizer.ADMINISTRATORS, DENY_ONLY)));
        assertEquals(Access.NONE, d.access());
        assertTrue(d.reason().orElseThrow().contains("run it as administrator"), d.reason().toString());
        TokenAuthorizer.Decision u = a.decide(token(ALICE, false, new Group(TokenAuthorizer.ADMINISTRATORS, DENY_ONLY),
                new Group(USERS, ENABLED)));
        assertEquals(Access.USE, u.access());
        assertEquals(Access.NONE, a.decide(token(ALICE, true, new Group(TokenAuthorizer.ADMINISTRATORS, DENY_ONLY))).access(),
                "elevation without the enabled group is not enough");
    }

    @Test
    void membersOfTheUsersGroupOrNetworkConfigurationOperatorsUseTunnels() {
        TokenAuthorizer a = new TokenAuthorizer(Optional.of(USERS));
        assertEquals(new TokenAuthorizer.Decision(Access.USE, Optional.empty()),
                a.decide(token(ALICE, false, new Group(USERS, ENABLED))));
        assertEquals(Access.USE, a.decide(token(ALICE, false,
                new Group(PipeSecurity.NETWORK_CONFIGURATION_OPERATORS, ENABLED))).access());
        assertEquals(Access.NONE, a.decide(token(ALICE, false, new Group(USERS, DENY_ONLY))).access(), "deny-only");
        TokenAuthorizer noGroup = new TokenAuthorizer(Optional.empty());
        assertEquals(Access.NONE, noGroup.decide(token(ALICE, false, new Group(USERS, ENABLED))).access());
    }

    @Test
    void othersAndNetworkLogonsAreRefusedWithAnAnswer() {
        TokenAuthorizer a = new TokenAuthorizer(Optional.of(USERS));
        TokenAuthorizer.Decision d = a.decide(token(ALICE, false, new Group("S-1-5-32-545", ENABLED)));
        assertEquals(Access.NONE, d.access());
        assertTrue(d.reason().orElseThrow().contains("net localgroup wgdesk-users \"alice\" /add"), d.reason().toString());
        TokenAuthorizer.Decision n = a.decide(token(ALICE, true, new Group(TokenAuthorizer.ADMINISTRATORS, ENABLED),
                new Group(TokenAuthorizer.NETWORK, ENABLED)));
        assertEquals(Access.NONE, n.access());
        assertFalse(n.reason().isEmpty());
    }
}
