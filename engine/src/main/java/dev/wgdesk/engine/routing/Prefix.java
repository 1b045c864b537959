package dev.wgdesk.engine.routing;

import dev.wgdesk.engine.routing.PrefixFormatException.Reason;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 prefix such as {@code 10.0.0.0/24} or {@code fd00::/64}: an allowed-IPs entry.
 *
 * <p>Immutable. The address is always stored <em>masked</em> (host bits cleared), as WireGuard
 * stores allowed IPs, so {@code 10.0.0.1/24} and {@code 10.0.0.0/24} are the same prefix and both
 * print as {@code 10.0.0.0/24}. {@link #address()} returns a copy. Equality compares family,
 * address bytes and length. {@link #toString()} is the canonical text {@code wg show} prints:
 * dotted quad, or RFC 5952 compressed IPv6 ({@code 2607:5300:6000:6b00::c05f:543/128}).
 *
 * @param address 4 (IPv4) or 16 (IPv6) network-order bytes, copied and masked on construction
 * @param cidr the prefix length, 0..32 for IPv4 or 0..128 for IPv6
 */
public record Prefix(byte[] address, int cidr) {

    /**
     * Validates, copies and masks.
     *
     * @throws PrefixFormatException ({@link Reason#BAD_ADDRESS_LENGTH}, {@link Reason#BAD_LENGTH})
     *     if the address is not 4 or 16 bytes or the length is out of range
     * @throws NullPointerException if {@code address} is null
     */
    public Prefix {
        Objects.requireNonNull(address, "address");
        if (address.length != 4 && address.length != 16) {
            throw new PrefixFormatException(Reason.BAD_ADDRESS_LENGTH,
                    "an address is 4 or 16 bytes, not " + address.length);
        }
        int max = address.length * 8;
        if (cidr < 0 || cidr > max) {
            throw new PrefixFormatException(Reason.BAD_LENGTH,
                    "prefix length " + cidr + " is out of range 0.." + max);
        }
        address = masked(address, cidr);
    }

    /** The prefix of {@code address} with length {@code cidr} (host bits are cleared). */
    public static Prefix of(InetAddress address, int cidr) {
        return new Prefix(address.getAddress(), cidr);
    }

    /** The single-address prefix: /32 for IPv4, /128 for IPv6. */
    public static Prefix host(InetAddress address) {
        byte[] a = address.getAddress();
        return new Prefix(a, a.length * 8);
    }

    /**
     * Parses {@code address/length}, e.g. {@code 10.0.0.1/32}, {@code 192.168.4.0/24},
     * {@code fd00::/64} or {@code ::ffff:10.0.0.1/128}. The length is required (as in UAPI
     * {@code allowed_ip=}). Host bits are masked. Never consults DNS.
     *
     * @throws PrefixFormatException with a {@link Reason} and a message naming the text
     */
    public static Prefix parse(CharSequence text) {
        String s = text.toString().strip();
        if (s.isEmpty()) {
            throw new PrefixFormatException(Reason.EMPTY, "empty prefix");
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new PrefixFormatException(Reason.MISSING_LENGTH,
                    "'" + s + "': missing '/length' (e.g. /32 or /128)");
        }
        byte[] address = AddressText.parse(s.substring(0, slash), s);
        int max = address.length * 8;
        String len = s.substring(slash + 1);
        int cidr = parseLength(len, max);
        if (cidr < 0) {
            throw new PrefixFormatException(Reason.BAD_LENGTH,
                    "'" + s + "': prefix length '" + len + "' is not a number in 0.." + max);
        }
        return new Prefix(address, cidr);
    }

    /** Decimal 0..max without sign, spaces or leading zeros; -1 if invalid. */
    private static int parseLength(String s, int max) {
        if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= max ? v : -1;
    }

    /** A copy of the masked network address bytes (4 or 16). */
    @Override
    public byte[] address() {
        return address.clone();
    }

    /** True for an IPv4 prefix. */
    public boolean isIpv4() {
        return address.length == 4;
    }

    /** True for an IPv6 prefix. */
    public boolean isIpv6() {
        return address.length == 16;
    }

    /** The network address as an {@link InetAddress} (no DNS involved). */
    public InetAddress network() {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always a valid address", e);
        }
    }

    /** True if {@code candidate} (4 or 16 bytes, same family) lies inside this prefix. */
    public boolean contains(byte[] candidate) {
        return candidate.length == address.length && Arrays.equals(masked(candidate, cidr), address);
    }

    /** True if {@code candidate} is of the same family and lies inside this prefix. */
    public boolean contains(InetAddress candidate) {
        return contains(candidate.getAddress());
    }

    /** Trie key, bits 0..63 (an IPv4 address fills the top 32 bits). */
    long keyHi() {
        long v = 0;
        for (int i = 0; i < Math.min(8, address.length); i++) {
            v = v << 8 | (address[i] & 0xff);
        }
        return address.length == 4 ? v << 32 : v;
    }

    /** Trie key, bits 64..127 (0 for IPv4). */
    long keyLo() {
        long v = 0;
        for (int i = 8; i < address.length; i++) {
            v = v << 8 | (address[i] & 0xff);
        }
        return v;
    }

    /** Copy of {@code a} with every bit after the first {@code cidr} cleared. */
    static byte[] masked(byte[] a, int cidr) {
        byte[] m = a.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = cidr - 8 * i; // bits of byte i that belong to the prefix
            if (keep <= 0) {
                m[i] = 0;
            } else if (keep < 8) {
                m[i] &= (byte) (0xff << (8 - keep));
            }
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix p && cidr == p.cidr && Arrays.equals(address, p.address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + cidr;
    }

    /** Canonical text, e.g. {@code 10.0.0.0/24} or {@code fd00::/64}. */
    @Override
    public String toString() {
        return AddressText.format(address) + "/" + cidr;
    }
}
