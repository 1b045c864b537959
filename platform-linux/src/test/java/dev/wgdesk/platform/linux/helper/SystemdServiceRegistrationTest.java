package dev.wgdesk.platform.linux.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.platform.ServiceRegistration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdServiceRegistrationTest {
    @TempDir
    Path dir;

    @Test
    void installedWhenAnyUnitDirectoryHasTheUnit() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        SystemdServiceRegistration s = new SystemdServiceRegistration(List.of(etc, lib));
        assertFalse(s.isInstalled());
        Files.writeString(lib.resolve(SystemdServiceRegistration.UNIT), "[Service]\n");
        assertTrue(s.isInstalled());
    }

    @Test
    void aBodyThatCannotStartFailsRunAndIsNotStopped() {
        AtomicInteger stops = new AtomicInteger();
        IOException cause = new IOException("socket in use");
        IOException e = assertThrows(IOException.class, () -> new SystemdServiceRegistration().run(new ServiceRegistration.Body() {
            @Override
            public void start() throws IOException {
                throw cause;
            }

            @Override
            public void stop() {
                stops.incrementAndGet();
            }
        }));
        assertSame(cause, e);
        assertEquals(0, stops.get());
    }
}
