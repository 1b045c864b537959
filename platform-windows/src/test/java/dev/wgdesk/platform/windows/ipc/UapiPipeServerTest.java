package dev.wgdesk.platform.windows.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.platform.UapiServer;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link UapiPipeServer}'s real accept and serve loops on {@link FakePipeNative}: the pipe name and
 * security descriptor wg.exe expects, and requests and answers as wg.exe sends and reads them.
 * Not run on Windows.
 */
@Timeout(20)
class UapiPipeServerTest {
    static final String PIPE = "\\\\.\\pipe\\ProtectedPrefix\\Administrators\\WireGuard\\office";

    final FakePipeNative fake = new FakePipeNative();
    final UapiPipeServer server = new UapiPipeServer(() -> fake);
    Device device;

    @BeforeEach
    void setUp() throws Exception {
        device = new Device(new MemoryTun("office"), new MemoryBind(new MemoryBind.Network()), Clock.system(), 0);
        device.setListenPort(51821);
    }

    @AfterEach
    void tearDown() {
        device.close();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Connects as wg.exe does, sends {@code request}, reads the answer up to the blank line, closes. */
    String request(String request) throws Exception {
        await(() -> fake.listening(PIPE) > 0, "a listening instance of " + PIPE);
        try (FakePipeNative.Client c = fake.open(PIPE, null)) {
            c.write(request);
            StringBuilder sb = new StringBuilder();
            while (!sb.toString().endsWith("\n\n")) {
                String s = c.read(1);
                if (s.isEmpty()) {
                    break;
                }
                sb.append(s);
            }
            return sb.toString();
        }
    }

    @Test
    void servesGetAndSetOnWireGuardsPipeWithItsSecurityDescriptor() throws Exception {
        UapiServer.Endpoint e = server.serve("office", new DeviceUapiTarget(device));
        assertEquals(PIPE, e.address());
        assertEquals(PIPE, UapiPipeServer.pipeName("office"));
        assertEquals(List.of("O:SYD:P(A;;GA;;;SY)(A;;GA;;;BA)S:(ML;;NWNRNX;;;HI)"), fake.sddls.subList(0, 1),
                "owner SYSTEM (wg.exe checks it), SYSTEM and Administrators only, high integrity");
        assertTrue(fake.sddls.stream().allMatch(UapiPipeServer.SDDL::equals), "every instance has it: " + fake.sddls);

        String get = request("get=1\n\n");
        assertTrue(get.contains("listen_port=51821\n") && get.endsWith("errno=0\n\n"),
                get.replaceAll("(?m)^private_key=.*$", "private_key=(hidden)"));
        assertEquals("errno=0\n\n", request("set=1\nlisten_port=51822\n\n"));
        assertEquals(51822, device.listenPort(), "a set changes the running device");
        assertEquals("errno=-71\n\n", request("set=1\nnot a key and value\n\n"), "wireguard-go's Windows EPROTO");
        assertTrue(request("get=1\n\n").contains("listen_port=51822\n"));

        e.close();
        await(() -> fake.openHandles() == 0, "every pipe instance and event closed, " + fake.openHandles() + " open");
        assertEquals(0, fake.listening(PIPE));
        e.close(); // idempotent
    }

    @Test
    void aNameAnotherProgramServesIsNotShared() throws Exception {
        long theirs = fake.createInstance(PIPE, "O:SYD:P(A;;GA;;;SY)", true); // wireguard-windows' tunnel of that name
        assertThrows(UapiServer.InUseException.class, () -> server.serve("office", new DeviceUapiTarget(device)));
        List<String> warnings = new ArrayList<>();
        assertEquals(UapiServer.Endpoint.NONE, server.serveOrWarn("office", new DeviceUapiTarget(device), warnings::add));
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().startsWith("wg show office will not show this tunnel: another running program"),
                warnings.getFirst());
        assertEquals(1, fake.openHandles(), "nothing of ours is left open");
        fake.close(theirs);
    }

    @Test
    void aNameThatCannotNameAPipeIsRefusedBeforeAnythingIsCreated() {
        assertThrows(java.io.IOException.class, () -> server.serve("a\\b", new DeviceUapiTarget(device)));
        assertThrows(java.io.IOException.class, () -> server.serve("", new DeviceUapiTarget(device)));
        assertEquals(List.of(), fake.sddls);
    }
}
