package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Segmentation of offloaded super-packets on hand-built input, checked with an independent
 * checksum routine (no privileges needed).
 */
class TunOffloadTest {
    private static final byte[] SRC4 = {10, 0, 0, 1};
    private static final byte[] DST4 = {10, 0, 0, 2};
    private static final byte[] SRC6 = v6(1);
    private static final byte[] DST6 = v6(2);

    @Test
    void tcpv4SuperPacketIsCutLikeTheKernelWould() {
        byte[] payload = payload(3000);
        byte[] packet = tcp4(payload, 0x18 | 0x01 | 0x80, 1_000_000, 0x1234); // PSH FIN CWR ACK... flags below
        ByteBuffer nat = vnet(TunOffload.GSO_TCPV4, 1000, 20, 16, packet);
        TunOffload.Header h = new TunOffload.Header();
        assertTrue(h.parse(nat, 0, packet.length));
        assertEquals(3, TunOffload.segmentCount(nat, TunOffload.VNET_HDR_LEN, packet.length, h));
        for (int i = 0; i < 3; i++) {
            ByteBuffer out = ByteBuffer.allocate(2048);
            int len = TunOffload.segment(nat, TunOffload.VNET_HDR_LEN, packet.length, h, i, out, 16);
            assertEquals(40 + 1000, len);
            byte[] seg = Arrays.copyOfRange(out.array(), 16, 16 + len);
            assertEquals(16 + len, out.limit());
            assertEquals(len, u16(seg, 2), "IPv4 total length");
            assertEquals(0x1234 + i, u16(seg, 4), "IPv4 ID increments");
            assertEquals(0, Ipv4Udp.checksum(seg, 0, 20, 0), "IPv4 header checksum");
            assertEquals(1_000_000 + 1000L * i, u32(seg, 24), "sequence number");
            int flags = seg[33] & 0xff;
            assertEquals(i == 2, (flags & 0x01) != 0, "FIN only on the last");
            assertEquals(i == 2, (flags & 0x08) != 0, "PSH only on the last");
            assertEquals(i == 0, (flags & 0x80) != 0, "CWR only on the first");
            assertTrue((flags & 0x10) != 0, "ACK kept");
            assertEquals(0, transportChecksum4(seg, 6), "TCP checksum");
            assertArrayEquals(Arrays.copyOfRange(payload, 1000 * i, 1000 * i + 1000), Arrays.copyOfRange(seg, 40, len));
        }
    }

    @Test
    void lastSegmentCarriesTheRemainder() {
        byte[] packet = tcp4(payload(2500), 0x10, 7, 1);
        ByteBuffer nat = vnet(TunOffload.GSO_TCPV4, 1000, 20, 16, packet);
        TunOffload.Header h = new TunOffload.Header();
        assertTrue(h.parse(nat, 0, packet.length));
        assertEquals(3, TunOffload.segmentCount(nat, TunOffload.VNET_HDR_LEN, packet.length, h));
        ByteBuffer out = ByteBuffer.allocate(2048);
        assertEquals(40 + 500, TunOffload.segment(nat, TunOffload.VNET_HDR_LEN, packet.length, h, 2, out, 0));
        assertEquals(0, transportChecksum4(Arrays.copyOf(out.array(), 540), 6));
    }

