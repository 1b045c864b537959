package dev.wgdesk.engine.device;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/** Builds IPv4/IPv6 UDP packets for tests. */
final class TestPackets {
    private TestPackets() {}

    static byte[] udp(String src, String dst, byte[] payload) {
        try {
            InetAddress s = InetAddress.getByName(src);
            InetAddress d = InetAddress.getByName(dst);
            return s.getAddress().length == 4 ? udp4(s, d, payload) : udp6(s, d, payload);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] udp4(InetAddress s, InetAddress d, byte[] payload) {
        int total = 20 + 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(s.getAddress()).put(d.getAddress());
        int sum = 0;
        byte[] a = b.array();
        for (int i = 0; i < 20; i += 2) {
            sum += ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        b.putShort(10, (short) ~sum);
        b.putShort((short) 4000).putShort((short) 5000).putShort((short) (8 + payload.length)).putShort((short) 0)
                .put(payload);
        return a;
    }

    private static byte[] udp6(InetAddress s, InetAddress d, byte[] payload) {
        int plen = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(40 + plen);
        b.putInt(0x60000000).putShort((short) plen).put((byte) 17).put((byte) 64).put(s.getAddress()).put(d.getAddress());
        b.putShort((short) 4000).putShort((short) 5000).putShort((short) plen).putShort((short) 0).put(payload);
        return b.array();
    }
}
