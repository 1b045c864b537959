package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.IpcProtocol;
import dev.wgdesk.app.ipc.IpcServer;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Allows root and members of the configured group, by number: the peer's uid and gid come from
 * {@code SO_PEERCRED}, the group's gid from {@code getgrnam}, and the peer's supplementary groups
 * from {@code getgrouplist} for the passwd entry of that uid ({@code getpwuid}). A name is never
 * turned back into a uid. When the group does not exist, only root is allowed.
 *
 * <p>Answers are cached per uid for at most {@link IpcProtocol#MEMBERSHIP_CACHE_MILLIS}; the
 * server asks again before every request, so a member removed from the group ({@code gpasswd -d})
 * loses an open connection within that time. Thread-safe.
 */
public final class PeerAuthorizer implements IpcServer.Authorizer {
    /**
     * System property: how long answers are cached (ms), at most
     * {@link IpcProtocol#MEMBERSHIP_CACHE_MILLIS}; 0 asks NSS on every request.
     */
    public static final String CACHE_PROPERTY = "wgdesk.helper.membershipCacheMillis";

    private final LongSupplier clock;
    private final java.util.function.Function<IpcServer.Peer, Optional<String>> decider;
    private final long cacheMillis;
    private final Map<Integer, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(int gid, long atMillis, Optional<String> verdict) {}

    /** Authorises root and members of {@code group}. */
    public PeerAuthorizer(String group) {
        this(group, System::currentTimeMillis);
    }

    PeerAuthorizer(String group, LongSupplier clockMillis) {
        this(clockMillis, p -> decide(group, p.uid(), p.gid(), p.user()));
    }

    /** An authoriser caching {@code decider}'s answers (tests). */
    PeerAuthorizer(LongSupplier clockMillis, java.util.function.Function<IpcServer.Peer, Optional<String>> decider) {
        this.clock = clockMillis;
        this.decider = decider;
        this.cacheMillis = Math.clamp(Long.getLong(CACHE_PROPERTY, IpcProtocol.MEMBERSHIP_CACHE_MILLIS), 0,
                IpcProtocol.MEMBERSHIP_CACHE_MILLIS);
    }

    @Override
    public Optional<String> refuse(IpcServer.Peer peer) {
        if (peer.uid() == 0) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        Cached c = cache.get(peer.uid());
        if (c != null && c.gid == peer.gid() && now - c.atMillis >= 0 && now - c.atMillis < cacheMillis) {
            return c.verdict;
        }
        Optional<String> v = decider.apply(peer);
        cache.put(peer.uid(), new Cached(peer.gid(), now, v));
        return v;
    }

    /** The decision for a uid and primary gid ({@code user} only names it in messages). */
    static Optional<String> decide(String group, int uid, int primaryGid, String user) {
        if (uid == 0) {
            return Optional.empty();
        }
        OptionalInt gid = Nss.groupId(group);
        if (gid.isEmpty()) {
            return Optional.of("not authorised: only root may use the helper, because the group '" + group
                    + "' does not exist (an administrator can create it: groupadd " + group + ")");
        }
        if (primaryGid == gid.getAsInt()) {
            return Optional.empty();
        }
        Optional<Nss.Passwd> entry = Nss.userById(uid);
        if (entry.isPresent()) {
            for (int g : Nss.groupsOf(entry.get().name(), entry.get().gid())) {
                if (g == gid.getAsInt()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of("not authorised: user " + user + " (uid " + uid + ") is neither root nor a member of the group '"
                + group + "' (an administrator can add you: usermod -aG " + group + " " + user + ", then log in again)");
    }
}
