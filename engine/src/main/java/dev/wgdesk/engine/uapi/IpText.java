package dev.wgdesk.engine.uapi;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Text forms of IP addresses and endpoints exactly as wireguard-go reads and writes them on the
 * UAPI socket (Go's {@code net/netip}): strict numeric parsing, never a DNS lookup, and
 * RFC 5952 output (lowercase hex, the first longest run of two or more zero groups written as
 * {@code ::}, IPv4-mapped addresses as {@code ::ffff:a.b.c.d}).
 *
 * <p>Accepted address text, as in Go's {@code netip.ParseAddr}:
 * <ul>
 *   <li>IPv4: exactly four decimal fields 0..255, no leading zeros ({@code 01.2.3.4} is rejected),
 *       no empty fields;</li>
 *   <li>IPv6: up to eight groups of one to four hex digits in either case, at most one
 *       {@code ::} which must stand for at least one zero group, an optional trailing dotted IPv4
 *       in place of the last two groups, and an optional non-empty {@code %zone}.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class IpText {
    private IpText() {}

    /** An address as parsed: 4 or 16 bytes, and the IPv6 zone text or {@code null}. */
    record ParsedAddress(byte[] bytes, String zone) {}

    /* ---------------- parsing ---------------- */

    /** Parses an address with Go's {@code netip.ParseAddr} rules; the zone is kept as text. */
    static ParsedAddress parseAddress(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            switch (s.charAt(i)) {
                case '.' -> {
                    byte[] v4 = new byte[4];
                    parseIpv4Fields(s, 0, s.length(), v4, 0);
                    return new ParsedAddress(v4, null);
                }
                case ':' -> {
                    return parseIpv6(s);
                }
                case '%' -> throw new AddressFormatException("missing IPv6 address before zone");
                default -> { }
            }
        }
        throw new AddressFormatException("not an IP address");
    }

    /** Parses {@code s[from, to)} as a dotted quad into {@code out[off..off+4)}. */
    private static void parseIpv4Fields(CharSequence s, int from, int to, byte[] out, int off) {
        int value = 0;
        int digits = 0;
        int field = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits == 1 && value == 0) {
                    throw new AddressFormatException("IPv4 field has octet with leading zero");
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    throw new AddressFormatException("IPv4 field has value >255");
                }
            } else if (c == '.') {
                if (i == from || i == to - 1 || s.charAt(i - 1) == '.') {
                    throw new AddressFormatException("IPv4 field must have at least one digit");
                }
                if (field == 3) {
                    throw new AddressFormatException("IPv4 address too long");
                }
                out[off + field++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                throw new AddressFormatException("unexpected character in IPv4 address");
            }
        }
        if (field < 3) {
            throw new AddressFormatException("IPv4 address too short");
        }
        out[off + 3] = (byte) value;
    }

    private static ParsedAddress parseIpv6(CharSequence in) {
        int end = in.length();
        String zone = null;
        for (int i = 0; i < in.length(); i++) {
            if (in.charAt(i) == '%') {
                if (i == in.length() - 1) {
                    throw new AddressFormatException("IPv6 zone must not be empty");
                }
                zone = in.subSequence(i + 1, in.length()).toString();
                end = i;
                break;
            }
        }
        byte[] ip = new byte[16];
        int pos = 0;
        int ellipsis = -1; // byte index in ip where "::" stands
        int at = 0;        // next character of in
        if (end - at >= 2 && in.charAt(0) == ':' && in.charAt(1) == ':') {
            ellipsis = 0;
            at = 2;
            if (at == end) {
                return new ParsedAddress(ip, zone);
            }
        }
        while (pos < 16) {
            int digits = 0;
            int group = 0;
            while (at + digits < end) {
                int h = hexValue(in.charAt(at + digits));
                if (h < 0) {
                    break;
                }
                if (digits == 4) {
                    throw new AddressFormatException("IPv6 group has more than 4 digits");
                }
                group = (group << 4) | h;
                digits++;
            }
            if (digits == 0) {
                throw new AddressFormatException("IPv6 group must have at least one digit");
            }
            if (at + digits < end && in.charAt(at + digits) == '.') {
                if (ellipsis < 0 && pos != 12) {
                    throw new AddressFormatException("embedded IPv4 address must replace the last two IPv6 groups");
                }
                if (pos + 4 > 16) {
                    throw new AddressFormatException("no room for an embedded IPv4 address");
                }
                parseIpv4Fields(in, at, end, ip, pos);
                pos += 4;
                at = end;
                break;
            }
            ip[pos] = (byte) (group >>> 8);
            ip[pos + 1] = (byte) group;
            pos += 2;
            at += digits;
            if (at == end) {
                break;
            }
            if (in.charAt(at) != ':') {
                throw new AddressFormatException("unexpected character in IPv6 address");
            }
            if (at + 1 == end) {
                throw new AddressFormatException("IPv6 address ends with a single colon");
            }
            at++;
            if (in.charAt(at) == ':') {
                if (ellipsis >= 0) {
                    throw new AddressFormatException("IPv6 address has more than one ::");
                }
                ellipsis = pos;
                at++;
                if (at == end) {
                    break;
                }
            }
        }
        if (at != end) {
            throw new AddressFormatException("trailing characters after IPv6 address");
        }
        if (pos < 16) {
            if (ellipsis < 0) {
                throw new AddressFormatException("IPv6 address too short");
            }
            int shift = 16 - pos;
            System.arraycopy(ip, ellipsis, ip, ellipsis + shift, pos - ellipsis);
            java.util.Arrays.fill(ip, ellipsis, ellipsis + shift, (byte) 0);
        } else if (ellipsis >= 0) {
            throw new AddressFormatException(":: must stand for at least one zero group");
        }
        return new ParsedAddress(ip, zone);
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * Parses an unsigned decimal as Go's {@code strconv.ParseUint(s, 10, bits)} does: one or more
     * ASCII digits (leading zeros allowed), no sign, no spaces, at most {@code max}.
     *
     * @return the value, or -1 when {@code s} is not such a number
     */
    static long parseUnsigned(CharSequence s, int from, int to, long max) {
        if (from >= to) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value > max) {
                return -1;
            }
        }
        return value;
    }

    /**
     * Parses a UAPI endpoint, {@code a.b.c.d:port} or {@code [ipv6]:port} or
     * {@code [ipv6%zone]:port}, with the rules of Go's {@code netip.ParseAddrPort}. Host names are
     * refused (never resolved). A zone is a numeric scope id or the name of a local interface.
     * An IPv4-mapped IPv6 address becomes the plain IPv4 address, as Java's {@link InetAddress}
     * represents it.
     *
     * @throws AddressFormatException when the text is not such an endpoint
     */
    public static InetSocketAddress parseEndpoint(CharSequence s) {
        int colon = -1;
        for (int i = s.length() - 1; i >= 0; i--) {
            if (s.charAt(i) == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            throw new AddressFormatException("endpoint is not ip:port");
        }
        if (colon == 0) {
            throw new AddressFormatException("endpoint has no IP");
        }
        long port = parseUnsigned(s, colon + 1, s.length(), 0xffff);
        if (colon + 1 == s.length()) {
            throw new AddressFormatException("endpoint has no port");
        }
        int hostFrom = 0;
        int hostTo = colon;
        boolean bracketed = s.charAt(0) == '[';
        if (bracketed) {
            if (colon < 2 || s.charAt(colon - 1) != ']') {
                throw new AddressFormatException("endpoint is missing ]");
            }
            hostFrom = 1;
            hostTo = colon - 1;
        }
        if (port < 0) {
            throw new AddressFormatException("endpoint port is not a number 0..65535");
        }
        ParsedAddress parsed = parseAddress(s.subSequence(hostFrom, hostTo));
        boolean v6 = parsed.bytes().length == 16;
        if (bracketed && !v6) {
            throw new AddressFormatException("square brackets can only be used with IPv6 addresses");
        }
        if (!bracketed && v6) {
            throw new AddressFormatException("IPv6 endpoint addresses must be in square brackets");
        }
        return new InetSocketAddress(toInetAddress(parsed), (int) port);
    }

    private static InetAddress toInetAddress(ParsedAddress parsed) {
        try {
            byte[] b = parsed.bytes();
            if (b.length == 4 || parsed.zone() == null || isIpv4Mapped(b)) {
                return InetAddress.getByAddress(b); // unmaps ::ffff:a.b.c.d
            }
            String zone = parsed.zone();
            long scopeId = parseUnsigned(zone, 0, zone.length(), Integer.MAX_VALUE);
            if (scopeId >= 0) {
                return Inet6Address.getByAddress(null, b, (int) scopeId);
            }
            NetworkInterface nif;
            try {
                nif = NetworkInterface.getByName(zone);
            } catch (SocketException e) {
                nif = null;
            }
            if (nif == null) {
                throw new AddressFormatException("IPv6 zone names no local interface");
            }
            return Inet6Address.getByAddress(null, b, nif);
        } catch (UnknownHostException e) {
            // Only thrown for a wrong array length, which parseAddress never produces.
            throw new AddressFormatException("bad address length");
        }
    }

    /* ---------------- formatting ---------------- */

    /**
     * Formats an endpoint as wireguard-go writes it: {@code a.b.c.d:port}, or
     * {@code [ipv6]:port} with {@code %zone} inside the brackets when the address is scoped (the
     * interface name when Java knows it, else the numeric scope id).
     *
     * @throws IllegalArgumentException for an unresolved address (a bare host name)
     */
    public static String formatEndpoint(InetSocketAddress endpoint) {
        InetAddress addr = endpoint.getAddress();
        if (addr == null) {
            throw new IllegalArgumentException("endpoint is unresolved");
        }
        StringBuilder sb = new StringBuilder(64);
        if (addr instanceof Inet6Address v6) {
            sb.append('[');
            appendAddress(sb, v6.getAddress());
            NetworkInterface scoped = v6.getScopedInterface();
            if (scoped != null) {
                sb.append('%').append(scoped.getName());
            } else if (v6.getScopeId() != 0) {
                sb.append('%').append(v6.getScopeId());
            }
            sb.append(']');
        } else {
            appendAddress(sb, addr.getAddress());
        }
        return sb.append(':').append(endpoint.getPort()).toString();
    }

    /** Formats 4 or 16 address bytes as Go's {@code netip.Addr.String} does (no zone). */
    public static String formatAddress(byte[] address) {
        StringBuilder sb = new StringBuilder(46);
        appendAddress(sb, address);
        return sb.toString();
    }

    static void appendAddress(StringBuilder sb, byte[] a) {
        if (a.length == 4) {
            appendIpv4(sb, a, 0);
            return;
        }
        if (a.length != 16) {
            throw new IllegalArgumentException("an IP address is 4 or 16 bytes, not " + a.length);
        }
        if (isIpv4Mapped(a)) {
            sb.append("::ffff:");
            appendIpv4(sb, a, 12);
            return;
        }
        // Find the first longest run of at least two zero groups.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && group(a, j) == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLength) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(a, i)));
        }
    }

    private static int group(byte[] a, int i) {
        return ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }

    private static void appendIpv4(StringBuilder sb, byte[] a, int off) {
        sb.append(a[off] & 0xff).append('.').append(a[off + 1] & 0xff).append('.')
                .append(a[off + 2] & 0xff).append('.').append(a[off + 3] & 0xff);
    }

    static boolean isIpv4Mapped(byte[] a) {
        if (a.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** {@code a} as a Java address: 4 bytes give an {@link Inet4Address}, 16 an unscoped {@link Inet6Address}. */
    static InetAddress toInetAddress(byte[] a) {
        try {
            return a.length == 4 ? InetAddress.getByAddress(a) : Inet6Address.getByAddress(null, a, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IP address is 4 or 16 bytes, not " + a.length, e);
        }
    }
}
