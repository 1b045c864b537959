package dev.wgdesk.engine.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A DNS server from {@code DNS =}: an IPv4 or IPv6 address. Instances are immutable.
 *
 * @param address the server's address
 */
public record DnsServer(IpAddress address) {
    /** Checks that the address is present. */
    public DnsServer {
        Objects.requireNonNull(address, "address");
    }

    /**
     * Parses an IP literal.
     *
     * @throws IllegalArgumentException if {@code text} is not an IP address
     */
    public static DnsServer parse(CharSequence text) {
        return new DnsServer(IpAddress.parse(text));
    }

    /** Parses an IP literal, or returns empty. */
    public static Optional<DnsServer> tryParse(CharSequence text) {
        return IpAddress.tryParse(text).map(DnsServer::new);
    }

    /**
     * How {@code wg-quick} sorts a {@code DNS} entry: text of only digits and dots, or text
     * containing a colon, is a server address; anything else is a search domain.
     */
    static boolean looksLikeServer(String entry) {
        if (entry.indexOf(':') >= 0) {
            return true;
        }
        if (entry.isEmpty()) {
            return false;
        }
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** The canonical address text. */
    @Override
    public String toString() {
        return address.toString();
    }
}
