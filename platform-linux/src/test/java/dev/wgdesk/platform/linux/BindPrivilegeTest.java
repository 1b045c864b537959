package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Without CAP_NET_ADMIN and CAP_NET_RAW: buffer sizes fall back to the capped options, SO_MARK fails clearly. */
class BindPrivilegeTest {
    @Test
    void unprivilegedBindFallsBackAndRefusesMark() throws Exception {
        Requirements.require(LibC.isAvailable() && Host.isRoot(), "needs root to drop a capability: skipping");
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv missing: skipping");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String out = Host.run("/usr/bin/setpriv", "--bounding-set=-net_admin,-net_raw", java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), BindPrivilegeProbe.class.getName());
        long rmemMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).get(0).strip());
        long wmemMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/wmem_max")).get(0).strip());
        long rcv = 2 * Math.min(rmemMax, Protocol.SOCKET_BUFFER_SIZE); // the kernel doubles what it grants
        long snd = 2 * Math.min(wmemMax, Protocol.SOCKET_BUFFER_SIZE);
        String expected = "rcvbuf=" + rcv + " sndbuf=" + snd;
        assertTrue(out.contains(expected), "expected " + expected + " in: " + out);
        String mark = out.substring(out.indexOf("mark=") + 5).strip();
        assertEquals("permission denied: setting SO_MARK needs root, CAP_NET_ADMIN or CAP_NET_RAW", mark, out);
    }
}
