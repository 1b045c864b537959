package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The membership check's logic on a fake Directory Services, and {@code struct group} read through
 * the real {@code getgrnam} of this machine's libc (same LP64 layout as Darwin's).
 */
class MacGroupsTest {
    /** The name of group 0 on this machine: root on Linux, wheel on macOS. */
    static final String GID0 = System.getProperty("os.name").startsWith("Mac OS X") ? "wheel" : "root";

    /** uid 501 is in group 20 ("staff"), nobody else is in anything. */
    static class FakeDs implements MacGroups.Membership {
        private final MacGroups.Membership real = Native.load("c", MacGroups.Membership.class);

        @Override
        public int mbr_uid_to_uuid(int uid, byte[] uuid) {
            if (uid == 999) {
                return 2; // ENOENT
            }
            Arrays.fill(uuid, (byte) 0);
            uuid[0] = 'u';
            uuid[15] = (byte) uid;
            return 0;
        }

        @Override
        public int mbr_gid_to_uuid(int gid, byte[] uuid) {
            Arrays.fill(uuid, (byte) 0);
            uuid[0] = 'g';
            uuid[15] = (byte) gid;
            return 0;
        }

        @Override
        public int mbr_check_membership(byte[] user, byte[] group, IntByReference isMember) {
            assertEquals(MacGroups.UUID_SIZE, user.length);
            assertEquals(MacGroups.UUID_SIZE, group.length);
            isMember.setValue(user[0] == 'u' && user[15] == (byte) 501 && group[0] == 'g' && group[15] == 20 ? 1 : 0);
            return 0;
        }

        @Override
        public Pointer getgrnam(String name) {
            return real.getgrnam(name); // this machine's group database
        }

        @Override
        public Pointer getpwuid(int uid) {
            return real.getpwuid(uid); // this machine's user database
        }
    }

    @Test
    void structGroupLayoutReadsRealEntries() throws IOException {
        MacGroups g = new MacGroups(new FakeDs());
        assertEquals(0, g.gid(GID0));
        assertEquals(-1, g.gid("no-such-group-wgdesk-test"));
        // a second entry, compared with /etc/group
        for (String line : Files.readAllLines(Path.of("/etc/group"))) {
            String[] f = line.split(":");
            if (f.length >= 3 && f[0].equals("daemon")) {
                assertEquals(Integer.parseInt(f[2]), g.gid("daemon"));
            }
        }
    }

    @Test
    void userNamesFromTheRealPasswdDatabase() {
        MacGroups g = new MacGroups(new FakeDs());
        assertEquals(java.util.Optional.of("root"), g.userName(0));
        assertEquals(java.util.Optional.empty(), g.userName(2_000_000_123));
    }

    @Test
    void membershipThroughUuids() throws IOException {
        MacGroups g = new MacGroups(new FakeDs());
        // GID0 has gid 0 here; the fake says only uid 501 is in gid 20
        assertFalse(g.isMember(501, GID0));
        IOException e = assertThrows(IOException.class, () -> g.isMember(501, "no-such-group-wgdesk-test"));
        assertTrue(e.getMessage().contains("dseditgroup"), e.getMessage());
        e = assertThrows(IOException.class, () -> g.isMember(999, GID0));
        assertTrue(e.getMessage().contains("uid 999"), e.getMessage());
    }

    @Test
    void membershipTrueWhenDirectoryServicesSaysSo() throws IOException {
        MacGroups g = new MacGroups(new FakeDs() {
            @Override
            public Pointer getgrnam(String name) {
                return super.getgrnam(GID0); // gid 0 ...
            }

            @Override
            public int mbr_gid_to_uuid(int gid, byte[] uuid) {
                return super.mbr_gid_to_uuid(20, uuid); // ... mapped to staff's UUID
            }
        });
        assertTrue(g.isMember(501, "staff"));
        assertFalse(g.isMember(502, "staff"));
    }

    @Test
    void noBindingIsVariadicOrUsesNativeLong() {
        for (Method m : MacGroups.Membership.class.getDeclaredMethods()) {
            assertFalse(m.isVarArgs(), m.toString());
            assertFalse(Arrays.asList(m.getParameterTypes()).contains(com.sun.jna.NativeLong.class), m.toString());
        }
        assertArrayEquals(new String[] {"gr_name", "gr_passwd", "gr_gid", "gr_mem"},
                MacGroups.Group.class.getAnnotation(com.sun.jna.Structure.FieldOrder.class).value());
    }
}
