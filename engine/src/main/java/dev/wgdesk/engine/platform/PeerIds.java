package dev.wgdesk.engine.platform;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.UnixDomainPrincipal;

/**
 * The numeric uid and gid of an {@code SO_PEERCRED} principal, without looking a name up again.
 *
 * <p>The JDK reads the peer's uid and gid from the kernel and wraps them in principals whose
 * {@code getName()} is the name {@code getpwuid}/{@code getgrgid} returned (or the number when
 * there is none). Turning that name back into a uid ({@code getpwnam}) can give another user: two
 * passwd entries may share a name across NSS sources, and a name may look like a number. The
 * principals the JDK makes ({@code sun.nio.fs.UnixUserPrincipals.User}, JDK 16 to 25) keep the
 * number itself and return it from {@code hashCode()} (their {@code equals} compares only the
 * number). That is read here, and only from that class: any other implementation is refused
 * rather than guessed at ({@code UnixSocketTransportTest} pins the behaviour against the process's own uid).
 */
final class PeerIds {
    private static final String JDK_USER = "sun.nio.fs.UnixUserPrincipals$User";
    private static final String JDK_GROUP = "sun.nio.fs.UnixUserPrincipals$Group";

    private PeerIds() {}

    /**
     * The peer's numeric identity.
     *
     * @throws IllegalStateException if the principals are not the JDK's numeric ones
     */
    static ClientIdentity of(UnixDomainPrincipal p) {
        int uid = id(p.user(), JDK_USER);
        int gid = id(p.group(), JDK_GROUP);
        return ClientIdentity.posix(uid, gid, p.user().getName());
    }

    private static int id(UserPrincipal principal, String expectedClass) {
        if (!principal.getClass().getName().equals(expectedClass)) {
            throw new IllegalStateException("unexpected principal class " + principal.getClass().getName());
        }
        int id = principal.hashCode();
        if (id < 0) {
            throw new IllegalStateException("no numeric id in " + (principal instanceof GroupPrincipal ? "group" : "user")
                    + " principal " + principal.getName());
        }
        String name = principal.getName();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && !name.equals(Integer.toString(id))) {
            // The JDK names an id without an entry by its number; anything else is not the class we know.
            throw new IllegalStateException("principal " + name + " does not carry its id " + id);
        }
        return id;
    }
}
