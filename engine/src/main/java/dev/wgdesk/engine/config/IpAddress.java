package dev.wgdesk.engine.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address literal. Instances of this class are immutable.
 *
 * <p>Parsing follows {@code inet_pton(3)} exactly as {@code wg(8)} uses it: IPv4 is four decimal
 * octets without leading zeros; IPv6 is up to eight hex groups of one to four digits, at most one
 * {@code ::}, and an optional trailing dotted IPv4 part. Nothing is ever looked up in DNS, and
 * zone ids ({@code %eth0}) are not part of an address. Unlike {@link InetAddress}, an
 * IPv4-mapped IPv6 address ({@code ::ffff:1.2.3.4}) stays IPv6.
 *
 * <p>{@link #toString()} gives the canonical text: dotted quad, or RFC 5952 for IPv6 (lower case,
 * longest run of two or more zero groups compressed, mixed notation for IPv4-mapped addresses).
 */
public final class IpAddress {
    /** Bytes in an IPv4 address. */
    public static final int IPV4_LENGTH = 4;
    /** Bytes in an IPv6 address. */
    public static final int IPV6_LENGTH = 16;

    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Wraps a copy of a 4-byte (IPv4) or 16-byte (IPv6) address.
     *
     * @throws IllegalArgumentException for any other length
     */
    public static IpAddress ofBytes(byte[] address) {
        if (address.length != IPV4_LENGTH && address.length != IPV6_LENGTH) {
            throw new IllegalArgumentException("an IP address is 4 or 16 bytes, not " + address.length);
        }
        return new IpAddress(address.clone());
    }

    /** The address of an {@link InetAddress} (its IPv6 scope, if any, is dropped). */
    public static IpAddress of(InetAddress address) {
        return new IpAddress(address.getAddress());
    }

    /**
     * Parses an address literal.
     *
     * @throws IllegalArgumentException if {@code text} is not an IPv4 or IPv6 literal
     */
    public static IpAddress parse(CharSequence text) {
        return tryParse(text).orElseThrow(
                () -> new IllegalArgumentException("not an IP address: \"" + text + "\""));
    }

    /** Parses an address literal, or returns empty if {@code text} is not one. */
    public static Optional<IpAddress> tryParse(CharSequence text) {
        String s = text.toString();
        byte[] b = s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s, 0, s.length());
        return b == null ? Optional.empty() : Optional.of(new IpAddress(b));
    }

    /** True for a 4-byte IPv4 address. */
    public boolean isIpv4() {
        return bytes.length == IPV4_LENGTH;
    }

    /** True for a 16-byte IPv6 address (including IPv4-mapped ones). */
    public boolean isIpv6() {
        return bytes.length == IPV6_LENGTH;
    }

    /** 32 for IPv4, 128 for IPv6: the longest prefix length for this family. */
    public int bitLength() {
        return bytes.length * 8;
    }

    /** A copy of the address bytes, in network order. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Reads byte {@code i} (0-based, network order) without copying. */
    byte byteAt(int i) {
        return bytes[i];
    }

    /** The same address as an {@link InetAddress}, built without any name lookup. */
    public InetAddress toInetAddress() {
        try {
            return isIpv4()
                    ? Inet4Address.getByAddress(bytes.clone())
                    : Inet6Address.getByAddress(null, bytes.clone(), -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("length already checked", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The canonical text form (dotted quad, or RFC 5952 IPv6). */
    @Override
    public String toString() {
        return isIpv4() ? formatIpv4(bytes, 0) : formatIpv6(bytes);
    }

    /* ---------- parsing ---------- */

    /** inet_pton(AF_INET) on s[from, to): four decimal octets, no leading zeros; null if invalid. */
    private static byte[] parseIpv4(String s, int from, int to) {
        byte[] out = new byte[IPV4_LENGTH];
        int octet = 0;
        int i = from;
        while (octet < IPV4_LENGTH) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && isDigit(s.charAt(i))) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[octet++] = (byte) value;
            if (octet < IPV4_LENGTH) {
                if (i >= to || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == to ? out : null;
    }

    /** inet_pton(AF_INET6); null if invalid. */
    private static byte[] parseIpv6(String s) {
        int n = s.length();
        if (n < 2) {
            return null;
        }
        byte[] out = new byte[IPV6_LENGTH];
        int o = 0;          // next output byte
        int gap = -1;       // output index where "::" was seen
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (n == 2) {
                return out;
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 5 && Text.hexValue(s.charAt(i)) >= 0) {
                value = (value << 4) | Text.hexValue(s.charAt(i));
                i++;
            }
            int digits = i - start;
            if (i < n && s.charAt(i) == '.') {
                // Trailing dotted IPv4: takes the last four bytes.
                if (o + IPV4_LENGTH > IPV6_LENGTH) {
                    return null;
                }
                byte[] v4 = parseIpv4(s, start, n);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, o, IPV4_LENGTH);
                o += IPV4_LENGTH;
                i = n;
                break;
            }
            if (digits == 0 || digits > 4 || o + 2 > IPV6_LENGTH) {
                return null;
            }
            out[o++] = (byte) (value >>> 8);
            out[o++] = (byte) value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null; // a second "::"
                }
                gap = o;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null; // a single trailing ':'
            }
        }
        if (gap >= 0) {
            if (o == IPV6_LENGTH) {
                return null; // "::" must stand for at least one group
            }
            int tail = o - gap;
            System.arraycopy(out, gap, out, IPV6_LENGTH - tail, tail);
            Arrays.fill(out, gap, IPV6_LENGTH - tail, (byte) 0);
        } else if (o != IPV6_LENGTH) {
            return null;
        }
        return out;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /* ---------- formatting ---------- */

    private static String formatIpv4(byte[] b, int off) {
        return (b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff);
    }

    private static String formatIpv6(byte[] b) {
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        mapped &= b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        if (mapped) {
            return "::ffff:" + formatIpv4(b, 12);
        }
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = ((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff);
        }
        // RFC 5952 4.2: compress the longest run of 2+ zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - start > bestLen) {
                bestStart = start;
                bestLen = g - start;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[g]));
        }
        return sb.toString();
    }
}
