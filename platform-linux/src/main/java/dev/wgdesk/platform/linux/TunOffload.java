package dev.wgdesk.platform.linux;

import java.nio.ByteBuffer;

/**
 * Undoes the kernel's offloads on packets read from a TUN opened with {@code IFF_VNET_HDR} and
 * {@code TUNSETOFFLOAD}: each read starts with a 10-byte {@code virtio_net_hdr}, and the packet
 * after it may be a TCP or UDP "super-packet" of up to 64 KiB that the kernel did not segment
 * ({@code gso_type} TCPV4, TCPV6, UDP_L4) and whose transport checksum is left partial
 * ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}). WireGuard must encrypt the packets the peer expects, so
 * this class cuts a super-packet into MTU-sized segments with their own IP and transport headers
 * and checksums, exactly as the kernel's GSO would have:
 *
 * <ul>
 *   <li>IPv4: total length and header checksum per segment, the ID incremented per segment;
 *       IPv6: payload length per segment;
 *   <li>TCP: sequence number advanced by the payload already sent; FIN and PSH only on the last
 *       segment, CWR only on the first;
 *   <li>UDP: length per segment;
 *   <li>transport checksum computed in full over pseudo-header, header and payload.
 * </ul>
 *
 * Stateless apart from the reusable {@link Header}; the segment cursor lives with the caller.
 * Multi-byte packet fields are read and written in network order whatever the buffers' byte
 * order.
 */
final class TunOffload {
    /** {@code sizeof(struct virtio_net_hdr)}. */
    static final int VNET_HDR_LEN = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;
    static final int GSO_UDP_L4 = 5;
    private static final int GSO_ECN = 0x80;
    private static final int TCP = 6;
    private static final int UDP = 17;

    private TunOffload() {}

    /**
     * The virtio header of one read, parsed in place (one instance per reading thread, reused, so
     * reading allocates nothing). Fields are in host byte order (legacy virtio, the TUN default).
     */
    static final class Header {
        int flags;
        int gsoType;
        int gsoSize;
        int csumStart;
        int csumOffset;

        boolean needsChecksum() {
            return (flags & F_NEEDS_CSUM) != 0;
        }

        boolean segmented() {
            return gsoType != GSO_NONE;
        }

        /**
         * Parses the header at {@code off} of {@code nativeView} (a native-order buffer) for a
         * packet of {@code packetLength} bytes after it.
         *
         * @return false if the header is malformed (the packet should be dropped)
         */
        boolean parse(ByteBuffer nativeView, int off, int packetLength) {
            flags = nativeView.get(off) & 0xff;
            gsoType = nativeView.get(off + 1) & 0xff & ~GSO_ECN;
            gsoSize = Short.toUnsignedInt(nativeView.getShort(off + 4));
            csumStart = Short.toUnsignedInt(nativeView.getShort(off + 6));
            csumOffset = Short.toUnsignedInt(nativeView.getShort(off + 8));
            if (needsChecksum() && csumStart + csumOffset + 2 > packetLength) {
                return false;
            }
            if (gsoType == GSO_NONE) {
                return true;
            }
            return (gsoType == GSO_TCPV4 || gsoType == GSO_TCPV6 || gsoType == GSO_UDP_L4)
                    && gsoSize > 0 && csumStart >= 20 && csumStart + 8 <= packetLength;
        }
    }

    /**
     * The number of segments {@code packet[0, length)} yields under {@code h}, or 0 if it is not
     * a well-formed IPv4/IPv6 TCP/UDP packet of the announced kind (drop it).
     */
    static int segmentCount(ByteBuffer p, int off, int length, Header h) {
        if (!h.segmented()) {
            return 1;
        }
        int headers = headerLength(p, off, length, h);
        if (headers <= 0 || headers >= length) {
            return headers == length ? 1 : 0;
        }
        int payload = length - headers;
        return (payload + h.gsoSize - 1) / h.gsoSize;
    }

    /** IP plus transport header length of a segmented packet, or -1 if malformed. */
    private static int headerLength(ByteBuffer p, int off, int length, Header h) {
        int version = (p.get(off) & 0xff) >>> 4;
        int th = h.csumStart;
        boolean tcp = h.gsoType != GSO_UDP_L4;
        if (version == 4) {
            int ihl = (p.get(off) & 0x0f) * 4;
            if (ihl < 20 || ihl != th || (p.get(off + 9) & 0xff) != (tcp ? TCP : UDP) || h.gsoType == GSO_TCPV6) {
                return -1;
            }
        } else if (version == 6) {
            if (th < 40 || h.gsoType == GSO_TCPV4 || (th == 40 && (p.get(off + 6) & 0xff) != (tcp ? TCP : UDP))) {
                return -1;
            }
        } else {
            return -1;
        }
        int transport = tcp ? ((p.get(off + th + 12) & 0xf0) >>> 2) : 8;
        if (transport < 8 || (tcp && transport < 20) || th + transport > length) {
            return -1;
        }
        return th + transport;
    }

