package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.UnixSocketTransport;
import dev.wgdesk.platform.linux.helper.LinuxTunnelBackend;
import dev.wgdesk.platform.linux.helper.LinuxUserDirectory;
import dev.wgdesk.platform.linux.helper.SystemdServiceRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinuxHelperPlatformTest {
    @Test
    void registeredForServiceLoaderAndCurrentOnLinux() {
        List<HelperPlatform> linux = HelperPlatform.all().stream().filter(p -> p.os().equals("linux")).toList();
        assertEquals(1, linux.size(), "one Linux platform registered: " + HelperPlatform.all());
        assertInstanceOf(LinuxHelperPlatform.class, linux.getFirst());
        assertTrue(linux.getFirst().isCurrent(), "these tests run on Linux");
        assertInstanceOf(LinuxHelperPlatform.class, HelperPlatform.current().orElseThrow());
    }

    @Test
    void itsPartsAndPlaces() {
        LinuxHelperPlatform p = new LinuxHelperPlatform();
        assertEquals(Path.of("/var/lib/wgdesk"), p.stateDirectory());
        assertEquals(Path.of("/etc/wgdesk/helper.conf"), p.policyFile());
        assertEquals("wgdesk", p.defaultGroup());
        assertEquals("/run/wgdesk/helper.sock", p.ipcTransport().defaultAddress());
        assertInstanceOf(UnixSocketTransport.class, p.ipcTransport());
        assertInstanceOf(LinuxTunnelBackend.class, p.tunnelBackend());
        assertInstanceOf(LinuxUserDirectory.class, p.userDirectory());
        assertEquals("wgdesk-helper.service", p.serviceRegistration().serviceName());
    }

    @Test
    void thePackageRegistersTheService() {
        SystemdServiceRegistration s = new SystemdServiceRegistration();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> s.install(Path.of("/usr/bin/wgdesk")));
        assertTrue(e.getMessage().contains("package installs") && e.getMessage().contains("wgdesk-helper.service"),
                e.getMessage());
        assertThrows(UnsupportedOperationException.class, s::uninstall);
    }

    @Test
    void theUnitIsTypeSimpleSoRunNeedsNoReadinessNotification() throws Exception {
        // run() sends no sd_notify: if the unit becomes Type=notify, run() must learn to notify.
        Path unit = Path.of("../installers/src/linux/systemd/wgdesk-helper.service");
        assertTrue(Files.exists(unit), unit.toAbsolutePath().toString());
        List<String> types = Files.readAllLines(unit).stream().filter(l -> l.startsWith("Type=")).toList();
        assertEquals(List.of("Type=simple"), types);
        assertFalse(Files.readString(unit).contains("NotifyAccess"));
    }
}
