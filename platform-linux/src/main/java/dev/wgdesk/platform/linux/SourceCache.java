package dev.wgdesk.platform.linux;

import dev.wgdesk.engine.conn.UdpEndpoint;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Turns where a received datagram came from (its source {@code sockaddr}) and where it went (our
 * local address and interface, from the packet information the kernel reports) into a
 * {@link UdpEndpoint}, without allocating when the same pair was seen recently: a two-way
 * set-associative table (128 sets, least recently used way replaced) keyed by the raw remote
 * address, port and scope id, the raw local address and the interface index. A WireGuard device
 * hears from a handful of endpoints, so after the first datagram from each, receiving allocates
 * nothing, and the engine sees the same instance every time (its roaming check is then an
 * identity comparison).
 *
 * <p>IPv4 addresses, whether from an {@code AF_INET} socket or IPv4-mapped on a dual-stack one,
 * are keyed alike and come out as plain IPv4 addresses. Not thread-safe: one per receiving thread.
 */
final class SourceCache {
    private static final int SIZE = 256; // power of two
    /** Bytes 8..15 of {@code ::ffff:0.0.0.0} read as a little-endian long, without the IPv4 part. */
    static final long V4_MAPPED_LOW = 0xffffL << 16;

    private final long[] highs = new long[SIZE];
    private final long[] lows = new long[SIZE];
    private final long[] portScopes = new long[SIZE];
    private final long[] localHighs = new long[SIZE];
    private final long[] localLows = new long[SIZE];
    private final int[] localInterfaces = new int[SIZE];
    private final UdpEndpoint[] endpoints = new UdpEndpoint[SIZE];
    private final byte[] mostRecent = new byte[SIZE / 2]; // per set: the way hit last

    /** The remote address at {@code off} in {@code view} (native order), with no local address. */
    UdpEndpoint lookup(ByteBuffer view, int off) throws IOException {
        return lookup(view, off, false, 0, 0, 0);
    }

    /**
     * The endpoint for the remote address at {@code off} in {@code view} and, if
     * {@code hasLocal}, the local address given as two little-endian longs (IPv4 as
     * {@code ::ffff:a.b.c.d}) and interface index; cached.
     */
    UdpEndpoint lookup(ByteBuffer view, int off, boolean hasLocal, long localHigh, long localLow, int localInterface)
            throws IOException {
        int family = view.getShort(off);
        int port = SockAddr.getPort(view, off + 2);
        long high;
        long low;
        int scope;
        if (family == SockAddr.AF_INET6) {
            high = view.getLong(off + 8);
            low = view.getLong(off + 16);
            scope = view.getInt(off + 24);
        } else if (family == SockAddr.AF_INET) {
            high = 0;
            low = V4_MAPPED_LOW | ((view.getInt(off + 4) & 0xffffffffL) << 32);
            scope = 0;
        } else {
            throw new IOException("datagram from unexpected address family " + family);
        }
        if (!hasLocal) {
            localHigh = localLow = 0; // the unspecified address: "no source"
            localInterface = 0;
        }
        long portScope = ((long) scope << 16) | port;
        long h = (high * 0x9E3779B97F4A7C15L) ^ (low * 0xC2B2AE3D27D4EB4FL) ^ (portScope * 0x165667B19E3779F9L)
                ^ (localLow * 0xD6E8FEB86659FD93L) ^ (localHigh * 0xFF51AFD7ED558CCDL) ^ localInterface;
        int base = (int) (h >>> 56) & (SIZE - 2); // two ways per set: sources that collide still hit
        for (int way = 0; way < 2; way++) {
            int slot = base + way;
            UdpEndpoint cached = endpoints[slot];
            if (cached != null && highs[slot] == high && lows[slot] == low && portScopes[slot] == portScope
                    && localHighs[slot] == localHigh && localLows[slot] == localLow
                    && localInterfaces[slot] == localInterface) {
                mostRecent[base >>> 1] = (byte) way;
                return cached;
            }
        }
        int slot = base + (1 - mostRecent[base >>> 1]); // replace the less recently used way
        UdpEndpoint fresh = endpoint(SockAddr.decode(view, off), localHigh, localLow, localInterface);
        highs[slot] = high;
        lows[slot] = low;
        portScopes[slot] = portScope;
        localHighs[slot] = localHigh;
        localLows[slot] = localLow;
        localInterfaces[slot] = localInterface;
        endpoints[slot] = fresh;
        mostRecent[base >>> 1] = (byte) (slot - base);
        return fresh;
    }

    /** Builds the endpoint; a local address that cannot serve as a source is left out. */
    private static UdpEndpoint endpoint(InetSocketAddress remote, long localHigh, long localLow, int localInterface)
            throws UnknownHostException {
        InetAddress local = localAddress(localHigh, localLow, localInterface);
        if (local == null || local.isAnyLocalAddress() || local.isMulticastAddress()
                || (local instanceof Inet4Address) != (remote.getAddress() instanceof Inet4Address)) {
            return UdpEndpoint.of(remote);
        }
        return UdpEndpoint.of(remote, local, localInterface);
    }

    /** The address the two little-endian longs hold; null for the unspecified address. */
    static InetAddress localAddress(long high, long low, int localInterface) throws UnknownHostException {
        if (high == 0 && low == 0) {
            return null;
        }
        byte[] a = new byte[16];
        for (int i = 0; i < 8; i++) {
            a[i] = (byte) (high >>> (8 * i));
            a[8 + i] = (byte) (low >>> (8 * i));
        }
        if (high == 0 && (low & 0xffffffffL) == V4_MAPPED_LOW) {
            return InetAddress.getByAddress(new byte[] {a[12], a[13], a[14], a[15]});
        }
        if ((a[0] & 0xff) == 0xfe && (a[1] & 0xc0) == 0x80 && localInterface > 0) {
            return Inet6Address.getByAddress(null, a, localInterface); // link-local: scoped
        }
        return InetAddress.getByAddress(a);
    }
}
