package dev.wgdesk.app.ui.config;

import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.engine.config.ConfigKey;
import java.util.List;
import java.util.Objects;

/**
 * Something legal but probably wrong in a tunnel configuration, found by {@link Linter}.
 * Immutable. Never holds key material other than public keys.
 *
 * @param rule      which rule found it
 * @param peerIndex the 0-based peer it is about, or -1 for the [Interface] section
 * @param key       the key whose line it is about
 * @param args      the values the message names (prefixes, addresses, names, numbers)
 */
public record LintWarning(Rule rule, int peerIndex, ConfigKey key, List<String> args) {

    /** The lint rules. Each has a message {@code lint.<NAME>} in the resource bundle. */
    public enum Rule {
        /** Two peers share a prefix, or one's prefix lies inside another's. */
        OVERLAPPING_ALLOWED_IPS,
        /** IPv4 goes through the tunnel by default route, IPv6 does not: IPv6 traffic leaks. */
        IPV6_LEAK,
        /** A peer's endpoint lies inside an AllowedIPs prefix that is not a default route. */
        ENDPOINT_ROUTING_LOOP,
        /** A DNS server lies outside every peer's AllowedIPs: queries bypass the tunnel. */
        DNS_NOT_ROUTED,
        /** Split DNS ({@code ~domain} without {@code ~.}) in a full tunnel: other names go to the local resolvers. */
        SPLIT_DNS_FULL_TUNNEL,
        /** Routing domains ({@code ~domain}) without any DNS server: they do nothing. */
        ROUTING_DOMAIN_WITHOUT_SERVER,
        /** Another tunnel has the same interface key pair. */
        DUPLICATE_PUBLIC_KEY,
        /** The MTU leaves no room for WireGuard's overhead on the path. */
        MTU_TOO_LARGE
    }

    /** Copies the arguments. */
    public LintWarning {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(key, "key");
        args = List.copyOf(args);
    }

    /** The sentence a user reads, from the resource bundle. */
    public String message() {
        return Messages.get("lint." + rule.name(), args.toArray());
    }

    @Override
    public String toString() {
        return rule + "@" + (peerIndex < 0 ? "interface" : "peer" + peerIndex) + "/" + key + args;
    }
}
