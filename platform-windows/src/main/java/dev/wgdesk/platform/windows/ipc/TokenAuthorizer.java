package dev.wgdesk.platform.windows.ipc;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what with the helper, decided from the connecting client's token (read by
 * impersonating it: {@code ImpersonateNamedPipeClient}, {@code OpenThreadToken},
 * {@code GetTokenInformation} for TokenUser, TokenGroups and TokenElevation). The same trust model
 * as on Linux, where root manages and members of the helper's group use tunnels:
 * <ul>
 *   <li>SYSTEM, and Administrators with an elevated token, manage;</li>
 *   <li>members of the local {@code wgdesk-users} group and of Network Configuration Operators use
 *       tunnels;</li>
 *   <li>everyone else, and any network logon, is refused with a message that says what to do.</li>
 * </ul>
 * A group counts only if it is enabled in the token: an administrator's filtered (non-elevated)
 * token carries Administrators as deny-only, so it does not manage until elevated. Pure;
 * thread-safe.
 */
public final class TokenAuthorizer {
    public static final String SYSTEM = "S-1-5-18";
    public static final String ADMINISTRATORS = "S-1-5-32-544";
    public static final String NETWORK = "S-1-5-2";
    /** {@code SE_GROUP_ENABLED}. */
    public static final int SE_GROUP_ENABLED = 0x00000004;
    /** {@code SE_GROUP_USE_FOR_DENY_ONLY}. */
    public static final int SE_GROUP_USE_FOR_DENY_ONLY = 0x00000010;

    /** What a client may do. */
    public enum Access {
        /** Nothing: the connection is refused. */
        NONE,
        /** List, bring up and down the tunnels it is allowed to. */
        USE,
        /** Everything, including adding and removing tunnels and settings. */
        MANAGE
    }

    /** A token group: its SID and attributes ({@code SID_AND_ATTRIBUTES}). */
    public record Group(String sid, int attributes) {
        boolean enabled() {
            return (attributes & SE_GROUP_ENABLED) != 0 && (attributes & SE_GROUP_USE_FOR_DENY_ONLY) == 0;
        }
    }

    /** What the token says: the user's SID and name, its groups, whether it is elevated. */
    public record Token(String userSid, String userName, List<Group> groups, boolean elevated) {
        public Token {
            groups = List.copyOf(groups);
        }
    }

    /** The decision: the access, and for {@link Access#NONE} or a limited access, why. */
    public record Decision(Access access, Optional<String> reason) {}

    private final Set<String> userGroupSids;

    /**
     * @param usersGroupSid the SID of the local {@code wgdesk-users} group, or empty if it does not
     *     exist (then only Network Configuration Operators use tunnels besides the administrators)
     */
    public TokenAuthorizer(Optional<String> usersGroupSid) {
        this.userGroupSids = usersGroupSid.isPresent()
                ? Set.of(usersGroupSid.get(), PipeSecurity.NETWORK_CONFIGURATION_OPERATORS)
                : Set.of(PipeSecurity.NETWORK_CONFIGURATION_OPERATORS);
    }

    /** The decision for {@code token}. */
    public Decision decide(Token token) {
        boolean network = token.groups().stream().anyMatch(g -> g.sid().equals(NETWORK) && g.enabled());
        if (network) {
            return new Decision(Access.NONE, Optional.of("not authorised: " + token.userName()
                    + " is connected over the network; the helper serves only this computer's users"));
        }
        if (token.userSid().equals(SYSTEM)) {
            return new Decision(Access.MANAGE, Optional.empty());
        }
        boolean admin = token.groups().stream().anyMatch(g -> g.sid().equals(ADMINISTRATORS) && g.enabled());
        if (admin && token.elevated()) {
            return new Decision(Access.MANAGE, Optional.empty());
        }
        boolean filteredAdmin = token.groups().stream().anyMatch(g -> g.sid().equals(ADMINISTRATORS));
        boolean user = token.groups().stream().anyMatch(g -> g.enabled() && userGroupSids.contains(g.sid()));
        if (user) {
            return new Decision(Access.USE, filteredAdmin
                    ? Optional.of("run wgdesk as administrator to add, edit or remove tunnels")
                    : Optional.empty());
        }
        if (filteredAdmin) {
            return new Decision(Access.NONE, Optional.of("not authorised: " + token.userName()
                    + " is an administrator but wgdesk is not running elevated; run it as administrator,"
                    + " or add yourself to the local group " + PipeSecurity.USERS_GROUP));
        }
        return new Decision(Access.NONE, Optional.of("not authorised: " + token.userName()
                + " is neither an administrator nor a member of the local group " + PipeSecurity.USERS_GROUP
                + " (an administrator can add you: net localgroup " + PipeSecurity.USERS_GROUP + " \""
                + token.userName() + "\" /add, then sign out and in again)"));
    }
}
