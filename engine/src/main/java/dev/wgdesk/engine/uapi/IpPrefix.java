package dev.wgdesk.engine.uapi;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network prefix (an allowed IP), always in canonical form: the bits after the
 * prefix length are zero, so {@code 10.1.2.3/8} is stored and printed as {@code 10.0.0.0/8},
 * which is what wireguard-go's allowed-IPs trie stores and its {@code get} prints.
 *
 * <p>The family is kept exactly: an IPv4-mapped IPv6 prefix such as {@code ::ffff:0.0.0.0/96}
 * stays a 16-byte IPv6 prefix (Go's {@code netip} does the same), unlike Java's
 * {@link InetAddress}, which would turn the address into an IPv4 one.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class IpPrefix {
    private final byte[] address;
    private final int bits;

    private IpPrefix(byte[] address, int bits) {
        this.address = address;
        this.bits = bits;
    }

    /**
     * The prefix of {@code address} (4 or 16 bytes, copied) with {@code bits} leading bits; the
     * host bits are cleared.
     *
     * @throws IllegalArgumentException for another array length or a length out of range
     */
    public static IpPrefix of(byte[] address, int bits) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("an IP address is 4 or 16 bytes, not " + address.length);
        }
        if (bits < 0 || bits > address.length * 8) {
            throw new IllegalArgumentException("prefix length " + bits + " out of range 0.." + address.length * 8);
        }
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.clamp(bits - 8L * i, 0, 8);
            masked[i] &= (byte) (0xff00 >>> keep);
        }
        return new IpPrefix(masked, bits);
    }

    /** The prefix of a Java address: an {@link Inet4Address} gives IPv4, anything else IPv6. */
    public static IpPrefix of(InetAddress address, int bits) {
        return of(address.getAddress(), bits);
    }

    /**
     * Parses {@code address/bits} with the rules of Go's {@code netip.ParsePrefix}: the address
     * as in {@link IpText}, no IPv6 zone, and a decimal length without sign or leading zeros, at
     * most 32 for IPv4 and 128 for IPv6. Host bits may be set; they are cleared.
     *
     * @throws AddressFormatException when the text is not such a prefix
     */
    public static IpPrefix parse(CharSequence s) {
        int slash = -1;
        for (int i = s.length() - 1; i >= 0; i--) {
            if (s.charAt(i) == '/') {
                slash = i;
                break;
            }
        }
        if (slash < 0) {
            throw new AddressFormatException("prefix has no '/'");
        }
        IpText.ParsedAddress parsed = IpText.parseAddress(s.subSequence(0, slash));
        if (parsed.zone() != null) {
            throw new AddressFormatException("IPv6 zones cannot be present in a prefix");
        }
        int from = slash + 1;
        if (s.length() - from > 1 && s.charAt(from) == '0') {
            throw new AddressFormatException("prefix length has a leading zero");
        }
        int max = parsed.bytes().length * 8;
        long bits = IpText.parseUnsigned(s, from, s.length(), Integer.MAX_VALUE);
        if (bits < 0) {
            throw new AddressFormatException("prefix length is not a number");
        }
        if (bits > max) {
            throw new AddressFormatException("prefix length out of range");
        }
        return of(parsed.bytes(), (int) bits);
    }

    /** True for an IPv4 prefix (4 address bytes); false for IPv6, IPv4-mapped included. */
    public boolean isIpv4() {
        return address.length == 4;
    }

    /** The prefix length: 0..32 for IPv4, 0..128 for IPv6. */
    public int bits() {
        return bits;
    }

    /** A copy of the (masked) network address: 4 or 16 bytes. */
    public byte[] address() {
        return address.clone();
    }

    /**
     * The network address as a Java address. Note that Java turns an IPv4-mapped IPv6 address
     * into an IPv4 one: use {@link #address()} when the family matters.
     */
    public InetAddress inetAddress() {
        return IpText.toInetAddress(address);
    }

    /** {@code address/bits} exactly as wireguard-go prints it, e.g. {@code fd00::/64}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(50);
        IpText.appendAddress(sb, address);
        return sb.append('/').append(bits).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix other && bits == other.bits && Arrays.equals(address, other.address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + bits;
    }
}
