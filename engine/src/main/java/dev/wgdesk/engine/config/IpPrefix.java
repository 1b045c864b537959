package dev.wgdesk.engine.config;

import java.util.Optional;

/**
 * An IP address with a prefix length, as written in {@code Address} and {@code AllowedIPs}.
 * Instances of this class are immutable.
 *
 * <p>Host bits are kept exactly as written: {@code Address = 10.0.0.2/24} means "this host is
 * 10.0.0.2 on the 10.0.0.0/24 network", and must not lose its {@code .2}. {@link #hasHostBits()}
 * tells whether any are set and {@link #masked()} clears them (what the kernel does to
 * {@code AllowedIPs}). Equality compares the address as written and the length.
 *
 * <p>Text form: {@code address/length}. When parsing, a missing {@code /length} means the full
 * length (32 or 128), as {@code wg(8)} and {@code ip address add} read it.
 */
public final class IpPrefix {
    private final IpAddress address;
    private final int cidr;

    private IpPrefix(IpAddress address, int cidr) {
        this.address = address;
        this.cidr = cidr;
    }

    /**
     * A prefix of {@code cidr} bits at {@code address} (host bits are kept).
     *
     * @throws IllegalArgumentException if {@code cidr} is not in 0..{@link IpAddress#bitLength()}
     */
    public static IpPrefix of(IpAddress address, int cidr) {
        if (cidr < 0 || cidr > address.bitLength()) {
            throw new IllegalArgumentException(
                    "prefix length " + cidr + " is not in 0.." + address.bitLength() + " for " + address);
        }
        return new IpPrefix(address, cidr);
    }

    /** A single-address prefix: /32 for IPv4, /128 for IPv6. */
    public static IpPrefix host(IpAddress address) {
        return new IpPrefix(address, address.bitLength());
    }

    /**
     * Parses {@code address[/length]}.
     *
     * @throws IllegalArgumentException if {@code text} is not a valid prefix
     */
    public static IpPrefix parse(CharSequence text) {
        return tryParse(text).orElseThrow(
                () -> new IllegalArgumentException("not an IP prefix: \"" + text + "\""));
    }

    /**
     * Parses {@code address[/length]}, or returns empty if {@code text} is not a valid prefix. The
     * length is 1 to 3 decimal digits (leading zeros allowed, as {@code wg} allows them) no larger
     * than the address family's bit length.
     */
    public static Optional<IpPrefix> tryParse(CharSequence text) {
        String s = text.toString();
        int slash = s.indexOf('/');
        Optional<IpAddress> address = IpAddress.tryParse(slash < 0 ? s : s.substring(0, slash));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        if (slash < 0) {
            return Optional.of(host(address.get()));
        }
        String len = s.substring(slash + 1);
        if (len.isEmpty() || len.length() > 3) {
            return Optional.empty();
        }
        int value = 0;
        for (int i = 0; i < len.length(); i++) {
            char c = len.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
            value = value * 10 + (c - '0');
        }
        if (value > address.get().bitLength()) {
            return Optional.empty();
        }
        return Optional.of(new IpPrefix(address.get(), value));
    }

    /** The address as written, host bits included. */
    public IpAddress address() {
        return address;
    }

    /** The prefix length in bits (the CIDR number after the slash). */
    public int cidr() {
        return cidr;
    }

    /** True for an IPv4 prefix. */
    public boolean isIpv4() {
        return address.isIpv4();
    }

    /** True when any bit after the first {@link #cidr()} bits of the address is set. */
    public boolean hasHostBits() {
        int bytes = address.bitLength() / 8;
        for (int i = 0; i < bytes; i++) {
            if ((address.byteAt(i) & 0xff & ~networkMask(i)) != 0) {
                return true;
            }
        }
        return false;
    }

    /** The network prefix: the same length with every host bit cleared. */
    public IpPrefix masked() {
        if (!hasHostBits()) {
            return this;
        }
        byte[] b = address.toBytes();
        for (int i = 0; i < b.length; i++) {
            b[i] &= (byte) networkMask(i);
        }
        return new IpPrefix(IpAddress.ofBytes(b), cidr);
    }

    /** True when {@code other} lies inside this prefix (same family, host bits ignored). */
    public boolean contains(IpAddress other) {
        if (other.bitLength() != address.bitLength()) {
            return false;
        }
        for (int i = 0; i < address.bitLength() / 8; i++) {
            int mask = networkMask(i);
            if ((address.byteAt(i) & mask) != (other.byteAt(i) & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Mask (0..0xff) of the network bits in byte {@code i}. */
    private int networkMask(int i) {
        int bitsHere = Math.clamp(cidr - 8L * i, 0, 8);
        return (0xff << (8 - bitsHere)) & 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix other && cidr == other.cidr && address.equals(other.address);
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + cidr;
    }

    /** {@code address/cidr}, with the address in canonical form. */
    @Override
    public String toString() {
        return address + "/" + cidr;
    }
}
