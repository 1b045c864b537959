package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.platform.IpcTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * The helper's UNIX socket transport on macOS, with the one thing systemd does for it on Linux
 * ({@code RuntimeDirectory=wgdesk}, {@code RuntimeDirectoryMode=0755}) and launchd does not: the
 * socket's directory ({@code /var/run/wgdesk}, emptied at every boot) is made, and given mode
 * 0755, before the transport listens. Without it the directory would get the daemon's umask (077,
 * from the LaunchDaemon's plist) and no client but root could reach the socket. A directory that
 * is a link or not this process's user's is left alone (the transport then refuses it).
 * Everything else is the shared transport's.
 */
final class MacSocketTransport implements IpcTransport {
    private final IpcTransport delegate;

    MacSocketTransport(IpcTransport delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public String defaultAddress() {
        return delegate.defaultAddress();
    }

    @Override
    public Listener listen(String address, Access access) throws IOException {
        prepareDirectory(Path.of(address).toAbsolutePath().getParent());
        return delegate.listen(address, access);
    }

    /** Makes {@code dir} (and its parents) if needed and sets it to 0755 when it is this user's own. */
    static void prepareDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String me = System.getProperty("user.name");
        if (a.isDirectory() && !a.isSymbolicLink() && a.owner().getName().equals(me)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Override
    public Connection connect(String address) throws IOException {
        return delegate.connect(address);
    }
}
