package dev.wgdesk.platform.windows;

import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.UserDirectory;
import dev.wgdesk.platform.windows.ipc.AccountLookup;
import dev.wgdesk.platform.windows.ipc.ClientTokens;
import dev.wgdesk.platform.windows.ipc.PipeSecurity;
import dev.wgdesk.platform.windows.ipc.TokenAuthorizer;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@link UserDirectory} on Windows. Membership is what the client's <em>token</em> says, as read
 * when it connected ({@link ClientTokens}): its enabled groups, so an administrator's filtered
 * token (Administrators deny-only) is not a member of Administrators, and a user added to a group
 * counts after signing in again, as everywhere on Windows. Group names become SIDs with
 * {@code LookupAccountNameW}, except the builtin groups, which are matched by their well-known
 * SIDs whatever the display language ({@code Administrators} S-1-5-32-544,
 * {@code Network Configuration Operators} S-1-5-32-556); a string SID may be given directly.
 *
 * <p>The helper's own group {@value PipeSecurity#USERS_GROUP} stands, as in
 * {@link TokenAuthorizer}, for its members <em>and</em> Network Configuration Operators: both may
 * use tunnels, as wireguard-windows lets that builtin group do.
 *
 * <p>A client never seen on the pipe is a member of nothing (the helper asks only about
 * connected clients). Thread-safe.
 */
public final class WindowsUserDirectory implements UserDirectory {
    private static final Pattern SID = Pattern.compile("S-1-\\d{1,13}(-\\d{1,10}){1,15}");

    private final AccountLookup accounts;
    private final ClientTokens tokens;

    public WindowsUserDirectory(AccountLookup accounts, ClientTokens tokens) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    /** The SID a group name stands for, if the group exists. */
    Optional<String> groupSid(String group) {
        if (SID.matcher(group).matches()) {
            return Optional.of(group);
        }
        String g = group.toLowerCase(Locale.ROOT);
        if (g.equals("administrators") || g.equals("builtin\\administrators")) {
            return Optional.of(TokenAuthorizer.ADMINISTRATORS);
        }
        if (g.equals("network configuration operators") || g.equals("builtin\\network configuration operators")) {
            return Optional.of(PipeSecurity.NETWORK_CONFIGURATION_OPERATORS);
        }
        return accounts.lookupSid(group);
    }

    @Override
    public boolean groupExists(String group) {
        return groupSid(group).isPresent();
    }

    @Override
    public boolean isMember(ClientIdentity who, String group) {
        Optional<Set<String>> enabled = tokens.enabledGroups(who);
        if (enabled.isEmpty()) {
            return false;
        }
        Optional<String> sid = groupSid(group);
        if (sid.isPresent() && (enabled.get().contains(sid.get()) || sid.get().equals(who.primaryGroup()))) {
            return true;
        }
        return group.equalsIgnoreCase(PipeSecurity.USERS_GROUP)
                && enabled.get().contains(PipeSecurity.NETWORK_CONFIGURATION_OPERATORS);
    }

    @Override
    public Optional<String> nameOf(String id) {
        return accounts.lookupName(id);
    }

    @Override
    public String howToAdd(String user, String group) {
        return "net localgroup " + quote(group) + " " + quote(user) + " /add";
    }

    @Override
    public String howToCreate(String group) {
        return "net localgroup " + quote(group) + " /add /comment:\"may use wgdesk tunnels\"";
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9._-]+") ? s : "\"" + s.replace("\"", "") + "\"";
    }
}
