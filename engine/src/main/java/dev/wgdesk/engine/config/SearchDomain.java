package dev.wgdesk.engine.config;

import java.util.Optional;

/**
 * A DNS search domain from {@code DNS =} (any entry that is not an IP address, as
 * {@code wg-quick} sorts them). Instances are immutable; the name is kept as written.
 *
 * @param name a syntactically valid DNS name: labels of {@code [A-Za-z0-9_-]}, 1..63 characters,
 *             not starting or ending with {@code -}, at most 253 characters, optional trailing dot
 */
public record SearchDomain(String name) {
    /**
     * Validates the name.
     *
     * @throws IllegalArgumentException if {@code name} is not a valid DNS name
     */
    public SearchDomain {
        if (!HostNames.isValid(name)) {
            throw new IllegalArgumentException("not a valid search domain: \"" + name + "\"");
        }
    }

    /** The name, or empty if {@code text} is not a valid DNS name. */
    public static Optional<SearchDomain> tryParse(CharSequence text) {
        String s = text.toString();
        return HostNames.isValid(s) ? Optional.of(new SearchDomain(s)) : Optional.empty();
    }

    /** The name as written. */
    @Override
    public String toString() {
        return name;
    }
}
