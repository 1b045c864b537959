package dev.wgdesk.platform.linux.helper;

import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.UserDirectory;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@link UserDirectory} through the C library's NSS ({@link Nss}): the group's gid from
 * {@code getgrnam}, the client's supplementary groups from {@code getgrouplist} for the passwd
 * entry of its uid ({@code getpwuid}). Membership is decided by numbers; a name is never turned
 * back into a uid.
 */
public final class LinuxUserDirectory implements UserDirectory {
    @Override
    public boolean groupExists(String group) {
        return Nss.groupId(group).isPresent();
    }

    @Override
    public boolean isMember(ClientIdentity who, String group) {
        OptionalInt gid = Nss.groupId(group);
        if (gid.isEmpty()) {
            return false;
        }
        int uid;
        int primary;
        try {
            uid = Integer.parseInt(who.id());
            primary = Integer.parseInt(who.primaryGroup());
        } catch (NumberFormatException e) {
            return false; // not a POSIX identity
        }
        if (primary == gid.getAsInt()) {
            return true;
        }
        Optional<Nss.Passwd> entry = Nss.userById(uid);
        if (entry.isPresent()) {
            for (int g : Nss.groupsOf(entry.get().name(), entry.get().gid())) {
                if (g == gid.getAsInt()) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public Optional<String> nameOf(String id) {
        int uid;
        try {
            uid = Integer.parseInt(id);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return uid < 0 ? Optional.empty() : Nss.userById(uid).map(Nss.Passwd::name);
    }

    @Override
    public String howToAdd(String user, String group) {
        return "usermod -aG " + group + " " + user;
    }

    @Override
    public String howToCreate(String group) {
        return "groupadd " + group;
    }
}
