package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wgdesk.engine.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The permission and missing-driver errors, provoked for real. */
class TunPrivilegeTest {
    private final String name = Host.uniqueName("cap");

    @AfterEach
    void cleanUp() {
        if (Host.isRoot()) {
            Host.deleteLink(name);
        }
    }

    @Test
    void withoutCapNetAdminCreationIsPermissionDenied() throws Exception {
        Host.assumeTunAvailable();
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv missing: skipping");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Dropping CAP_NET_ADMIN from the bounding set takes it from root's effective set at exec.
        String out = Host.run("/usr/bin/setpriv", "--bounding-set=-net_admin", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                TunCreateProbe.class.getName(), name).strip();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        assertEquals("PERMISSION_DENIED|permission denied: creating a TUN device needs root or CAP_NET_ADMIN", last, out);
        assertFalse(Host.linkExists(name));
    }

    @Test
    void missingCloneDeviceIsDriverMissing() {
        Requirements.require(LibC.isAvailable(), "JNA could not bind libc: skipping");
        TunException e = assertThrows(TunException.class,
                () -> new LinuxTunProvider(1, false, "/nonexistent/net/tun").create("wg0", 1420));
        assertEquals(TunException.Reason.DRIVER_MISSING, e.reason());
        assertEquals("/nonexistent/net/tun missing (is the tun module loaded? try 'modprobe tun'): "
                + "errno 2 (No such file or directory)", e.getMessage());
    }
}
