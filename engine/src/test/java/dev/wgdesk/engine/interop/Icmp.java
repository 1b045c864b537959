package dev.wgdesk.engine.interop;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds and parses ICMP (RFC 792) and ICMPv6 (RFC 4443) echo packets with their IP headers,
 * including the IPv4 header checksum and the ICMPv6 pseudo-header checksum (RFC 8200 8.1).
 */
final class Icmp {
    static final int PROTO_ICMP = 1;
    static final int PROTO_ICMPV6 = 58;
    static final int V4_ECHO_REPLY = 0;
    static final int V4_ECHO_REQUEST = 8;
    static final int V6_ECHO_REQUEST = 128;
    static final int V6_ECHO_REPLY = 129;
    private static final int ICMP_HEADER = 8;

    private Icmp() {}

    /**
     * One parsed echo message.
     *
     * @param ipChecksumOk the IPv4 header checksum verifies (always true for IPv6, which has none)
     * @param icmpChecksumOk the ICMP checksum (ICMPv6: with the pseudo-header) verifies
     */
    record Echo(InetAddress src, InetAddress dst, int type, int code, int id, int seq, byte[] payload,
                int ttl, boolean ipChecksumOk, boolean icmpChecksumOk) {
        boolean isV6() {
            return !(src instanceof Inet4Address);
        }

        boolean isRequest() {
            return type == (isV6() ? V6_ECHO_REQUEST : V4_ECHO_REQUEST);
        }

        boolean isReply() {
            return type == (isV6() ? V6_ECHO_REPLY : V4_ECHO_REPLY);
        }

        boolean checksumsOk() {
            return ipChecksumOk && icmpChecksumOk;
        }

        @Override
        public String toString() {
            return "Echo(" + src.getHostAddress() + " -> " + dst.getHostAddress() + " type " + type + " code " + code
                    + " id " + id + " seq " + seq + " payload " + payload.length + "B, checksums "
                    + (ipChecksumOk ? "ip ok" : "ip BAD") + "/" + (icmpChecksumOk ? "icmp ok" : "icmp BAD") + ")";
        }
    }

    /** An echo request (ICMP type 8 or ICMPv6 type 128) from {@code src} to {@code dst}. */
    static byte[] request(InetAddress src, InetAddress dst, int id, int seq, byte[] payload) {
        return echo(src, dst, true, id, seq, payload);
    }

    /** The echo reply answering {@code req}: addresses swapped, same id, sequence and payload. */
    static byte[] replyTo(Echo req) {
        return echo(req.dst(), req.src(), false, req.id(), req.seq(), req.payload());
    }

    static byte[] echo(InetAddress src, InetAddress dst, boolean request, int id, int seq, byte[] payload) {
        boolean v4 = src instanceof Inet4Address;
        if (v4 != (dst instanceof Inet4Address)) {
            throw new IllegalArgumentException("mixed address families: " + src + " -> " + dst);
        }
        int icmpLen = ICMP_HEADER + payload.length;
        int ipHeader = v4 ? 20 : 40;
        ByteBuffer b = ByteBuffer.allocate(ipHeader + icmpLen);
        if (v4) {
            b.put((byte) 0x45).put((byte) 0).putShort((short) (ipHeader + icmpLen))
                    .putShort((short) (seq * 7 + id)).putShort((short) 0x4000) // identification, DF
                    .put((byte) 64).put((byte) PROTO_ICMP).putShort((short) 0)
                    .put(src.getAddress()).put(dst.getAddress());
        } else {
            b.putInt(0x60000000).putShort((short) icmpLen).put((byte) PROTO_ICMPV6).put((byte) 64)
                    .put(src.getAddress()).put(dst.getAddress());
        }
        int type = v4 ? (request ? V4_ECHO_REQUEST : V4_ECHO_REPLY) : (request ? V6_ECHO_REQUEST : V6_ECHO_REPLY);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(payload);
        byte[] a = b.array();
        if (v4) {
            putShort(a, 10, checksum(a, 0, ipHeader, 0));
            putShort(a, ipHeader + 2, checksum(a, ipHeader, icmpLen, 0));
        } else {
            putShort(a, ipHeader + 2, checksum(a, ipHeader, icmpLen, pseudoHeaderSum(a, icmpLen)));
        }
        return a;
    }

    /** Parses an IPv4/ICMP or IPv6/ICMPv6 echo request or reply; null for any other packet. */
    static Echo parse(byte[] p) {
        if (p.length < 1) {
            return null;
        }
        int version = (p[0] & 0xff) >>> 4;
        if (version == 4) {
            if (p.length < 20) {
                return null;
            }
            int ihl = (p[0] & 0x0f) * 4;
            int total = u16(p, 2);
            if (ihl < 20 || total > p.length || total < ihl + ICMP_HEADER || (p[9] & 0xff) != PROTO_ICMP) {
                return null;
            }
            int type = p[ihl] & 0xff;
            if (type != V4_ECHO_REQUEST && type != V4_ECHO_REPLY) {
                return null;
            }
            boolean ipOk = fold(sum(p, 0, ihl, 0)) == 0xffff;
            boolean icmpOk = fold(sum(p, ihl, total - ihl, 0)) == 0xffff;
            return new Echo(address(p, 12, 4), address(p, 16, 4), type, p[ihl + 1] & 0xff, u16(p, ihl + 4),
                    u16(p, ihl + 6), Arrays.copyOfRange(p, ihl + ICMP_HEADER, total), p[8] & 0xff, ipOk, icmpOk);
        }
        if (version == 6) {
            if (p.length < 40 + ICMP_HEADER || (p[6] & 0xff) != PROTO_ICMPV6) {
                return null;
            }
            int icmpLen = u16(p, 4);
            if (icmpLen < ICMP_HEADER || 40 + icmpLen > p.length) {
                return null;
            }
            int type = p[40] & 0xff;
            if (type != V6_ECHO_REQUEST && type != V6_ECHO_REPLY) {
                return null;
            }
            boolean icmpOk = fold(sum(p, 40, icmpLen, pseudoHeaderSum(p, icmpLen))) == 0xffff;
            return new Echo(address(p, 8, 16), address(p, 24, 16), type, p[41] & 0xff, u16(p, 44), u16(p, 46),
                    Arrays.copyOfRange(p, 40 + ICMP_HEADER, 40 + icmpLen), p[7] & 0xff, true, icmpOk);
        }
        return null;
    }

    /** The one's-complement sum of the IPv6 pseudo-header: addresses, upper-layer length, next header. */
    private static long pseudoHeaderSum(byte[] ip6, int upperLength) {
        long s = sum(ip6, 8, 32, 0);
        s += (upperLength >>> 16) + (upperLength & 0xffff);
        return s + PROTO_ICMPV6;
    }

    /** The Internet checksum (RFC 1071) of {@code len} bytes, starting from a partial sum. */
    static int checksum(byte[] b, int off, int len, long initial) {
        return ~fold(sum(b, off, len, initial)) & 0xffff;
    }

    private static long sum(byte[] b, int off, int len, long initial) {
        long s = initial;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if (i < len) {
            s += (b[off + i] & 0xff) << 8; // odd length: pad with a zero byte
        }
        return s;
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static InetAddress address(byte[] b, int off, int len) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + len));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // not reachable for 4 or 16 bytes
        }
    }
}
