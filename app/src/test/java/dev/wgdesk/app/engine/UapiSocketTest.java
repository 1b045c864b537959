package dev.wgdesk.app.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.platform.UapiRequests;
import dev.wgdesk.engine.platform.UapiSocket;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.MemoryTun;
import dev.wgdesk.engine.uapi.UapiHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class UapiSocketTest {
    @TempDir
    Path tmp;

    private Path dir;
    private Device device;
    private UapiHandler handler;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = tmp.resolve("wireguard");
        device = new Device(new MemoryTun("wgt0"), new MemoryBind(new MemoryBind.Network()), Clock.system(), 0);
        device.setListenPort(51820);
        handler = new UapiHandler(new DeviceUapiTarget(device));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        device.close();
    }

    private UapiSocket open(String name) throws IOException {
        UapiSocket s = UapiSocket.open(dir, name);
        toClose.add(s);
        return s;
    }

    private SocketChannel connect(Path p) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(p));
        toClose.add(c);
        return c;
    }

    /** Sends one UAPI request on {@code c} and reads its answer up to the blank line. */
    static String request(SocketChannel c, String req) throws IOException {
        return UapiRequests.exchange(Channels.newInputStream(c), Channels.newOutputStream(c), req);
    }

    @Test
    void createsDirectoryAndSocketWithTightModes() throws Exception {
        UapiSocket s = open("wgt0");
        assertEquals(dir.resolve("wgt0.sock"), s.path());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.path())));
        try (var list = Files.list(dir)) {
            assertEquals(List.of(s.path()), list.toList(), "no private temporary directory is left");
        }
    }

    @Test
    void servesUapiRequests() throws Exception {
        UapiSocket s = open("wgt0");
        s.start(handler, () -> { });
        SocketChannel c = connect(s.path());
        String reply = request(c, "get=1\n\n");
        assertTrue(reply.contains("listen_port=51820\n"), reply);
        assertTrue(reply.endsWith("errno=0\n\n"), reply);
        assertEquals("errno=0\n\n", request(c, "set=1\nlisten_port=51821\n\n"));
        assertEquals(51821, device.listenPort());
        assertEquals("errno=-22\n\n", request(c, "set=1\nbogus=1\n\n"));
    }

    @Test
    void aListeningSocketIsInUse() throws Exception {
        UapiSocket s = open("wgt0");
        s.start(handler, () -> { });
        IOException e = assertThrows(IOException.class, () -> UapiSocket.open(dir, "wgt0"));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        assertTrue(UapiSocket.isListening(s.path()));
    }

    @Test
    void aStaleSocketIsReplaced() throws Exception {
        UapiSocket first = UapiSocket.open(dir, "wgt0");
        Path p = first.path();
        // a crashed engine: the file stays, nobody listens
        first.close();
        Files.createFile(p);
        assertFalse(UapiSocket.isListening(p));
        UapiSocket second = open("wgt0");
        second.start(handler, () -> { });
        assertTrue(UapiSocket.isListening(p));
    }

    @Test
    void removingTheSocketFileIsReported() throws Exception {
        UapiSocket s = open("wgt0");
        CountDownLatch gone = new CountDownLatch(1);
        s.start(handler, gone::countDown);
        Files.delete(s.path());
        assertTrue(gone.await(10, TimeUnit.SECONDS), "onGone was not called");
    }

    @Test
    void replacingTheSocketFileIsReported() throws Exception {
        UapiSocket s = open("wgt0");
        CountDownLatch gone = new CountDownLatch(1);
        s.start(handler, gone::countDown);
        Path other = dir.resolve("other");
        Files.createFile(other);
        Files.move(other, s.path(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        assertTrue(gone.await(10, TimeUnit.SECONDS), "onGone was not called");
        s.close();
        assertTrue(Files.exists(s.path()), "close() must not delete a file that is not its socket");
    }

    @Test
    void otherFilesInTheDirectoryDoNotMatter() throws Exception {
        UapiSocket s = open("wgt0");
        CountDownLatch gone = new CountDownLatch(1);
        s.start(handler, gone::countDown);
        Path other = dir.resolve("wgt1.sock");
        Files.createFile(other);
        Files.delete(other);
        assertFalse(gone.await(500, TimeUnit.MILLISECONDS));
        assertTrue(UapiSocket.isListening(s.path()));
    }

    @Test
    void closeRemovesTheSocketAndEndsConnections() throws Exception {
        UapiSocket s = open("wgt0");
        s.start(handler, () -> { });
        SocketChannel c = connect(s.path());
        assertTrue(request(c, "get=1\n\n").endsWith("errno=0\n\n"));
        s.close();
        assertFalse(Files.exists(s.path()));
        assertEquals(-1, c.read(ByteBuffer.allocate(1)), "an open connection is closed");
        s.close(); // idempotent
    }

    @Test
    void connectionsAreBounded() throws Exception {
        UapiSocket s = open("wgt0");
        s.start(handler, () -> { });
        List<SocketChannel> idle = new ArrayList<>();
        for (int i = 0; i < UapiSocket.MAX_CONNECTIONS; i++) {
            SocketChannel c = connect(s.path());
            assertTrue(request(c, "get=1\n\n").endsWith("errno=0\n\n")); // each one is being served
            idle.add(c);
        }
        SocketChannel extra = connect(s.path());
        int r;
        try {
            r = extra.read(ByteBuffer.allocate(1));
        } catch (java.net.SocketException e) {
            r = -1; // closed by the server: reset or end of stream
        }
        assertEquals(-1, r, "a connection beyond the limit is closed");
        idle.get(0).close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String reply = "";
        while (System.nanoTime() < deadline) {
            try {
                SocketChannel again = connect(s.path());
                reply = request(again, "get=1\n\n");
            } catch (IOException e) {
                reply = e.toString(); // still over the limit: closed at once
            }
            if (reply.endsWith("errno=0\n\n")) {
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(reply.endsWith("errno=0\n\n"), "a slot is free again after a connection closed");
    }

    @Test
    void rejectsInvalidNames() {
        assertThrows(IllegalArgumentException.class, () -> UapiSocket.open(dir, "../x"));
        assertThrows(IllegalArgumentException.class, () -> UapiSocket.open(dir, "-x"));
    }
}
