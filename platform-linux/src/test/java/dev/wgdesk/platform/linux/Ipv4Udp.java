package dev.wgdesk.platform.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Builds and parses IPv4/UDP packets with correct header and UDP checksums (test helper). */
record Ipv4Udp(Inet4Address source, Inet4Address destination, int sourcePort, int destinationPort, byte[] payload) {
    static final int IP_HEADER = 20;
    static final int UDP_HEADER = 8;

    /** The packet's bytes. */
    byte[] toBytes() {
        int udpLength = UDP_HEADER + payload.length;
        int total = IP_HEADER + udpLength;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 0x1234).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) 17).putShort((short) 0).put(source.getAddress()).put(destination.getAddress());
        b.putShort(10, (short) checksum(b.array(), 0, IP_HEADER, 0));
        b.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) udpLength).putShort((short) 0);
        b.put(payload);
        long pseudo = sum(source.getAddress(), 0, 4) + sum(destination.getAddress(), 0, 4) + 17 + udpLength;
        int udpSum = checksum(b.array(), IP_HEADER, udpLength, pseudo);
        b.putShort(IP_HEADER + 6, (short) (udpSum == 0 ? 0xffff : udpSum));
        return b.array();
    }

    /** Parses an IPv4/UDP packet, or returns null if it is anything else or a checksum is wrong. */
    static Ipv4Udp parse(byte[] p, int off, int len) {
        if (len < IP_HEADER + UDP_HEADER || (p[off] & 0xf0) != 0x40 || p[off + 9] != 17) {
            return null;
        }
        int ihl = (p[off] & 0x0f) * 4;
        int total = ((p[off + 2] & 0xff) << 8) | (p[off + 3] & 0xff);
        if (total != len || checksum(p, off, ihl, 0) != 0) {
            return null;
        }
        int u = off + ihl;
        int udpLength = ((p[u + 4] & 0xff) << 8) | (p[u + 5] & 0xff);
        if (udpLength != len - ihl) {
            return null;
        }
        long pseudo = sum(p, off + 12, 4) + sum(p, off + 16, 4) + 17 + udpLength;
        boolean hasSum = p[u + 6] != 0 || p[u + 7] != 0;
        if (hasSum && checksum(p, u, udpLength, pseudo) != 0) {
            return null;
        }
        try {
            return new Ipv4Udp((Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(p, off + 12, off + 16)),
                    (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(p, off + 16, off + 20)),
                    ((p[u] & 0xff) << 8) | (p[u + 1] & 0xff), ((p[u + 2] & 0xff) << 8) | (p[u + 3] & 0xff),
                    Arrays.copyOfRange(p, u + UDP_HEADER, off + len));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Internet checksum of {@code len} bytes plus an initial sum. */
    static int checksum(byte[] p, int off, int len, long initial) {
        long s = initial + sum(p, off, len);
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) (~s & 0xffff);
    }

    private static long sum(byte[] p, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            s += ((p[off + i] & 0xff) << 8) | (p[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            s += (p[off + len - 1] & 0xff) << 8;
        }
        return s;
    }
}
