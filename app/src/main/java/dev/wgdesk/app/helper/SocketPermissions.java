package dev.wgdesk.app.helper;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Gives the helper's socket file its mode: {@code 0660 root:GROUP} so members of the group can
 * connect, or {@code 0600} (root only) when the group does not exist. The peer-credential check
 * ({@link PeerAuthorizer}) applies either way; the mode is a first barrier.
 */
final class SocketPermissions {
    private SocketPermissions() {}

    /**
     * @return a line for the log describing what was applied
     */
    static String apply(Path socket, String group) throws IOException {
        // chmod cannot be told not to follow a link portably (the JDK's no-follow path opens the file
        // with O_NOFOLLOW, which fails with ENXIO on a socket). So make sure nothing can be a link:
        // the directory must be ours and writable by no one else (then nobody can swap the socket
        // for a link between the checks and the changes), and the socket must be a socket now.
        Path dir = socket.toAbsolutePath().getParent();
        String why = RuntimeJournal.untrusted(dir);
        if (why != null) {
            throw new IOException("will not set the permissions of " + socket + ": " + why
                    + " (the socket's directory must be root's and writable by no one else)");
        }
        java.nio.file.attribute.PosixFileAttributes attrs = Files.readAttributes(socket,
                java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isOther() || attrs.isSymbolicLink()) {
            throw new IOException(socket + " is not a socket; will not change its permissions");
        }
        // lchown for the group; chmod follows, which is safe now (see above).
        PosixFileAttributeView noFollow = Files.getFileAttributeView(socket, PosixFileAttributeView.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class);
        GroupPrincipal g;
        try {
            g = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            view.setPermissions(PosixFilePermissions.fromString("rw-------"));
            return "Socket " + socket + " is 0600: only root can use the helper, because the group '" + group
                    + "' does not exist (groupadd " + group + " and restart the helper to allow its members)";
        }
        noFollow.setGroup(g);
        view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
        return "Socket " + socket + " is 0660 with group " + group;
    }
}
