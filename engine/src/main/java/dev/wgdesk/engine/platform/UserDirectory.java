package dev.wgdesk.engine.platform;

import java.util.Optional;

/**
 * User and group look-ups the helper's authorisation needs, by the OS's own identities
 * ({@link ClientIdentity#id()}): NSS on Linux ({@code getgrnam}, {@code getgrouplist}), the
 * directory service on macOS ({@code getgrouplist}/{@code mbr_check_membership}), the local
 * security authority on Windows ({@code LookupAccountName}, the client token's groups).
 * Implementations never turn a name back into an id to decide anything.
 */
public interface UserDirectory {
    /**
     * Whether the group exists on this machine.
     *
     * @param group a group name ({@code wgdesk}, {@code wgdesk-users})
     */
    boolean groupExists(String group);

    /**
     * Whether {@code who} is a member of {@code group}, as of now.
     *
     * @return false also when the group does not exist
     */
    boolean isMember(ClientIdentity who, String group);

    /** The account name of an id, for messages; empty when it has none. */
    Optional<String> nameOf(String id);

    /**
     * How an administrator adds {@code user} to {@code group} on this OS, for refusal messages: the
     * command alone (callers add that the user must log in again)
     * ({@code usermod -aG wgdesk alice}, {@code dseditgroup -o edit -a alice -t user wgdesk},
     * {@code net localgroup wgdesk-users alice /add}).
     */
    String howToAdd(String user, String group);

    /** How an administrator creates {@code group} on this OS, for refusal messages. */
    String howToCreate(String group);
}
