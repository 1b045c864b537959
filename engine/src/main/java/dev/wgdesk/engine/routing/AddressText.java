package dev.wgdesk.engine.routing;

import dev.wgdesk.engine.routing.PrefixFormatException.Reason;

/**
 * IP address text, both ways, without ever touching DNS ({@code InetAddress.getByName} would
 * resolve anything that is not a literal).
 *
 * <p>Parsing accepts what {@code inet_pton} accepts: IPv4 as exactly four decimal octets without
 * leading zeros; IPv6 as RFC 4291 text (hex groups, at most one {@code ::}, an optional dotted
 * IPv4 tail). Formatting is canonical: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, no
 * leading zeros, the longest run of two or more zero groups compressed, the first on a tie, and
 * {@code ::ffff:a.b.c.d} for IPv4-mapped addresses).
 *
 * <p>Stateless; safe for concurrent use.
 */
final class AddressText {
    private AddressText() {}

    /** Parses an IPv4 or IPv6 literal into 4 or 16 bytes. {@code whole} is used in messages only. */
    static byte[] parse(String text, String whole) {
        if (text.isEmpty()) {
            throw new PrefixFormatException(Reason.EMPTY, "'" + whole + "': no address");
        }
        if (text.indexOf('%') >= 0) {
            throw new PrefixFormatException(Reason.ZONE_NOT_ALLOWED,
                    "'" + whole + "': an IPv6 zone (%...) is not allowed here");
        }
        if (text.indexOf(':') >= 0) {
            return parseV6(text, whole);
        }
        byte[] out = new byte[4];
        if (!parseV4(text, out, 0)) {
            throw bad(whole, "not a dotted-quad IPv4 address");
        }
        return out;
    }

    /** Parses exactly four decimal octets ("a.b.c.d", each 0..255, no leading zeros) into dst. */
    private static boolean parseV4(String s, byte[] dst, int off) {
        int part = 0;
        int value = -1; // -1: no digit yet in this part
        boolean leadingZero = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (value < 0 || part == 3) {
                    return false;
                }
                dst[off + part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                if (value == 0 && leadingZero) {
                    return false; // "01" is ambiguous (octal in some parsers): refuse it
                }
                leadingZero = value < 0 && c == '0';
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        if (value < 0 || part != 3) {
            return false;
        }
        dst[off + 3] = (byte) value;
        return true;
    }

    private static byte[] parseV6(String s, String whole) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            throw bad(whole, "more than one '::'");
        }
        byte[] head = new byte[16];
        byte[] tail = new byte[16];
        int headLen = gap < 0 ? parseGroups(s, head, true, whole) : parseGroups(s.substring(0, gap), head, false, whole);
        int tailLen = gap < 0 ? 0 : parseGroups(s.substring(gap + 2), tail, true, whole);
        if (gap < 0 && headLen != 16) {
            throw bad(whole, "an IPv6 address needs 8 groups or a '::'");
        }
        if (gap >= 0 && headLen + tailLen > 14) {
            throw bad(whole, "'::' must stand for at least one zero group");
        }
        byte[] out = new byte[16];
        System.arraycopy(head, 0, out, 0, headLen);
        System.arraycopy(tail, 0, out, 16 - tailLen, tailLen);
        return out;
    }

    /**
     * Parses colon-separated hex groups into dst, returning the bytes written. An empty string is
     * zero groups. If {@code ipv4TailAllowed}, the last group may be a dotted quad (4 bytes).
     */
    private static int parseGroups(String s, byte[] dst, boolean ipv4TailAllowed, String whole) {
        if (s.isEmpty()) {
            return 0;
        }
        int n = 0;
        int start = 0;
        while (true) {
            int end = s.indexOf(':', start);
            String group = end < 0 ? s.substring(start) : s.substring(start, end);
            if (end < 0 && ipv4TailAllowed && group.indexOf('.') >= 0) {
                if (n > 12 || !parseV4(group, dst, n)) {
                    throw bad(whole, "bad IPv4 part '" + group + "'");
                }
                return n + 4;
            }
            if (group.isEmpty() || group.length() > 4) {
                throw bad(whole, group.isEmpty() ? "empty group" : "group '" + group + "' has more than 4 hex digits");
            }
            int v = 0;
            for (int i = 0; i < group.length(); i++) {
                int d = Character.digit(group.charAt(i), 16);
                if (d < 0 || group.charAt(i) > 'f') { // Character.digit also accepts non-ASCII digits
                    throw bad(whole, "group '" + group + "' is not hexadecimal");
                }
                v = v << 4 | d;
            }
            if (n == 16) {
                throw bad(whole, "more than 8 groups");
            }
            dst[n++] = (byte) (v >>> 8);
            dst[n++] = (byte) v;
            if (end < 0) {
                return n;
            }
            start = end + 1;
        }
    }

    private static PrefixFormatException bad(String whole, String why) {
        return new PrefixFormatException(Reason.BAD_ADDRESS, "'" + whole + "': " + why);
    }

    /** Canonical text of a 4- or 16-byte address. */
    static String format(byte[] a) {
        StringBuilder sb = new StringBuilder(39);
        if (a.length == 4) {
            appendV4(sb, a, 0);
            return sb.toString();
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        }
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
            sb.append("::ffff:");
            appendV4(sb, a, 12);
            return sb.toString();
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static void appendV4(StringBuilder sb, byte[] a, int off) {
        sb.append(a[off] & 0xff).append('.').append(a[off + 1] & 0xff).append('.')
                .append(a[off + 2] & 0xff).append('.').append(a[off + 3] & 0xff);
    }
}
