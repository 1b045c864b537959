package dev.wgdesk.platform.linux.helper;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.wgdesk.platform.linux.JnaFieldOrders;
import java.util.OptionalInt;

/**
 * User and group look-ups through the C library's NSS functions ({@code getpwnam}, {@code getpwuid},
 * {@code getgrnam}, {@code getgrouplist}), so LDAP or systemd-userdb users are seen as they are
 * by the rest of the system. Linux only. The non-reentrant functions are called under one lock.
 */
public final class Nss {
    private static final Object LOCK = new Object();
    private static final boolean AVAILABLE;

    static {
        boolean ok;
        try {
            JnaFieldOrders.seed(); // before JNA's first direct mapping
            Native.register(Nss.class, Platform.C_LIBRARY_NAME);
            ok = true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            ok = false;
        }
        AVAILABLE = ok;
    }

    private Nss() {}

    private static native Pointer getpwnam(String name);

    private static native Pointer getpwuid(int uid);

    private static native Pointer getgrnam(String name);

    private static native int getgrouplist(String user, int group, int[] groups, IntByReference ngroups);

    /** True when the C library could be bound. */
    public static boolean isAvailable() {
        return AVAILABLE;
    }

    /** A user's uid and primary gid. */
    public record User(int uid, int gid) {}

    /** The user of that name, if any. */
    public static java.util.Optional<User> user(String name) {
        if (!AVAILABLE) {
            return java.util.Optional.empty();
        }
        synchronized (LOCK) {
            Pointer pw = getpwnam(name);
            if (pw == null) {
                return java.util.Optional.empty();
            }
            // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }
            long off = 2L * Native.POINTER_SIZE;
            return java.util.Optional.of(new User(pw.getInt(off), pw.getInt(off + 4)));
        }
    }

    /** A passwd entry: name and primary gid of a uid. */
    public record Passwd(String name, int uid, int gid) {}

    /** The passwd entry of {@code uid}, if there is one ({@code getpwuid}). */
    public static java.util.Optional<Passwd> userById(int uid) {
        if (!AVAILABLE) {
            return java.util.Optional.empty();
        }
        synchronized (LOCK) {
            Pointer pw = getpwuid(uid);
            if (pw == null) {
                return java.util.Optional.empty();
            }
            Pointer name = pw.getPointer(0);
            long off = 2L * Native.POINTER_SIZE;
            int gotUid = pw.getInt(off);
            if (name == null || gotUid != uid) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new Passwd(name.getString(0), uid, pw.getInt(off + 4)));
        }
    }

    /** The gid of the group of that name, if it exists. */
    public static OptionalInt groupId(String name) {
        if (!AVAILABLE) {
            return OptionalInt.empty();
        }
        synchronized (LOCK) {
            Pointer gr = getgrnam(name);
            // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; char **gr_mem; }
            return gr == null ? OptionalInt.empty() : OptionalInt.of(gr.getInt(2L * Native.POINTER_SIZE));
        }
    }

    /** Every group {@code user} belongs to (its primary group {@code gid} included). */
    public static int[] groupsOf(String user, int gid) {
        if (!AVAILABLE) {
            return new int[] {gid};
        }
        synchronized (LOCK) {
            int[] groups = new int[64];
            for (int attempt = 0; attempt < 4; attempt++) {
                IntByReference n = new IntByReference(groups.length);
                int r = getgrouplist(user, gid, groups, n);
                if (r >= 0) {
                    return java.util.Arrays.copyOf(groups, n.getValue());
                }
                groups = new int[Math.max(n.getValue(), groups.length * 2)];
            }
            return new int[] {gid};
        }
    }
}
