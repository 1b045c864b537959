package dev.wgdesk.engine.config;

import java.util.Locale;
import java.util.Optional;

/**
 * A routing-only ("match") DNS domain from {@code DNS =}, written {@code ~corp.example}: queries
 * for that domain and every name below it go to this tunnel's DNS servers, and the domain is
 * <em>not</em> a search domain (short names are not completed with it). {@code ~.} stands for
 * every name. The syntax is systemd-resolved's ({@code resolvectl domain}, {@code resolved.conf}
 * {@code Domains=}) and NetworkManager's ({@code dns-search=~corp.example;}).
 *
 * <p>When a tunnel has at least one routing domain and not {@code ~.}, only names under its
 * routing and search domains go to its servers ("split DNS"); without any, the tunnel's servers
 * answer every name, as with wg-quick. Instances are immutable; the name is kept as written.
 *
 * @param name the domain without the {@code ~}: a syntactically valid DNS name (as for
 *             {@link SearchDomain}, optional trailing dot), or {@code "."} for every name
 */
public record RoutingDomain(String name) {
    /** {@code ~.}: every name. */
    public static final RoutingDomain ALL = new RoutingDomain(".");

    /**
     * Validates the name.
     *
     * @throws IllegalArgumentException if {@code name} is neither {@code "."} nor a valid DNS name
     */
    public RoutingDomain {
        if (!".".equals(name) && !HostNames.isValid(name)) {
            throw new IllegalArgumentException("not a valid routing domain: \"~" + name + "\"");
        }
    }

    /** True for the entries {@code DNS =} reads as routing domains: those starting with {@code ~}. */
    static boolean looksLikeRoutingDomain(String entry) {
        return entry.startsWith("~");
    }

    /**
     * Parses {@code ~domain} or {@code ~.}; empty for anything else, including a lone {@code ~}
     * (which systemd-resolved would take as {@code ~.}: wgdesk wants that written out) and
     * {@code ~..}.
     */
    public static Optional<RoutingDomain> tryParse(CharSequence text) {
        String s = text.toString();
        if (!looksLikeRoutingDomain(s)) {
            return Optional.empty();
        }
        String n = s.substring(1);
        return ".".equals(n) || HostNames.isValid(n) ? Optional.of(new RoutingDomain(n)) : Optional.empty();
    }

    /** The routing domain {@code ~name} for a search domain's name. */
    public static RoutingDomain of(SearchDomain domain) {
        return new RoutingDomain(domain.name());
    }

    /** Whether this is {@code ~.}, every name. */
    public boolean isAll() {
        return ".".equals(name);
    }

    /**
     * The name in lower case without a trailing dot ({@code ""} for {@code ~.}), the form in which
     * two spellings of one domain compare equal.
     */
    public String canonicalName() {
        return canonical(name);
    }

    /** Whether {@code domain} names the same domain (case and a trailing dot ignored). */
    public boolean sameDomainAs(SearchDomain domain) {
        return canonical(domain.name()).equals(canonicalName());
    }

    /**
     * Whether a query for {@code host} goes to this domain's servers: the host is this domain or
     * below it (case and trailing dots ignored); {@code ~.} matches every name.
     */
    public boolean matches(String host) {
        String h = canonical(host);
        String d = canonicalName();
        return d.isEmpty() || h.equals(d) || h.endsWith("." + d);
    }

    static String canonical(String n) {
        String s = n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
        return s.toLowerCase(Locale.ROOT);
    }

    /** {@code ~name} as written in {@code DNS =}. */
    @Override
    public String toString() {
        return "~" + name;
    }
}