    /**
     * Writes segment {@code index} of the super-packet {@code src[srcOff, srcOff + length)} into
     * {@code dst} at {@code dstOff}, with fixed-up headers and full checksums.
     *
     * @return the segment's length, or -1 if it does not fit in {@code dst}'s room ({@code limit - dstOff});
     *     on success the limit is set to the segment's end
     */
    static int segment(ByteBuffer src, int srcOff, int length, Header h, int index, ByteBuffer dst, int dstOff) {
        int headers = headerLength(src, srcOff, length, h);
        int gso = h.gsoSize;
        int payloadStart = headers + index * gso;
        int payload = Math.min(gso, length - payloadStart);
        int total = headers + payload;
        if (total > dst.limit() - dstOff) {
            return -1;
        }
        dst.limit(dstOff + total);
        dst.put(dstOff, src, srcOff, headers);
        dst.put(dstOff + headers, src, srcOff + payloadStart, payload);
        boolean last = payloadStart + payload >= length;
        int th = h.csumStart;
        int version = (dst.get(dstOff) & 0xff) >>> 4;
        if (version == 4) {
            put16(dst, dstOff + 2, total);
            put16(dst, dstOff + 4, get16(dst, dstOff + 4) + index); // IP ID
            put16(dst, dstOff + 10, 0);
            put16(dst, dstOff + 10, ~fold(sum(dst, dstOff, th, 0)));
        } else {
            put16(dst, dstOff + 4, total - 40);
        }
        int t = dstOff + th;
        int transportLength = total - th;
        int proto;
        if (h.gsoType == GSO_UDP_L4) {
            proto = UDP;
            put16(dst, t + 4, transportLength);
            put16(dst, t + 6, 0);
        } else {
            proto = TCP;
            put32(dst, t + 4, get32(dst, t + 4) + index * gso); // sequence number
            int flags = dst.get(t + 13) & 0xff;
            if (!last) {
                flags &= ~0x09; // FIN, PSH only on the last segment
            }
            if (index > 0) {
                flags &= ~0x80; // CWR only on the first
            }
            dst.put(t + 13, (byte) flags);
            put16(dst, t + 16, 0);
        }
        long s = pseudoHeader(dst, dstOff, version, proto, transportLength) + sum(dst, t, transportLength, 0);
        int checksum = ~fold(s) & 0xffff;
        if (proto == UDP && checksum == 0) {
            checksum = 0xffff; // 0 means "no checksum" in UDP
        }
        put16(dst, t + (proto == UDP ? 6 : 16), checksum);
        return total;
    }

    /**
     * Completes a partial transport checksum ({@code NEEDS_CSUM} on an unsegmented packet): the
     * kernel left the pseudo-header sum in the checksum field; the sum over
     * {@code [csumStart, end)} is folded in and stored there.
     */
    static void completeChecksum(ByteBuffer p, int off, int length, Header h) {
        int field = off + h.csumStart + h.csumOffset;
        int checksum = ~fold(sum(p, off + h.csumStart, length - h.csumStart, 0)) & 0xffff;
        boolean udp = h.csumOffset == 6;
        put16(p, field, udp && checksum == 0 ? 0xffff : checksum);
    }

    private static long pseudoHeader(ByteBuffer p, int off, int version, int proto, int transportLength) {
        if (version == 4) {
            return sum(p, off + 12, 8, 0) + proto + transportLength;
        }
        return sum(p, off + 8, 32, 0) + proto + transportLength;
    }

    /**
     * The one's-complement sum of {@code len} bytes at {@code off} (big-endian words), unfolded,
     * whatever the buffer's byte order (8 bytes per step, see {@link TunCoalescer#sum}).
     */
    static long sum(ByteBuffer p, int off, int len, long initial) {
        return TunCoalescer.sum(p, off, len, initial);
    }

    static int get16(ByteBuffer b, int i) {
        return ((b.get(i) & 0xff) << 8) | (b.get(i + 1) & 0xff);
    }

    static void put16(ByteBuffer b, int i, int v) {
        b.put(i, (byte) (v >>> 8)).put(i + 1, (byte) v);
    }

    static int get32(ByteBuffer b, int i) {
        return (get16(b, i) << 16) | get16(b, i + 2);
    }

    static void put32(ByteBuffer b, int i, int v) {
        put16(b, i, v >>> 16);
        put16(b, i + 2, v);
    }

    /** Folds a sum to 16 bits. */
    static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }
}