    @Test
    void tcpv6SuperPacketIsCut() {
        byte[] payload = payload(2800);
        byte[] packet = tcp6(payload, 0x18, 55);
        ByteBuffer nat = vnet(TunOffload.GSO_TCPV6, 1400, 40, 16, packet);
        TunOffload.Header h = new TunOffload.Header();
        assertTrue(h.parse(nat, 0, packet.length));
        assertEquals(2, TunOffload.segmentCount(nat, TunOffload.VNET_HDR_LEN, packet.length, h));
        for (int i = 0; i < 2; i++) {
            ByteBuffer out = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN); // order must not matter
            int len = TunOffload.segment(nat, TunOffload.VNET_HDR_LEN, packet.length, h, i, out, 0);
            byte[] seg = Arrays.copyOf(out.array(), len);
            assertEquals(20 + 1400, u16(seg, 4), "IPv6 payload length");
            assertEquals(55 + 1400L * i, u32(seg, 44));
            assertEquals(i == 1, (seg[53] & 0x08) != 0, "PSH only on the last");
            assertEquals(0, transportChecksum6(seg, 6), "TCP checksum");
            assertArrayEquals(Arrays.copyOfRange(payload, 1400 * i, 1400 * i + 1400), Arrays.copyOfRange(seg, 60, len));
        }
    }

    @Test
    void udpSuperPacketIsCutIntoDatagrams() {
        byte[] payload = payload(2100);
        byte[] packet = udp4(payload);
        ByteBuffer nat = vnet(TunOffload.GSO_UDP_L4, 1000, 20, 6, packet);
        TunOffload.Header h = new TunOffload.Header();
        assertTrue(h.parse(nat, 0, packet.length));
        assertEquals(3, TunOffload.segmentCount(nat, TunOffload.VNET_HDR_LEN, packet.length, h));
        for (int i = 0; i < 3; i++) {
            ByteBuffer out = ByteBuffer.allocate(2048);
            int len = TunOffload.segment(nat, TunOffload.VNET_HDR_LEN, packet.length, h, i, out, 0);
            byte[] seg = Arrays.copyOf(out.array(), len);
            int size = i < 2 ? 1000 : 100;
            assertEquals(28 + size, len);
            Ipv4Udp parsed = Ipv4Udp.parse(seg, 0, len); // checks IP and UDP checksums
            assertTrue(parsed != null, "segment " + i + " has a bad checksum or header");
            assertArrayEquals(Arrays.copyOfRange(payload, 1000 * i, 1000 * i + size), parsed.payload());
        }
    }

    @Test
    void partialChecksumIsCompleted() {
        byte[] packet = udp4(payload(333));
        // What the kernel hands over with NEEDS_CSUM: the pseudo-header sum, uncomplemented.
        int pseudo = TunOffload.fold(TunOffload.sum(ByteBuffer.wrap(packet), 12, 8, 0) + 17 + (packet.length - 20));
        packet[26] = (byte) (pseudo >>> 8);
        packet[27] = (byte) pseudo;
        ByteBuffer nat = vnet(TunOffload.GSO_NONE, 0, 20, 6, packet);
        nat.put(0, (byte) TunOffload.F_NEEDS_CSUM);
        TunOffload.Header h = new TunOffload.Header();
        assertTrue(h.parse(nat, 0, packet.length));
        assertFalse(h.segmented());
        ByteBuffer b = ByteBuffer.wrap(packet.clone());
        TunOffload.completeChecksum(b, 0, packet.length, h);
        assertTrue(Ipv4Udp.parse(b.array(), 0, packet.length) != null, "checksum not completed correctly");
    }

    @Test
    void malformedHeadersAreRejected() {
        byte[] packet = tcp4(payload(100), 0x10, 1, 1);
        TunOffload.Header h = new TunOffload.Header();
        assertFalse(h.parse(vnet(TunOffload.GSO_TCPV4, 0, 20, 16, packet), 0, packet.length), "gso_size 0");
        assertFalse(h.parse(vnet(2 /* UFO */, 100, 20, 16, packet), 0, packet.length), "unknown gso_type");
        ByteBuffer csumPastEnd = vnet(TunOffload.GSO_NONE, 0, packet.length, 16, packet);
        csumPastEnd.put(0, (byte) TunOffload.F_NEEDS_CSUM);
        assertFalse(h.parse(csumPastEnd, 0, packet.length), "checksum field past the end");
        // A TCPv6 header on an IPv4 packet: not segmentable.
        assertTrue(h.parse(vnet(TunOffload.GSO_TCPV6, 50, 20, 16, packet), 0, packet.length));
        assertEquals(0, TunOffload.segmentCount(vnet(TunOffload.GSO_TCPV6, 50, 20, 16, packet), TunOffload.VNET_HDR_LEN, packet.length, h));
    }

    @Test
    void segmentTooBigForTheCallerIsRefused() {
        byte[] packet = tcp4(payload(3000), 0x10, 1, 1);
        ByteBuffer nat = vnet(TunOffload.GSO_TCPV4, 1400, 20, 16, packet);
        TunOffload.Header h = new TunOffload.Header();
        assertTrue(h.parse(nat, 0, packet.length));
        assertEquals(-1, TunOffload.segment(nat, TunOffload.VNET_HDR_LEN, packet.length, h, 0, ByteBuffer.allocate(1000), 16));
    }

    /**
     * The room is the caller's limit, not the buffer's capacity: the engine keeps space after the
     * limit for padding and the tag (issue 10: a segment filled up to the capacity overran the seal).
     */
    @Test
    void segmentLongerThanTheCallersLimitIsRefusedEvenIfTheCapacityHoldsIt() {
        byte[] packet = tcp4(payload(3000), 0x10, 1, 1);
        ByteBuffer nat = vnet(TunOffload.GSO_TCPV4, 1400, 20, 16, packet);
        TunOffload.Header h = new TunOffload.Header();
        assertTrue(h.parse(nat, 0, packet.length));
        ByteBuffer out = ByteBuffer.allocate(4096);
        out.limit(16 + 1400); // room for 1400 bytes; the segment is 1440
        assertEquals(-1, TunOffload.segment(nat, TunOffload.VNET_HDR_LEN, packet.length, h, 0, out, 16));
        out.limit(16 + 1440);
        assertEquals(1440, TunOffload.segment(nat, TunOffload.VNET_HDR_LEN, packet.length, h, 0, out, 16));
    }

    // --- builders and an independent checker ---

    private static ByteBuffer vnet(int gsoType, int gsoSize, int csumStart, int csumOffset, byte[] packet) {
        ByteBuffer b = ByteBuffer.allocateDirect(TunOffload.VNET_HDR_LEN + packet.length).order(ByteOrder.nativeOrder());
        b.put(0, (byte) (gsoType == TunOffload.GSO_NONE ? 0 : TunOffload.F_NEEDS_CSUM)).put(1, (byte) gsoType);
        b.putShort(4, (short) gsoSize).putShort(6, (short) csumStart).putShort(8, (short) csumOffset);
        b.put(TunOffload.VNET_HDR_LEN, packet);
        return b;
    }

    private static byte[] tcp4(byte[] payload, int flags, long seq, int id) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) b.capacity()).putShort((short) id).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).put(SRC4).put(DST4);
        b.putShort((short) 40000).putShort((short) 443).putInt((int) seq).putInt(99).put((byte) 0x50).put((byte) flags)
                .putShort((short) 1000).putShort((short) 0x5555 /* partial, overwritten */).putShort((short) 0);
        return b.put(payload).array();
    }

    private static byte[] tcp6(byte[] payload, int flags, long seq) {
        ByteBuffer b = ByteBuffer.allocate(60 + payload.length);
        b.putInt(0x60000000).putShort((short) (20 + payload.length)).put((byte) 6).put((byte) 64).put(SRC6).put(DST6);
        b.putShort((short) 40000).putShort((short) 443).putInt((int) seq).putInt(99).put((byte) 0x50).put((byte) flags)
                .putShort((short) 1000).putShort((short) 0x1111).putShort((short) 0);
        return b.put(payload).array();
    }

    private static byte[] udp4(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) b.capacity()).putShort((short) 7).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(SRC4).put(DST4);
        b.putShort(10, (short) Ipv4Udp.checksum(b.array(), 0, 20, 0));
        b.putShort((short) 5000).putShort((short) 6000).putShort((short) (8 + payload.length)).putShort((short) 0);
        return b.put(payload).array();
    }

    /** Checksum over pseudo-header and transport: 0 when the packet's checksum is right. */
    private static int transportChecksum4(byte[] p, int proto) {
        int len = p.length - 20;
        long pseudo = sum(p, 12, 8) + proto + len;
        return Ipv4Udp.checksum(p, 20, len, pseudo);
    }

    private static int transportChecksum6(byte[] p, int proto) {
        int len = p.length - 40;
        long pseudo = sum(p, 8, 32) + proto + len;
        return Ipv4Udp.checksum(p, 40, len, pseudo);
    }

    private static long sum(byte[] p, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            s += ((p[off + i] & 0xff) << 8) | (p[off + i + 1] & 0xff);
        }
        return s;
    }

    private static int u16(byte[] p, int i) {
        return ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
    }

    private static long u32(byte[] p, int i) {
        return ((long) u16(p, i) << 16) | u16(p, i + 2);
    }

    private static byte[] payload(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 7 + 3);
        }
        return p;
    }

    private static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[15] = (byte) last;
        return a;
    }
}
