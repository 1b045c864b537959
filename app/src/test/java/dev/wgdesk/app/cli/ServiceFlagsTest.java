package dev.wgdesk.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.IpcTransport;
import dev.wgdesk.engine.platform.ServiceRegistration;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UserDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code --install-service} / {@code --uninstall-service}: delegated to the platform's service registration. */
class ServiceFlagsTest {
    final List<String> calls = new ArrayList<>();
    boolean fail;

    final ServiceRegistration reg = new ServiceRegistration() {
        @Override
        public String serviceName() {
            return "wgdesk-helper";
        }

        @Override
        public void install(Path executable) throws IOException {
            if (fail) {
                throw new IOException("OpenSCManager (Win32 error 5)");
            }
            calls.add("install " + executable);
        }

        @Override
        public void uninstall() {
            calls.add("uninstall");
        }

        @Override
        public boolean isInstalled() {
            return false;
        }

        @Override
        public void run(Body body) {
            throw new UnsupportedOperationException();
        }
    };

    final HelperPlatform platform = new HelperPlatform() {
        public String os() { return "test"; }
        public boolean isCurrent() { return true; }
        public Path stateDirectory() { return Path.of("/nonexistent"); }
        public Path policyFile() { return Path.of("/nonexistent/helper.conf"); }
        public String defaultGroup() { return "wgdesk"; }
        public TunnelBackend tunnelBackend() { throw new UnsupportedOperationException(); }
        public IpcTransport ipcTransport() { throw new UnsupportedOperationException(); }
        public UserDirectory userDirectory() { throw new UnsupportedOperationException(); }
        public ServiceRegistration serviceRegistration() { return reg; }
    };

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Optional<HelperPlatform> p, String... args) {
        return ServiceFlags.run(List.of(args), p, Path.of("C:\\Program Files\\wgdesk\\wgdesk-helper.exe"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void installAndUninstallDelegate() {
        assertTrue(ServiceFlags.matches(List.of("--install-service")));
        assertTrue(ServiceFlags.matches(List.of("--uninstall-service")));
        assertFalse(ServiceFlags.matches(List.of("--install-service", "x")));
        assertFalse(ServiceFlags.matches(List.of("list")));
        assertEquals(0, run(Optional.of(platform), "--install-service"));
        assertEquals(0, run(Optional.of(platform), "--uninstall-service"));
        assertEquals(List.of("install C:\\Program Files\\wgdesk\\wgdesk-helper.exe", "uninstall"), calls);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("installed and started the service wgdesk-helper"));
    }

    @Test
    void failuresSayWhy() {
        fail = true;
        assertEquals(1, run(Optional.of(platform), "--install-service"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--install-service failed: OpenSCManager (Win32 error 5)"));
        assertEquals(2, run(Optional.empty(), "--install-service"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no helper platform"));
        assertEquals(2, run(Optional.of(platform), "--bogus"));
    }
}
