package dev.wgdesk.engine.platform;

import java.util.Objects;

/**
 * Who is at the other end of an IPC connection, as the operating system vouches for it (the
 * peer credentials of a UNIX socket, the token of a named-pipe client). Authorisation decides on
 * {@link #id()} and {@link #administrator()}, never on {@link #name()}, which is for messages only.
 *
 * @param id            the account's stable identity in the OS's own spelling: the uid in decimal
 *                      on Linux and macOS ({@code "1000"}), the user SID on Windows
 *                      ({@code "S-1-5-21-…-1001"}). Stored as a tunnel's owner.
 * @param primaryGroup  the primary group in the same spelling (the gid in decimal; on Windows the
 *                      token's primary group SID), used only as a fast path of membership checks
 * @param name          the account's name for messages and logs (the id when it has none)
 * @param administrator whether the OS says this client may administer the machine: uid 0 on
 *                      Linux and macOS; on Windows LocalSystem or an elevated member of
 *                      Administrators (a filtered, non-elevated token is not)
 */
public record ClientIdentity(String id, String primaryGroup, String name, boolean administrator) {
    public ClientIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(primaryGroup, "primaryGroup");
        Objects.requireNonNull(name, "name");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("empty client id");
        }
    }

    /** A POSIX client: administrator exactly when {@code uid} is 0. */
    public static ClientIdentity posix(int uid, int gid, String name) {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("negative uid or gid");
        }
        return new ClientIdentity(Integer.toString(uid), Integer.toString(gid), name, uid == 0);
    }

    /** For logs: {@code "alice (1000)"}, or {@code "root"} style names alone when they equal the id. */
    public String describe() {
        return name.equals(id) ? id : name + " (" + id + ")";
    }
}
