package dev.wgdesk.platform.macos;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;

/**
 * Group membership on macOS for the helper's authorisation: is the connecting user (uid from
 * {@code SO_PEERCRED}, which the JDK implements with {@code getpeereid()} on macOS) a member of
 * the group {@code wgdesk}? Asked through Directory Services with {@code mbr_check_membership},
 * which also sees nested groups and network accounts; Apple's initgroups(3) warns that
 * {@code getgroups}-style lists can be partial. Used by the helper through
 * {@link MacUserDirectory}; never run on a Mac yet.
 */
public final class MacGroups {
    /** libSystem's membership and group-database calls. None is variadic. */
    interface Membership extends Library {
        /** {@code int mbr_uid_to_uuid(uid_t, uuid_t)}: 0 or an errno. */
        int mbr_uid_to_uuid(int uid, byte[] uuid);

        /** {@code int mbr_gid_to_uuid(gid_t, uuid_t)}: 0 or an errno. */
        int mbr_gid_to_uuid(int gid, byte[] uuid);

        /** {@code int mbr_check_membership(const uuid_t user, const uuid_t group, int *ismember)}. */
        int mbr_check_membership(byte[] user, byte[] group, IntByReference isMember);

        /** {@code struct group *getgrnam(const char *)}: null if there is no such group. */
        Pointer getgrnam(String name);

        /**
         * {@code struct passwd *getpwuid(uid_t)}: null if there is no such user. Only
         * {@code pw_name}, the first member on Darwin as on glibc, is read.
         */
        Pointer getpwuid(int uid);
    }

    /**
     * {@code struct group} as Darwin (LP64) lays it out: {@code char *gr_name; char *gr_passwd;
     * gid_t gr_gid; char **gr_mem;}, the same order and types as glibc's, so a test reads real
     * entries through it on Linux.
     */
    @Structure.FieldOrder({"gr_name", "gr_passwd", "gr_gid", "gr_mem"})
    public static final class Group extends Structure {
        public String gr_name;
        public Pointer gr_passwd;
        public int gr_gid;
        public Pointer gr_mem;

        public Group(Pointer p) {
            super(p);
            read();
        }
    }

    static final int UUID_SIZE = 16;

    private final Membership lib;

    /** Through libSystem (macOS only). */
    public MacGroups() {
        this(Native.load("c", Membership.class));
    }

    MacGroups(Membership lib) {
        this.lib = lib;
    }

    /** The group's gid, or -1 if there is no such group. */
    public int gid(String group) {
        Pointer p = lib.getgrnam(group);
        return p == null ? -1 : new Group(p).gr_gid;
    }

    /** The account name of {@code uid}, if it has one. */
    public java.util.Optional<String> userName(int uid) {
        Pointer p = lib.getpwuid(uid);
        if (p == null) {
            return java.util.Optional.empty();
        }
        Pointer name = p.getPointer(0); // char *pw_name
        return name == null ? java.util.Optional.empty() : java.util.Optional.of(name.getString(0));
    }

    /**
     * Whether user {@code uid} belongs to {@code group}.
     *
     * @throws IOException if the group does not exist or Directory Services cannot answer
     */
    public boolean isMember(int uid, String group) throws IOException {
        int gid = gid(group);
        if (gid < 0) {
            throw new IOException("there is no group " + group + " (the installer creates it: sudo dseditgroup -o create "
                    + group + ")");
        }
        byte[] u = new byte[UUID_SIZE];
        byte[] g = new byte[UUID_SIZE];
        int e = lib.mbr_uid_to_uuid(uid, u);
        if (e != 0) {
            throw new IOException("Directory Services has no UUID for uid " + uid + ": errno " + e);
        }
        e = lib.mbr_gid_to_uuid(gid, g);
        if (e != 0) {
            throw new IOException("Directory Services has no UUID for group " + group + ": errno " + e);
        }
        IntByReference member = new IntByReference();
        e = lib.mbr_check_membership(u, g, member);
        if (e != 0) {
            throw new IOException("cannot check membership of uid " + uid + " in " + group + ": errno " + e);
        }
        return member.getValue() != 0;
    }
}
