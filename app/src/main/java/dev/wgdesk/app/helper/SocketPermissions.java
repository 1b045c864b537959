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
        // Following links: opening a socket with O_NOFOLLOW (the JDK's no-follow path) fails with ENXIO.
        // The server has just created the socket in its own directory, so it is no link.
        PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class);
        GroupPrincipal g;
        try {
            g = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            view.setPermissions(PosixFilePermissions.fromString("rw-------"));
            return "Socket " + socket + " is 0600: only root can use the helper, because the group '" + group
                    + "' does not exist (groupadd " + group + " and restart the helper to allow its members)";
        }
        view.setGroup(g);
        view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
        return "Socket " + socket + " is 0660 with group " + group;
    }
}
