package dev.wgdesk.platform.windows.ipc;

import dev.wgdesk.engine.platform.ClientIdentity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The enabled group SIDs of recently identified pipe clients, by their {@link ClientIdentity}:
 * on Windows group membership is what the client's <em>token</em> says (groups enabled at its
 * logon; a deny-only Administrators entry of a filtered token does not count), so
 * {@link dev.wgdesk.platform.windows.WindowsUserDirectory} answers from here rather than from the
 * account database. Bounded (the {@value #CAPACITY} most recently identified clients).
 * Thread-safe.
 */
public final class ClientTokens {
    static final int CAPACITY = 256;

    private final Map<ClientIdentity, Set<String>> groups = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ClientIdentity, Set<String>> eldest) {
            return size() > CAPACITY;
        }
    };

    /**
     * The identity a token stands for: the user SID, its primary group, its name (the SID when
     * it has none), and administrator when the token is LocalSystem's or an elevated token with
     * Administrators enabled. Records the token's enabled groups.
     *
     * @throws java.io.IOException for a network logon (the pipe rejects remote clients; a token
     *     with NETWORK enabled is refused again here)
     */
    public ClientIdentity identify(PipeNative.ClientToken ct) throws java.io.IOException {
        TokenAuthorizer.Token t = ct.token();
        Set<String> enabled = t.groups().stream().filter(TokenAuthorizer.Group::enabled)
                .map(TokenAuthorizer.Group::sid).collect(Collectors.toUnmodifiableSet());
        if (enabled.contains(TokenAuthorizer.NETWORK)) {
            throw new java.io.IOException("refused " + t.userSid() + ": a network logon");
        }
        boolean admin = t.userSid().equals(TokenAuthorizer.SYSTEM)
                || (t.elevated() && enabled.contains(TokenAuthorizer.ADMINISTRATORS));
        String name = t.userName() == null || t.userName().isEmpty() ? t.userSid() : t.userName();
        ClientIdentity id = new ClientIdentity(t.userSid(), ct.primaryGroupSid(), name, admin);
        synchronized (groups) {
            groups.put(id, enabled);
        }
        return id;
    }

    /** The enabled group SIDs of the token {@code who} was identified by, if it is still known. */
    public Optional<Set<String>> enabledGroups(ClientIdentity who) {
        synchronized (groups) {
            return Optional.ofNullable(groups.get(who));
        }
    }
}
