package dev.wgdesk.engine.conn;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a peer is reached: the remote UDP address, and optionally the local address (and the
 * index of the interface) that a datagram from it arrived on: the <em>sticky source</em>.
 *
 * <p>Replies to a peer should leave from the address the peer dialled, not from whatever
 * address the kernel would pick: a host with several addresses on a link, or several links,
 * otherwise answers from an address the peer (or a NAT or firewall on the way) does not expect.
 * A {@link Bind} that can (Linux: {@code IP_PKTINFO} / {@code IPV6_PKTINFO}) reports the local
 * address of every datagram it receives and sends from the source of the endpoint it is given;
 * other binds report no source and ignore it when sending. The engine forgets a cached source
 * whenever it might be stale (protocol.md 1.11), and a bind that finds the source no longer
 * usable throws {@link StaleSourceException}.
 *
 * <p>Immutable. Equality covers the remote address, the source and the interface index. Binds
 * should hand out the same instance for datagrams with the same addresses (a small cache), so
 * that the engine's per-packet "has the endpoint changed?" check is an identity comparison and
 * the data path allocates nothing.
 */
public final class UdpEndpoint {
    private final InetSocketAddress remote;
    private final InetAddress source; // null: no sticky source
    private final int sourceInterface; // 0: unknown

    private UdpEndpoint(InetSocketAddress remote, InetAddress source, int sourceInterface) {
        this.remote = remote;
        this.source = source;
        this.sourceInterface = sourceInterface;
    }

    /**
     * An endpoint with no source: the kernel picks the local address.
     *
     * @throws IllegalArgumentException if {@code remote} is unresolved
     */
    public static UdpEndpoint of(InetSocketAddress remote) {
        return new UdpEndpoint(checkRemote(remote), null, 0);
    }

    /**
     * An endpoint with a sticky source.
     *
     * @param source our local address the peer's datagram arrived on; null for none
     * @param sourceInterface the index of the interface it arrived on, 0 if unknown (ignored
     *     without a source)
     * @throws IllegalArgumentException if {@code remote} is unresolved, the source is a wildcard
     *     or multicast address, the families differ, or the interface index is negative
     */
    public static UdpEndpoint of(InetSocketAddress remote, InetAddress source, int sourceInterface) {
        checkRemote(remote);
        if (source == null) {
            return new UdpEndpoint(remote, null, 0);
        }
        if (source.isAnyLocalAddress() || source.isMulticastAddress()) {
            throw new IllegalArgumentException("not a usable source address: " + source.getHostAddress());
        }
        if ((source instanceof Inet4Address) != (remote.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("source " + source.getHostAddress() + " and remote " + remote
                    + " are of different address families");
        }
        if (sourceInterface < 0) {
            throw new IllegalArgumentException("negative interface index " + sourceInterface);
        }
        return new UdpEndpoint(remote, source, sourceInterface);
    }

    private static InetSocketAddress checkRemote(InetSocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("endpoint must be resolved: " + remote);
        }
        return remote;
    }

    /** The peer's address and port. */
    public InetSocketAddress remote() {
        return remote;
    }

    /** True if a sticky source is cached. */
    public boolean hasSource() {
        return source != null;
    }

    /** Our local address to send from, or null to let the kernel choose. */
    public InetAddress source() {
        return source;
    }

    /** The interface the source was seen on, 0 if unknown or without a source. */
    public int sourceInterface() {
        return sourceInterface;
    }

    /** True if the remote address is IPv6 (not IPv4-mapped: binds report those as IPv4). */
    public boolean isIpv6() {
        return remote.getAddress() instanceof Inet6Address;
    }

    /** This endpoint without its source; {@code this} if it has none. */
    public UdpEndpoint withoutSource() {
        return source == null ? this : new UdpEndpoint(remote, null, 0);
    }

    /** True if both have the same remote address; sources are not compared. */
    public boolean sameRemote(UdpEndpoint other) {
        return other != null && (other == this || remote.equals(other.remote));
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        return o instanceof UdpEndpoint e && sourceInterface == e.sourceInterface && remote.equals(e.remote)
                && Objects.equals(source, e.source);
    }

    @Override
    public int hashCode() {
        return (remote.hashCode() * 31 + Objects.hashCode(source)) * 31 + sourceInterface;
    }

    /** {@code 192.0.2.1:51820}, or {@code 192.0.2.1:51820 (from 10.0.0.2 on if 3)} with a source. */
    @Override
    public String toString() {
        if (source == null) {
            return remote.toString();
        }
        return remote + " (from " + source.getHostAddress() + (sourceInterface != 0 ? " on if " + sourceInterface : "") + ")";
    }
}
