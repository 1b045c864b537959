package dev.wgdesk.engine.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The UNIX socket transport's own rules: permissions, the directory check, stale and live sockets, numeric identity. */
@Timeout(30)
class UnixSocketTransportTest {
    @TempDir
    Path dir;

    final UnixSocketTransport transport = new UnixSocketTransport(Path.of("/run/wgdesk/helper.sock"));

    @Test
    void theDefaultAddressIsTheGivenSocket() {
        assertEquals("/run/wgdesk/helper.sock", transport.defaultAddress());
    }

    @Test
    void theClientIsThisProcessByNumberAsTheKernelSaysAndAdministratorOnlyForUid0() throws IOException {
        UnixSystem me = new UnixSystem();
        Path sock = dir.resolve("id.sock");
        try (IpcTransport.Listener l = transport.listen(sock.toString(), new IpcTransport.Access("root"));
             IpcTransport.Connection c = transport.connect(sock.toString());
             IpcTransport.Connection s = l.accept()) {
            ClientIdentity who = s.client();
            assertEquals(Long.toString(me.getUid()), who.id());
            assertEquals(Long.toString(me.getGid()), who.primaryGroup());
            assertEquals(System.getProperty("user.name"), who.name());
            assertEquals(me.getUid() == 0, who.administrator());
        }
    }

    @Test
    void theSocketIs0660WithAnExistingGroupAnd0600WithoutOne() throws IOException {
        Path withGroup = dir.resolve("g.sock");
        try (IpcTransport.Listener l = transport.listen(withGroup.toString(), new IpcTransport.Access("root"))) {
            PosixFileAttributes a = Files.readAttributes(withGroup, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertTrue(a.isOther(), "a socket");
            assertEquals("rw-rw----", PosixFilePermissions.toString(a.permissions()));
            assertEquals("root", a.group().getName());
            assertEquals("Socket " + withGroup + " is 0660 with group root", l.describeAccess());
        }
        assertFalse(Files.exists(withGroup, LinkOption.NOFOLLOW_LINKS), "close removes the socket file");
        Path noGroup = dir.resolve("n.sock");
        try (IpcTransport.Listener l = transport.listen(noGroup.toString(), new IpcTransport.Access("no-such-group-wgx"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(noGroup, LinkOption.NOFOLLOW_LINKS)));
            assertTrue(l.describeAccess().contains("0600") && l.describeAccess().contains("'no-such-group-wgx' does not exist"),
                    l.describeAccess());
        }
    }

    @Test
    void aDirectoryOthersCanWriteIsRefusedBeforeAnythingIsCreated() throws IOException {
        Path open = dir.resolve("open");
        Files.createDirectory(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path sock = open.resolve("h.sock");
        IOException e = assertThrows(IOException.class, () -> transport.listen(sock.toString(), new IpcTransport.Access("root")));
        assertTrue(e.getMessage().contains("writable by its group or others"), e.getMessage());
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aLinkedDirectoryIsRefused() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        IOException e = assertThrows(IOException.class,
                () -> transport.listen(link.resolve("h.sock").toString(), new IpcTransport.Access("root")));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    }

    @Test
    void aMissingDirectoryIsCreated() throws IOException {
        Path sock = dir.resolve("run/wgdesk/h.sock");
        try (IpcTransport.Listener l = transport.listen(sock.toString(), new IpcTransport.Access("root"))) {
            assertTrue(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void aLiveServerIsNotDisplacedButAStaleSocketIs() throws IOException {
        Path sock = dir.resolve("h.sock");
        try (IpcTransport.Listener first = transport.listen(sock.toString(), new IpcTransport.Access("root"))) {
            IOException e = assertThrows(IOException.class, () -> transport.listen(sock.toString(), new IpcTransport.Access("root")));
            assertEquals("another helper is already listening on " + sock, e.getMessage());
            try (IpcTransport.Connection c = transport.connect(sock.toString()); IpcTransport.Connection s = first.accept()) {
                assertEquals(System.getProperty("user.name"), s.client().name(), "the first server still serves");
            }
        }
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale, LinkOption.NOFOLLOW_LINKS), "a crashed server's socket file");
        try (IpcTransport.Listener l = transport.listen(stale.toString(), new IpcTransport.Access("root"));
             IpcTransport.Connection c = transport.connect(stale.toString());
             IpcTransport.Connection s = l.accept()) {
            assertEquals(System.getProperty("user.name"), s.client().name());
        }
    }

    @Test
    void aDirectoryWhereTheSocketShouldBeIsNotRemoved() throws IOException {
        Path sock = Files.createDirectory(dir.resolve("h.sock"));
        IOException e = assertThrows(IOException.class, () -> transport.listen(sock.toString(), new IpcTransport.Access("root")));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(sock));
    }

    @Test
    void connectingToNothingFails() {
        assertThrows(IOException.class, () -> transport.connect(dir.resolve("none.sock").toString()));
    }
}
