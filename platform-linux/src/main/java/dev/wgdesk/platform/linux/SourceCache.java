package dev.wgdesk.platform.linux;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Turns the source {@code sockaddr} of each received datagram into an {@link InetSocketAddress}
 * without allocating when the same source was seen recently: a two-way set-associative table
 * (128 sets, least recently used way replaced) keyed by the raw address, port and scope id. A WireGuard device hears from a handful of endpoints, so after
 * the first datagram from each, receiving allocates nothing.
 *
 * <p>IPv4 sources, whether from an {@code AF_INET} socket or IPv4-mapped on a dual-stack one, are
 * keyed alike and come out as plain IPv4 addresses. Not thread-safe: one per receiving thread.
 */
final class SourceCache {
    private static final int SIZE = 256; // power of two
    private static final long V4_MAPPED_LOW = 0xffffL << 16; // bytes 8..15 = 00 00 ff ff a b c d (LE)

    private final long[] highs = new long[SIZE];
    private final long[] lows = new long[SIZE];
    private final long[] portScopes = new long[SIZE];
    private final InetSocketAddress[] addresses = new InetSocketAddress[SIZE];
    private final byte[] mostRecent = new byte[SIZE / 2]; // per set: the way hit last

    /** The address at {@code off} in {@code view} (native order), cached. */
    InetSocketAddress lookup(ByteBuffer view, int off) throws IOException {
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
        long portScope = ((long) scope << 16) | port;
        long h = (high * 0x9E3779B97F4A7C15L) ^ (low * 0xC2B2AE3D27D4EB4FL) ^ (portScope * 0x165667B19E3779F9L);
        int base = (int) (h >>> 56) & (SIZE - 2); // two ways per set: sources that collide still hit
        for (int way = 0; way < 2; way++) {
            int slot = base + way;
            InetSocketAddress cached = addresses[slot];
            if (cached != null && highs[slot] == high && lows[slot] == low && portScopes[slot] == portScope) {
                mostRecent[base >>> 1] = (byte) way;
                return cached;
            }
        }
        int slot = base + (1 - mostRecent[base >>> 1]); // replace the less recently used way
        InetSocketAddress fresh = SockAddr.decode(view, off);
        highs[slot] = high;
        lows[slot] = low;
        portScopes[slot] = portScope;
        addresses[slot] = fresh;
        mostRecent[base >>> 1] = (byte) (slot - base);
        return fresh;
    }
}
