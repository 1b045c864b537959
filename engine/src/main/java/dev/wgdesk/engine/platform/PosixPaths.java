package dev.wgdesk.engine.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/** Checks on POSIX files the helper trusts: its state, journals and socket directory. */
public final class PosixPaths {
    private PosixPaths() {}

    /**
     * Why {@code p} may not be trusted, or null: it is a symbolic link, is not owned by this
     * process's user, or is writable by its group or others.
     *
     * @throws IOException if its attributes cannot be read (e.g. it does not exist)
     */
    public static String untrusted(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            return p + " is a symbolic link";
        }
        String me = System.getProperty("user.name");
        UserPrincipal self = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(me);
        if (!a.owner().equals(self)) {
            return p + " is owned by " + a.owner().getName() + ", not " + me;
        }
        Set<PosixFilePermission> perms = a.permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            return p + " is writable by its group or others";
        }
        return null;
    }
}
