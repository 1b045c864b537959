package dev.wgdesk.engine.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A peer's {@code Endpoint}: a host and a UDP port. The host is a DNS name, an IPv4 literal, or
 * an IPv6 literal (written in brackets, optionally with a zone such as {@code [fe80::1%eth0]}).
 * Instances of this class are immutable.
 *
 * <p>Accepted text, as {@code wg(8)} splits it: {@code host:port} (split at the last colon) or
 * {@code [ipv6]:port}. Stricter than {@code wg}: an IPv6 literal must be in brackets (without
 * them {@code 2001:db8::1:51820} is ambiguous), the port must be a decimal number 1..65535, and a
 * name must be a valid DNS name. Names are never resolved here; see
 * {@link EndpointResolver}. IP literals are stored in canonical form, names as written.
 */
public final class Endpoint {
    /** What kind of host an endpoint names. */
    public enum Kind {
        /** A DNS name, to be resolved before the engine can use it. */
        HOSTNAME,
        /** An IPv4 literal. */
        IPV4,
        /** An IPv6 literal, possibly with a zone. */
        IPV6
    }

    /** Lowest valid endpoint port (0 cannot be sent to). */
    public static final int MIN_PORT = 1;
    /** Highest valid port. */
    public static final int MAX_PORT = 65535;
    /** Longest zone (interface name or index) accepted after {@code %}. */
    static final int MAX_ZONE_LENGTH = 64;

    private final String host;
    private final int port;
    private final Kind kind;
    private final IpAddress address; // null for HOSTNAME
    private final String zone; // null unless an IPv6 literal had one

    private Endpoint(String host, int port, Kind kind, IpAddress address, String zone) {
        this.host = host;
        this.port = port;
        this.kind = kind;
        this.address = address;
        this.zone = zone;
    }

    /**
     * An endpoint at an IP address.
     *
     * @throws IllegalArgumentException if the port is not 1..65535
     */
    public static Endpoint of(IpAddress address, int port) {
        checkPort(port);
        return new Endpoint(address.toString(), port, address.isIpv4() ? Kind.IPV4 : Kind.IPV6, address, null);
    }

    /**
     * An endpoint at {@code host}, which may be a DNS name, an IPv4 literal, or an IPv6 literal
     * without brackets (optionally with a {@code %zone}).
     *
     * @throws IllegalArgumentException if the host or the port is invalid
     */
    public static Endpoint of(String host, int port) {
        checkPort(port);
        Endpoint e = parseHost(host, port, host.indexOf(':') >= 0);
        if (e == null) {
            throw new IllegalArgumentException("not a host name or IP address: \"" + host + "\"");
        }
        return e;
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException if {@code text} is not a valid endpoint
     */
    public static Endpoint parse(CharSequence text) {
        return tryParse(text).orElseThrow(
                () -> new IllegalArgumentException("not an endpoint: \"" + text + "\""));
    }

    /** Parses {@code host:port} or {@code [ipv6]:port}, or returns empty if invalid. */
    public static Optional<Endpoint> tryParse(CharSequence text) {
        String s = text.toString();
        String hostPart;
        String portPart;
        boolean bracketed = s.startsWith("[");
        if (bracketed) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                return Optional.empty();
            }
            hostPart = s.substring(1, close);
            portPart = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            hostPart = s.substring(0, colon);
            portPart = s.substring(colon + 1);
        }
        int port = parsePort(portPart);
        if (port < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(parseHost(hostPart, port, bracketed));
    }

    /** Decimal 1..65535 (at most 5 digits); -1 if invalid. */
    private static int parsePort(String p) {
        if (p.isEmpty() || p.length() > 5) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v >= MIN_PORT && v <= MAX_PORT ? v : -1;
    }

    /** Host as IPv6 literal (iff {@code ipv6}), IPv4 literal, or DNS name; null if invalid. */
    private static Endpoint parseHost(String h, int port, boolean ipv6) {
        if (ipv6) {
            int pct = h.indexOf('%');
            String zone = pct < 0 ? null : h.substring(pct + 1);
            if (zone != null && !isValidZone(zone)) {
                return null;
            }
            Optional<IpAddress> a = IpAddress.tryParse(pct < 0 ? h : h.substring(0, pct));
            if (a.isEmpty() || !a.get().isIpv6()) {
                return null;
            }
            String canonical = zone == null ? a.get().toString() : a.get() + "%" + zone;
            return new Endpoint(canonical, port, Kind.IPV6, a.get(), zone);
        }
        if (looksLikeIpv4(h)) {
            return IpAddress.tryParse(h)
                    .map(a -> new Endpoint(a.toString(), port, Kind.IPV4, a, null))
                    .orElse(null);
        }
        return HostNames.isValid(h) ? new Endpoint(h, port, Kind.HOSTNAME, null, null) : null;
    }

    private static boolean looksLikeIpv4(String h) {
        if (h.isEmpty()) {
            return false;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidZone(String z) {
        if (z.isEmpty() || z.length() > MAX_ZONE_LENGTH) {
            return false;
        }
        for (int i = 0; i < z.length(); i++) {
            char c = z.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.' || c == '=' || c == '+';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void checkPort(int port) {
        if (port < MIN_PORT || port > MAX_PORT) {
            throw new IllegalArgumentException("endpoint port " + port + " is not in 1..65535");
        }
    }

    /** The host without brackets: a DNS name as written, or an IP literal in canonical form. */
    public String host() {
        return host;
    }

    /** The UDP port, 1..65535. */
    public int port() {
        return port;
    }

    /** Whether the host is a name, an IPv4 literal or an IPv6 literal. */
    public Kind kind() {
        return kind;
    }

    /** True when the host is an IP literal, so no name resolution is needed. */
    public boolean isResolved() {
        return kind != Kind.HOSTNAME;
    }

    /** The IP address, for IP literals; empty for host names. */
    public Optional<IpAddress> address() {
        return Optional.ofNullable(address);
    }

    /** The IPv6 zone written after {@code %}, if any. */
    public Optional<String> zone() {
        return Optional.ofNullable(zone);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint other && port == other.port && kind == other.kind && host.equals(other.host);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, kind);
    }

    /** {@code host:port}, or {@code [ipv6]:port}: the form {@code Endpoint =} and UAPI accept. */
    @Override
    public String toString() {
        return kind == Kind.IPV6 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
