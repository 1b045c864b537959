package dev.wgdesk.engine.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.MemoryTun;
import dev.wgdesk.engine.uapi.ErrnoConvention;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper's UAPI sockets in a temporary directory, asked as {@code wg} asks. */
class UnixUapiServerTest {
    @TempDir
    Path tmp;

    private Path dir;
    private Device device;
    private UnixUapiServer server;

    @BeforeEach
    void setUp() throws Exception {
        dir = tmp.resolve("wireguard");
        device = new Device(new MemoryTun("wgh0"), new MemoryBind(new MemoryBind.Network()), Clock.system(), 0);
        device.setListenPort(51999);
        server = new UnixUapiServer(dir, null, ErrnoConvention.LINUX);
    }

    @AfterEach
    void tearDown() {
        device.close();
    }

    @Test
    void servesGetAndSetOnNameSockAndRemovesItOnClose() throws Exception {
        UapiServer.Endpoint e = server.serve("wgh0", new DeviceUapiTarget(device));
        Path sock = dir.resolve("wgh0.sock");
        assertEquals(sock.toString(), e.address());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
        assertTrue(UapiRequests.request(sock, "get=1\n\n").contains("listen_port=51999\n"));
        assertEquals("errno=0\n\n", UapiRequests.request(sock, "set=1\nlisten_port=52000\n\n"));
        assertEquals(52000, device.listenPort(), "a set changes the running device");
        assertTrue(UapiRequests.request(sock, "get=1\n\n").endsWith("errno=0\n\n"));
        e.close();
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
        e.close(); // idempotent
    }

    @Test
    void aLiveSocketIsAnotherProgramsAndIsNotTakenOver() throws Exception {
        Files.createDirectories(dir);
        Path sock = dir.resolve("wgh0.sock");
        try (ServerSocketChannel theirs = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            theirs.bind(UnixDomainSocketAddress.of(sock));
            Object key = Files.readAttributes(sock, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            assertThrows(UapiServer.InUseException.class, () -> server.serve("wgh0", new DeviceUapiTarget(device)));
            List<String> warnings = new ArrayList<>();
            assertEquals(UapiServer.Endpoint.NONE, server.serveOrWarn("wgh0", new DeviceUapiTarget(device), warnings::add));
            assertEquals(1, warnings.size());
            assertTrue(warnings.getFirst().startsWith("wg show wgh0 will not show this tunnel: another running program"),
                    warnings.getFirst());
            assertEquals(List.of(), server.cleanupStale("wgh0"), "a live socket is not stale");
            assertEquals(key, Files.readAttributes(sock, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey());
        }
    }

    @Test
    void aStaleSocketIsReplacedAndCleanedUp() throws Exception {
        Files.createDirectories(dir);
        Path sock = dir.resolve("wgh0.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock));
        }
        assertEquals(List.of("removed stale UAPI socket " + sock), server.cleanupStale("wgh0"));
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock));
        }
        try (UapiServer.Endpoint e = server.serve("wgh0", new DeviceUapiTarget(device))) {
            assertTrue(UapiRequests.request(sock, "get=1\n\n").contains("listen_port=51999\n"));
        }
    }

    @Test
    void aNameThatCannotNameASocketIsAnErrorNotAPath() {
        assertThrows(java.io.IOException.class, () -> server.serve("../x", new DeviceUapiTarget(device)));
        assertEquals(List.of(), server.cleanupStale("../x"));
        List<String> warnings = new ArrayList<>();
        assertEquals(UapiServer.Endpoint.NONE, server.serveOrWarn("a/b", new DeviceUapiTarget(device), warnings::add));
        assertTrue(warnings.getFirst().contains("cannot serve its userspace API"), warnings.toString());
    }
}
