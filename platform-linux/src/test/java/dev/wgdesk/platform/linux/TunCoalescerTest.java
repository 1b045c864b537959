package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Write-side merging of TCP segments on hand-built packets (no privileges needed): merged
 * packets are checked byte for byte against headers built here, and cut up again with
 * {@link TunOffload#segment} (what the kernel's GSO would do) to give back the very packets that
 * went in; packets that must not be merged come out unchanged, in order.
 */
class TunCoalescerTest {
    private static final byte[] SRC4 = {10, 7, 0, 1};
    private static final byte[] DST4 = {10, 7, 0, 2};
    private static final byte[] SRC6 = v6(1);
    private static final byte[] DST6 = v6(2);
    private static final int HEAD = TunOffload.VNET_HDR_LEN;
    private static final byte[] NO_OPTIONS = {};
    private static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};

    /** One written packet: its virtio header and the packet after it. */
    record Out(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset, byte[] packet) {}

    @Test
    void threeIpv4SegmentsBecomeOneSuperPacket() {
        Seg s = new Seg(4).options(TIMESTAMPS);
        byte[] a = s.payload(1000).flags(0x10).build();
        byte[] b = s.payload(1000).build();
        byte[] c = s.payload(500).flags(0x18).build();
        List<Out> out = run(a, b, c);
        assertEquals(1, out.size());
        Out o = out.get(0);
        assertEquals(TunOffload.F_NEEDS_CSUM, o.flags);
        assertEquals(TunOffload.GSO_TCPV4, o.gsoType);
        assertEquals(20 + 32, o.hdrLen, "hdr_len: IP and TCP headers");
        assertEquals(1000, o.gsoSize);
        assertEquals(20, o.csumStart);
        assertEquals(16, o.csumOffset);

        byte[] p = o.packet;
        int total = 52 + 2500;
        assertEquals(total, p.length);
        byte[] expected = new byte[total];
        System.arraycopy(a, 0, expected, 0, 52);
        System.arraycopy(a, 52, expected, 52, 1000);
        System.arraycopy(b, 52, expected, 1052, 1000);
        System.arraycopy(c, 52, expected, 2052, 500);
        put16(expected, 2, total);
        put16(expected, 10, 0);
        put16(expected, 10, Ipv4Udp.checksum(expected, 0, 20, 0));
        expected[20 + 13] = 0x18; // PSH from the last segment
        long pseudo = pseudo(SRC4, DST4, total - 20);
        put16(expected, 20 + 16, ~Ipv4Udp.checksum(new byte[0], 0, 0, pseudo) & 0xffff); // folded, not complemented
        assertArrayEquals(expected, p);
        assertEquals(0, Ipv4Udp.checksum(p, 0, 20, 0), "IPv4 header checksum");

        assertArrayEquals(new byte[][] {a, b, c}, resegment(o), "GSO gives back the segments that went in");
    }

    @Test
    void ipv6SegmentsBecomeOneSuperPacket() {
        Seg s = new Seg(6);
        byte[][] in = {s.payload(1200).build(), s.payload(1200).build(), s.payload(1200).build(), s.payload(1200).build()};
        List<Out> out = run(in);
        assertEquals(1, out.size());
        Out o = out.get(0);
        assertEquals(TunOffload.GSO_TCPV6, o.gsoType);
        assertEquals(TunOffload.F_NEEDS_CSUM, o.flags);
        assertEquals(60, o.hdrLen);
        assertEquals(1200, o.gsoSize);
        assertEquals(40, o.csumStart);
        assertEquals(16, o.csumOffset);
        assertEquals(60 + 4800, o.packet.length);
        assertEquals(20 + 4800, u16(o.packet, 4), "IPv6 payload length");
        long pseudo = pseudo(SRC6, DST6, 20 + 4800);
        assertEquals(~Ipv4Udp.checksum(new byte[0], 0, 0, pseudo) & 0xffff, u16(o.packet, 56), "pseudo-header sum");
        assertArrayEquals(in, resegment(o));
    }

    @Test
    void theLongestRunIsCutAt64KiB() {
        Seg s = new Seg(4);
        byte[][] in = new byte[50][];
        for (int i = 0; i < in.length; i++) {
            in[i] = s.payload(1400).build();
        }
        List<Out> out = run(in);
        assertEquals(2, out.size());
        assertEquals(40 + 46 * 1400, out.get(0).packet.length, "46 segments fit in 65535 bytes, 47 do not");
        assertEquals(40 + 4 * 1400, out.get(1).packet.length);
        assertArrayEquals(Arrays.copyOfRange(in, 0, 46), resegment(out.get(0)));
        assertArrayEquals(Arrays.copyOfRange(in, 46, 50), resegment(out.get(1)));
    }

    @Test
    void interleavedFlowsAreMergedEachInOrder() {
        Seg x = new Seg(4);
        Seg y = new Seg(4).ports(40001, 443);
        byte[] x1 = x.payload(1000).build();
        byte[] y1 = y.payload(1000).build();
        byte[] x2 = x.payload(1000).build();
        byte[] y2 = y.payload(1000).build();
        byte[] udp = udp4(300);
        List<Out> out = run(x1, y1, udp, x2, y2);
        assertEquals(3, out.size());
        assertArrayEquals(new byte[][] {x1, x2}, resegment(out.get(0)));
        assertArrayEquals(new byte[][] {y1, y2}, resegment(out.get(1)));
        assertPlain(udp, out.get(2));
    }

    @Test
    void gapsAndReorderingAreWrittenAsTheyCame() {
        Seg s = new Seg(4);
        byte[] p1 = s.payload(1000).build();
        byte[] p2 = s.payload(1000).build();
        byte[] p3 = s.payload(1000).build();
        assertUnmerged(p1, p3, p2);
    }

    @Test
    void nothingFollowsAShorterSegmentOrPsh() {
        Seg s = new Seg(4);
        byte[] a = s.payload(1000).build();
        byte[] b = s.payload(600).build();
        byte[] c = s.payload(1000).build();
        byte[] d = s.payload(1000).flags(0x18).build();
        byte[] e = s.payload(1000).flags(0x10).build();
        List<Out> out = run(a, b, c, d, e);
        assertEquals(3, out.size());
        assertArrayEquals(new byte[][] {a, b}, resegment(out.get(0)));
        assertArrayEquals(new byte[][] {c, d}, resegment(out.get(1)));
        assertPlain(e, out.get(2));
    }

    @Test
    void aLargerSegmentDoesNotJoin() {
        Seg s = new Seg(6);
        byte[] a = s.payload(800).build();
        assertUnmerged(a, s.payload(1000).build());
    }

    @Test
    void controlFlagsAreNeverMerged() {
        for (int flags : new int[] {0x02 | 0x10, 0x01 | 0x10, 0x04 | 0x10, 0x20 | 0x10, 0x40 | 0x10, 0x80 | 0x10, 0x00}) {
            Seg s = new Seg(4);
            byte[] a = s.payload(1000).build();
            byte[] b = s.payload(1000).flags(flags).build();
            assertUnmerged("flags " + Integer.toHexString(flags), a, b, s.payload(1000).flags(0x10).build());
        }
    }

    @Test
    void differingHeadersAreNotMerged() {
        Seg s = new Seg(4).options(TIMESTAMPS);
        byte[] a = s.payload(1000).build();
        byte[] otherTimestamps = s.options(new byte[] {1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 2}).payload(1000).build();
        assertUnmerged(a, otherTimestamps);
        s = new Seg(4);
        assertUnmerged(s.payload(1000).build(), s.ack(12345).payload(1000).build());
        s = new Seg(4);
        assertUnmerged(s.payload(1000).build(), s.ttl(63).payload(1000).build());
        s = new Seg(4);
        assertUnmerged(s.payload(1000).build(), s.tos(1).payload(1000).build());
        s = new Seg(4);
        assertUnmerged(s.payload(1000).build(), s.df(false).payload(1000).build());
        s = new Seg(6);
        assertUnmerged(s.payload(1000).build(), s.flowLabel(7).payload(1000).build());
        s = new Seg(6);
        assertUnmerged(s.payload(1000).build(), s.ttl(5).payload(1000).build());
        s = new Seg(4);
        assertUnmerged(s.payload(1000).build(), s.options(TIMESTAMPS).payload(1000).build());
    }

    @Test
    void ipOptionsFragmentsAndBadPacketsAreWrittenAsIs() {
        Seg s = new Seg(4);
        byte[] a = s.payload(1000).build();
        assertUnmerged(a, s.moreFragments().payload(1000).build());

        s = new Seg(4).ipOptions();
        assertUnmerged(s.payload(1000).build(), s.payload(1000).build());

        s = new Seg(4);
        byte[] good = s.payload(1000).build();
        byte[] badSum = s.payload(1000).build();
        badSum[100] ^= 1; // payload changed, checksum not
        assertUnmerged(good, badSum);
        byte[] badFirst = Arrays.copyOf(good, good.length);
        badFirst[100] ^= 1;
        s = new Seg(4);
        s.payload(1000).build();
        assertUnmerged(badFirst, s.payload(1000).build());

        s = new Seg(4);
        byte[] lengthMismatch = s.payload(1000).build();
        put16(lengthMismatch, 2, lengthMismatch.length - 1);
        fix4(lengthMismatch);
        assertUnmerged(lengthMismatch, s.payload(1000).build());

        s = new Seg(4);
        byte[] pureAck = s.payload(0).build();
        assertUnmerged(pureAck, s.payload(1000).build());

        byte[] u1 = udp4(1000);
        byte[] u2 = udp4(1000);
        assertUnmerged(u1, u2);
    }

    @Test
    void aPacketOfTheSameFlowThatCannotJoinKeepsItsPlace() {
        // x1, then an IPv4 fragment between the same hosts (its ports unknown), then x2: x2 must
        // not be moved in front of the fragment.
        Seg x = new Seg(4);
        byte[] x1 = x.payload(1000).build();
        byte[] frag = new Seg(4).ports(1, 2).moreFragments().payload(1000).build();
        assertUnmerged(x1, frag, x.payload(1000).build());
    }

    @Test
    void buffersAreConsumedAndTheirBytesUntouched() {
        Seg s = new Seg(4);
        byte[] a = s.payload(1000).build();
        byte[] b = s.payload(1000).build();
        byte[] a0 = a.clone();
        byte[] b0 = b.clone();
        ByteBuffer[] bufs = {ByteBuffer.wrap(new byte[16 + a.length]).position(16), ByteBuffer.wrap(b)};
        bufs[0].put(16, a);
        TunCoalescer c = new TunCoalescer();
        c.start(bufs, 2);
        ByteBuffer out = outBuffer();
        assertTrue(c.next(out) > 0);
        assertEquals(-1, c.next(out));
        assertEquals(0, bufs[0].remaining());
        assertEquals(0, bufs[1].remaining());
        assertArrayEquals(a0, Arrays.copyOfRange(bufs[0].array(), 16, 16 + a.length));
        assertArrayEquals(b0, b);
        assertEquals(1, c.merged());
        assertEquals(2, c.segments());
    }

    @Test
    void steadyStateAllocatesNothing() {
        Seg s = new Seg(4).options(TIMESTAMPS);
        byte[][] in = new byte[64][];
        for (int i = 0; i < in.length; i++) {
            in[i] = i % 16 == 15 ? udp4(200) : s.payload(1380).build();
        }
        ByteBuffer[] bufs = new ByteBuffer[in.length];
        for (int i = 0; i < in.length; i++) {
            bufs[i] = ByteBuffer.wrap(in[i]);
        }
        TunCoalescer c = new TunCoalescer();
        ByteBuffer out = outBuffer();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long packets = 0;
        long before = 0;
        for (int round = 0; round < 4000; round++) {
            if (round == 2000) {
                before = mx.getCurrentThreadAllocatedBytes();
                packets = 0;
            }
            for (ByteBuffer b : bufs) {
                b.clear();
            }
            c.start(bufs, bufs.length);
            while (c.next(out) >= 0) {
                packets++;
            }
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(c.merged() > 0);
        assertTrue(allocated < 4096, allocated + " bytes allocated over " + packets + " written packets");
    }

    @Test
    void checksumSumMatchesAWordByWordReference() {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 151 + 17);
        }
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            ByteBuffer heap = ByteBuffer.wrap(data).order(order);
            ByteBuffer direct = ByteBuffer.allocateDirect(data.length).order(order).put(0, data);
            for (int off = 0; off < 9; off++) {
                for (int len = 0; len <= 80; len++) {
                    long ref = 5;
                    for (int i = 0; i < len; i += 2) {
                        ref += ((data[off + i] & 0xff) << 8) | (i + 1 < len ? data[off + i + 1] & 0xff : 0);
                    }
                    assertEquals(TunOffload.fold(ref), TunOffload.fold(TunCoalescer.sum(heap, off, len, 5)), order + " " + off + "+" + len);
                    assertEquals(TunOffload.fold(ref), TunOffload.fold(TunCoalescer.sum(direct, off, len, 5)));
                }
            }
        }
    }

    // --- helpers ---

    /** The packets, run as one batch, come out one by one as they went in: none merged, none moved. */
    private static void assertUnmerged(byte[]... packets) {
        assertUnmerged("", packets);
    }

    private static void assertUnmerged(String what, byte[]... packets) {
        List<Out> out = run(packets);
        assertEquals(packets.length, out.size(), "must not be merged " + what);
        for (int i = 0; i < packets.length; i++) {
            assertPlain(packets[i], out.get(i));
        }
    }

    private static void assertPlain(byte[] expected, Out o) {
        assertEquals(0, o.flags | o.gsoType | o.hdrLen | o.gsoSize | o.csumStart | o.csumOffset, "empty virtio header");
        assertArrayEquals(expected, o.packet);
    }

    private static ByteBuffer outBuffer() {
        return ByteBuffer.allocateDirect(HEAD + LinuxTun.MAX_PACKET).order(ByteOrder.nativeOrder());
    }

    /** Runs one batch through a coalescer (packets at an offset, as the engine hands them). */
    private static List<Out> run(byte[]... packets) {
        ByteBuffer[] bufs = new ByteBuffer[packets.length];
        for (int i = 0; i < packets.length; i++) {
            ByteBuffer b = ByteBuffer.allocate(32 + packets[i].length + 16);
            b.put(32, packets[i]).limit(32 + packets[i].length).position(32);
            bufs[i] = b;
        }
        TunCoalescer c = new TunCoalescer();
        c.start(bufs, bufs.length);
        ByteBuffer out = outBuffer();
        byte[] garbage = new byte[HEAD + 100];
        Arrays.fill(garbage, (byte) 0x5a);
        out.put(0, garbage); // a plain packet's header must not keep it
        List<Out> result = new ArrayList<>();
        int len;
        while ((len = c.next(out)) >= 0) {
            byte[] p = new byte[len - HEAD];
            out.get(HEAD, p);
            result.add(new Out(out.get(0) & 0xff, out.get(1) & 0xff, out.getShort(2) & 0xffff, out.getShort(4) & 0xffff,
                    out.getShort(6) & 0xffff, out.getShort(8) & 0xffff, p));
        }
        return result;
    }

    /** Cuts a merged packet up again as the kernel's GSO would ({@link TunOffload}). */
    private static byte[][] resegment(Out o) {
        ByteBuffer nat = ByteBuffer.allocateDirect(HEAD + o.packet.length).order(ByteOrder.nativeOrder());
        nat.put(0, (byte) o.flags).put(1, (byte) o.gsoType).putShort(2, (short) o.hdrLen).putShort(4, (short) o.gsoSize)
                .putShort(6, (short) o.csumStart).putShort(8, (short) o.csumOffset).put(HEAD, o.packet);
        TunOffload.Header h = new TunOffload.Header();
        assertTrue(h.parse(nat, 0, o.packet.length));
        int n = TunOffload.segmentCount(nat, HEAD, o.packet.length, h);
        byte[][] r = new byte[n][];
        for (int i = 0; i < n; i++) {
            ByteBuffer seg = ByteBuffer.allocate(LinuxTun.MAX_PACKET);
            int len = TunOffload.segment(nat, HEAD, o.packet.length, h, i, seg, 0);
            r[i] = Arrays.copyOf(seg.array(), len);
        }
        return r;
    }

    /** Builds consecutive segments of one flow with valid checksums. */
    private static final class Seg {
        final int version;
        long seq = 1_000_000;
        int id = 0x4242;
        int sport = 40000;
        int dport = 443;
        int ack = 777;
        int flags = 0x10;
        int ttl = 64;
        int tos = 0;
        boolean df = true;
        boolean moreFragments;
        int flowLabel = 0;
        boolean ipOptions;
        byte[] options = NO_OPTIONS;
        int payload;

        Seg(int version) {
            this.version = version;
        }

        Seg ports(int s, int d) { sport = s; dport = d; return this; }
        Seg options(byte[] o) { options = o; return this; }
        Seg payload(int n) { payload = n; return this; }
        Seg flags(int f) { flags = f; return this; }
        Seg ack(int a) { ack = a; return this; }
        Seg ttl(int t) { ttl = t; return this; }
        Seg tos(int t) { tos = t; return this; }
        Seg df(boolean d) { df = d; return this; }
        Seg moreFragments() { moreFragments = true; return this; }
        Seg flowLabel(int f) { flowLabel = f; return this; }
        Seg ipOptions() { ipOptions = true; return this; }

        byte[] build() {
            int ipLen = version == 4 ? (ipOptions ? 24 : 20) : 40;
            int tcpLen = 20 + options.length;
            byte[] data = new byte[payload];
            for (int i = 0; i < payload; i++) {
                data[i] = (byte) ((seq + i) * 31 >>> 3);
            }
            ByteBuffer b = ByteBuffer.allocate(ipLen + tcpLen + payload);
            if (version == 4) {
                b.put((byte) (0x40 | ipLen / 4)).put((byte) tos).putShort((short) b.capacity()).putShort((short) id++)
                        .putShort((short) ((df ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0))) // DF, MF
                        .put((byte) ttl).put((byte) 6).putShort((short) 0).put(SRC4).put(DST4);
                if (ipOptions) {
                    b.putInt(0x01010100); // NOPs and an end of list
                }
            } else {
                b.putInt(0x60000000 | (tos << 20) | flowLabel).putShort((short) (tcpLen + payload)).put((byte) 6).put((byte) ttl)
                        .put(SRC6).put(DST6);
            }
            b.putShort((short) sport).putShort((short) dport).putInt((int) seq).putInt(ack)
                    .put((byte) ((tcpLen / 4) << 4)).put((byte) flags).putShort((short) 501).putShort((short) 0).putShort((short) 0)
                    .put(options).put(data);
            byte[] p = b.array();
            if (version == 4) {
                put16(p, 10, Ipv4Udp.checksum(p, 0, ipLen, 0));
            }
            long pseudo = version == 4 ? pseudo(SRC4, DST4, tcpLen + payload) : pseudo(SRC6, DST6, tcpLen + payload);
            put16(p, ipLen + 16, Ipv4Udp.checksum(p, ipLen, tcpLen + payload, pseudo));
            seq += payload;
            return p;
        }
    }

    /** Recomputes an IPv4 header checksum after a test changed the header. */
    private static void fix4(byte[] p) {
        int ihl = (p[0] & 0x0f) * 4;
        put16(p, 10, 0);
        put16(p, 10, Ipv4Udp.checksum(p, 0, ihl, 0));
    }

    private static byte[] udp4(int n) {
        ByteBuffer b = ByteBuffer.allocate(28 + n);
        b.put((byte) 0x45).put((byte) 0).putShort((short) b.capacity()).putShort((short) 7).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(SRC4).put(DST4);
        b.putShort(10, (short) Ipv4Udp.checksum(b.array(), 0, 20, 0));
        b.putShort((short) 5000).putShort((short) 6000).putShort((short) (8 + n)).putShort((short) 0);
        return b.put(new byte[n]).array();
    }

    /** The TCP pseudo-header's sum: addresses, protocol 6, TCP length. */
    private static long pseudo(byte[] src, byte[] dst, int tcpLength) {
        return sum(src) + sum(dst) + 6 + tcpLength;
    }

    private static long sum(byte[] a) {
        long s = 0;
        for (int i = 0; i < a.length; i += 2) {
            s += ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
        }
        return s;
    }

    private static int u16(byte[] p, int i) {
        return ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
    }

    private static void put16(byte[] p, int i, int v) {
        p[i] = (byte) (v >>> 8);
        p[i + 1] = (byte) v;
    }

    private static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[15] = (byte) last;
        return a;
    }
}
