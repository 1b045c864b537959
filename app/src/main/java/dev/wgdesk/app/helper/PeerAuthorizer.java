package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.IpcServer;
import java.util.Optional;
import java.util.OptionalInt;
import jdk.net.UnixDomainPrincipal;

/**
 * Who may use the helper: root, and members of the configured group (default {@code wgdesk}).
 * The peer is the user and primary group the kernel reports for the connecting process
 * ({@code SO_PEERCRED}); membership in the group as a supplementary group is looked up through
 * NSS ({@code getgrouplist}), because {@code SO_PEERCRED} does not carry supplementary groups.
 * When the group does not exist, only root is allowed. Thread-safe.
 */
public final class PeerAuthorizer implements IpcServer.Authorizer {
    private final String group;

    /** Authorises root and members of {@code group}. */
    public PeerAuthorizer(String group) {
        this.group = group;
    }

    @Override
    public Optional<String> refuse(UnixDomainPrincipal peer) {
        String user = peer.user().getName();
        String primaryGroup = peer.group().getName();
        return decide(user, primaryGroup);
    }

    /** The decision for a user name (or numeric uid) and primary group name (or gid). */
    Optional<String> decide(String user, String primaryGroup) {
        Optional<Nss.User> entry = Nss.user(user);
        int uid = entry.map(Nss.User::uid).orElseGet(() -> user.equals("root") ? 0 : parseId(user));
        if (uid == 0) {
            return Optional.empty();
        }
        OptionalInt gid = Nss.groupId(group);
        if (gid.isEmpty()) {
            return Optional.of("not authorised: only root may use the helper, because the group '" + group
                    + "' does not exist (an administrator can create it: groupadd " + group + ")");
        }
        if (primaryGroup.equals(group) || parseId(primaryGroup) == gid.getAsInt()) {
            return Optional.empty();
        }
        if (entry.isPresent()) {
            for (int g : Nss.groupsOf(user, entry.get().gid())) {
                if (g == gid.getAsInt()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of("not authorised: user " + user + " is neither root nor a member of the group '" + group
                + "' (an administrator can add you: usermod -aG " + group + " " + user + ", then log in again)");
    }

    private static int parseId(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
