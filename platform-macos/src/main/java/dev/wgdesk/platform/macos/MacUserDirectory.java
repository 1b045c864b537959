package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.UserDirectory;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link UserDirectory} on macOS: the group's gid from {@code getgrnam}, membership from Directory
 * Services ({@code mbr_check_membership} through {@link MacGroups}: nested groups and network
 * accounts included, which a {@code getgrouplist} walk can miss), names from {@code getpwuid}. A
 * client whose primary gid is the group's is a member without asking Directory Services. Refusal
 * messages name {@code dseditgroup}, macOS's tool for local groups.
 *
 * <p>libSystem is loaded on first use, never when the object is made, so the helper's platform
 * list can be built on any OS. Never run on a Mac yet.
 */
public final class MacUserDirectory implements UserDirectory {
    private final Supplier<MacGroups> groupsSupplier;
    private MacGroups groups;

    /** Through libSystem, loaded on first use. */
    public MacUserDirectory() {
        this(MacGroups::new);
    }

    /** With another native layer (tests: a fake Directory Services). */
    MacUserDirectory(Supplier<MacGroups> groups) {
        this.groupsSupplier = Objects.requireNonNull(groups, "groups");
    }

    private synchronized MacGroups groups() {
        if (groups == null) {
            groups = groupsSupplier.get();
        }
        return groups;
    }

    @Override
    public boolean groupExists(String group) {
        return groups().gid(group) >= 0;
    }

    @Override
    public boolean isMember(ClientIdentity who, String group) {
        int gid = groups().gid(group);
        if (gid < 0) {
            return false;
        }
        if (who.primaryGroup().equals(Integer.toString(gid))) {
            return true;
        }
        int uid;
        try {
            uid = Integer.parseInt(who.id());
        } catch (NumberFormatException e) {
            return false; // not a POSIX identity: not ours to vouch for
        }
        try {
            return groups().isMember(uid, group);
        } catch (IOException e) {
            return false; // no UUID for the user, or Directory Services cannot answer: not a member
        }
    }

    @Override
    public Optional<String> nameOf(String id) {
        try {
            return groups().userName(Integer.parseInt(id));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String howToAdd(String user, String group) {
        return "sudo dseditgroup -o edit -a " + user + " -t user " + group;
    }

    @Override
    public String howToCreate(String group) {
        return "sudo dseditgroup -o create " + group;
    }
}
