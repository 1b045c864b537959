package dev.wgdesk.engine.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Objects;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * {@link IpcTransport} over a UNIX domain socket, in pure JDK (Linux and macOS): the client's
 * identity is the socket's peer credentials ({@code SO_PEERCRED} on Linux, {@code getpeereid} on
 * macOS, both behind the JDK's {@link ExtendedSocketOptions#SO_PEERCRED}), read as numbers
 * ({@link PeerIds}).
 *
 * <p>{@link #listen} refuses a directory it cannot trust (a link, not this process's user's, or
 * writable by others: someone could swap the socket for a link), replaces a stale socket file
 * nobody listens on, refuses to start when a live server listens, and gives the socket mode
 * {@code 0660} with the access group, or {@code 0600} when that group does not exist. The
 * helper checks every client's identity again after it connects; the mode is a first barrier.
 */
public final class UnixSocketTransport implements IpcTransport {
    private final Path defaultSocket;

    /** @param defaultSocket the helper's socket on this OS ({@code /run/wgdesk/helper.sock}) */
    public UnixSocketTransport(Path defaultSocket) {
        this.defaultSocket = Objects.requireNonNull(defaultSocket, "defaultSocket");
    }

    @Override
    public String defaultAddress() {
        return defaultSocket.toString();
    }

    @Override
    public Listener listen(String address, Access access) throws IOException {
        Objects.requireNonNull(access, "access");
        Path socket = Path.of(address).toAbsolutePath();
        Path dir = socket.getParent();
        Files.createDirectories(dir);
        // chmod cannot be told not to follow a link portably (the JDK's no-follow path opens the
        // file with O_NOFOLLOW, which fails with ENXIO on a socket). So nothing may be able to swap
        // the socket for a link: the directory must be ours and writable by no one else.
        String why = PosixPaths.untrusted(dir);
        if (why != null) {
            throw new IOException("will not listen on " + socket + ": " + why
                    + " (the socket's directory must be the helper's user's and writable by no one else)");
        }
        removeStaleSocket(socket);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        String described;
        try {
            ch.bind(UnixDomainSocketAddress.of(socket), 64);
            described = applyPermissions(socket, access.group());
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(socket);
            throw e;
        }
        return new UnixListener(ch, socket, described);
    }

    private static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(socket + " exists and is a directory, not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new IOException("another helper is already listening on " + socket);
        } catch (java.net.SocketException | ClosedChannelException e) {
            Files.deleteIfExists(socket); // nobody listens: left over from a crash
        }
    }

    /** Mode 0660 with {@code group}, or 0600 without it; returns the line for the log. */
    private static String applyPermissions(Path socket, String group) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isOther() || attrs.isSymbolicLink()) {
            throw new IOException(socket + " is not a socket; will not change its permissions");
        }
        // lchown for the group; chmod follows, which is safe now (the directory is trusted).
        PosixFileAttributeView noFollow = Files.getFileAttributeView(socket, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class);
        GroupPrincipal g;
        try {
            g = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            view.setPermissions(PosixFilePermissions.fromString("rw-------"));
            return "Socket " + socket + " is 0600: only root can use the helper, because the group '" + group
                    + "' does not exist (create it and restart the helper to allow its members)";
        }
        noFollow.setGroup(g);
        view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
        return "Socket " + socket + " is 0660 with group " + group;
    }

    @Override
    public Connection connect(String address) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(Path.of(address)));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new UnixConnection(ch);
    }

    private static final class UnixListener implements Listener {
        private final ServerSocketChannel channel;
        private final Path socket;
        private final String described;
        private boolean closed;

        UnixListener(ServerSocketChannel channel, Path socket, String described) {
            this.channel = channel;
            this.socket = socket;
            this.described = described;
        }

        @Override
        public Connection accept() throws IOException {
            return new UnixConnection(channel.accept());
        }

        @Override
        public String describeAccess() {
            return described;
        }

        @Override
        public void close() throws IOException {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(socket);
            }
        }

        @Override
        public String toString() {
            return socket.toString();
        }
    }

    private static final class UnixConnection implements Connection {
        private final SocketChannel channel;
        private final InputStream in;
        private final OutputStream out;

        UnixConnection(SocketChannel channel) {
            this.channel = channel;
            // Both streams go straight to the channel, which allows one reader and one writer at once.
            this.in = Channels.newInputStream(channel);
            this.out = Channels.newOutputStream(channel);
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public ClientIdentity client() throws IOException {
            UnixDomainPrincipal p;
            try {
                p = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            } catch (UnsupportedOperationException e) {
                throw new IOException("peer credentials are not available on this system", e);
            }
            try {
                return PeerIds.of(p);
            } catch (IllegalStateException e) {
                throw new IOException("cannot read the client's numeric ids: " + e.getMessage(), e);
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            channel.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
