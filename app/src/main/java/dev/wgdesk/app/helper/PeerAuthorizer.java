package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.IpcProtocol;
import dev.wgdesk.app.ipc.IpcServer;
import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.UserDirectory;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Allows administrators (root) and members of the configured group, by the identity the OS gives
 * for the connection ({@link ClientIdentity}): membership is the {@link UserDirectory}'s answer for
 * that identity (on Linux: the group's gid from {@code getgrnam}, the client's groups from
 * {@code getgrouplist} for the passwd entry of its uid). A name is never turned back into an id.
 * When the group does not exist, only administrators are allowed.
 *
 * <p>Answers are cached per client id for at most {@link IpcProtocol#MEMBERSHIP_CACHE_MILLIS}; the
 * server asks again before every request, so a member removed from the group ({@code gpasswd -d})
 * loses an open connection within that time. Thread-safe.
 */
public final class PeerAuthorizer implements IpcServer.Authorizer {
    /**
     * System property: how long answers are cached (ms), at most
     * {@link IpcProtocol#MEMBERSHIP_CACHE_MILLIS}; 0 asks the directory on every request.
     */
    public static final String CACHE_PROPERTY = "wgdesk.helper.membershipCacheMillis";

    private final LongSupplier clock;
    private final Function<ClientIdentity, Optional<String>> decider;
    private final long cacheMillis;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(String primaryGroup, long atMillis, Optional<String> verdict) {}

    /** Authorises administrators and members of {@code group}, as {@code users} says. */
    public PeerAuthorizer(String group, UserDirectory users) {
        this(group, users, System::currentTimeMillis);
    }

    PeerAuthorizer(String group, UserDirectory users, LongSupplier clockMillis) {
        this(clockMillis, p -> decide(group, users, p));
        Objects.requireNonNull(users, "users");
    }

    /** An authoriser caching {@code decider}'s answers (tests). */
    PeerAuthorizer(LongSupplier clockMillis, Function<ClientIdentity, Optional<String>> decider) {
        this.clock = clockMillis;
        this.decider = decider;
        this.cacheMillis = Math.clamp(Long.getLong(CACHE_PROPERTY, IpcProtocol.MEMBERSHIP_CACHE_MILLIS), 0,
                IpcProtocol.MEMBERSHIP_CACHE_MILLIS);
    }

    @Override
    public Optional<String> refuse(ClientIdentity peer) {
        if (peer.administrator()) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        Cached c = cache.get(peer.id());
        if (c != null && c.primaryGroup.equals(peer.primaryGroup()) && now - c.atMillis >= 0
                && now - c.atMillis < cacheMillis) {
            return c.verdict;
        }
        Optional<String> v = decider.apply(peer);
        cache.put(peer.id(), new Cached(peer.primaryGroup(), now, v));
        return v;
    }

    /** The decision for {@code who} ({@link ClientIdentity#name()} only names it in messages). */
    static Optional<String> decide(String group, UserDirectory users, ClientIdentity who) {
        if (who.administrator()) {
            return Optional.empty();
        }
        if (!users.groupExists(group)) {
            return Optional.of("not authorised: only root may use the helper, because the group '" + group
                    + "' does not exist (an administrator can create it: " + users.howToCreate(group) + ")");
        }
        if (users.isMember(who, group)) {
            return Optional.empty();
        }
        return Optional.of("not authorised: user " + who.name() + " (" + Ownership.idLabel(who.id())
                + ") is neither root nor a member of the group '" + group + "' (an administrator can add you: "
                + users.howToAdd(who.name(), group) + ", then log in again)");
    }
}
