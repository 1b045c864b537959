package dev.wgdesk.engine.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kernel's static allowed-IPs self-test (protocol.md 2.4) plus API edge cases. */
class AllowedIpsTest {
    /** A peer stand-in; deliberately equal to every other so that only identity can tell them apart. */
    static final class Peer {
        final String name;

        Peer(String name) {
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Peer;
        }

        @Override
        public int hashCode() {
            return 0;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Peer a = new Peer("a");
    private final Peer b = new Peer("b");
    private final Peer c = new Peer("c");
    private final Peer d = new Peer("d");
    private final Peer e = new Peer("e");
    private final Peer f = new Peer("f");
    private final Peer g = new Peer("g");
    private final Peer h = new Peer("h");
    private AllowedIps<Peer> t;

    @BeforeEach
    void init() {
        t = new AllowedIps<>();
    }

    static byte[] ip4(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    static byte[] ip6(int w0, int w1, int w2, int w3) {
        return ByteBuffer.allocate(16).putInt(w0).putInt(w1).putInt(w2).putInt(w3).array();
    }

    private void insert4(Peer p, int a, int b, int c, int d, int cidr) {
        t.insert(ip4(a, b, c, d), cidr, p);
    }

    private void insert6(Peer p, int w0, int w1, int w2, int w3, int cidr) {
        t.insert(ip6(w0, w1, w2, w3), cidr, p);
    }

    /** Looks the address up through every lookup entry point and checks they agree. */
    static <P> P lookupAllWays(AllowedIps<P> table, byte[] addr) {
        P viaArray = table.lookup(addr);
        byte[] packet = new byte[7 + addr.length + 5];
        System.arraycopy(addr, 0, packet, 7, addr.length);
        ByteBuffer heapBig = ByteBuffer.wrap(packet);
        ByteBuffer directLittle = ByteBuffer.allocateDirect(packet.length).order(ByteOrder.LITTLE_ENDIAN);
        directLittle.put(packet).clear();
        P viaPacket;
        P viaHeap;
        P viaDirect;
        if (addr.length == 4) {
            viaPacket = table.lookupV4(packet, 7);
            viaHeap = table.lookupV4(heapBig, 7);
            viaDirect = table.lookupV4(directLittle, 7);
        } else {
            viaPacket = table.lookupV6(packet, 7);
            viaHeap = table.lookupV6(heapBig, 7);
            viaDirect = table.lookupV6(directLittle, 7);
        }
        P viaInet;
        try {
            viaInet = table.lookup(InetAddress.getByAddress(addr));
        } catch (java.net.UnknownHostException ex) {
            throw new AssertionError(ex);
        }
        assertSame(viaArray, viaPacket, "lookupV4/V6(byte[], offset)");
        assertSame(viaArray, viaHeap, "lookupV4/V6(heap ByteBuffer)");
        assertSame(viaArray, viaDirect, "lookupV4/V6(direct little-endian ByteBuffer)");
        assertSame(viaArray, viaInet, "lookup(InetAddress)");
        return viaArray;
    }

    private void test4(Peer expected, int a, int b, int c, int d) {
        assertSame(expected, lookupAllWays(t, ip4(a, b, c, d)), a + "." + b + "." + c + "." + d);
    }

    private void test6(Peer expected, int w0, int w1, int w2, int w3) {
        byte[] addr = ip6(w0, w1, w2, w3);
        assertSame(expected, lookupAllWays(t, addr), new Prefix(addr, 128).toString());
    }

    private void buildKernelTable() {
        insert4(a, 192, 168, 4, 0, 24);
        insert4(b, 192, 168, 4, 4, 32);
        insert4(c, 192, 168, 0, 0, 16);
        insert4(d, 192, 95, 5, 64, 27);
        insert4(c, 192, 95, 5, 65, 27); // replaces d's entry; needs masking
        insert6(d, 0x26075300, 0x60006b00, 0, 0xc05f0543, 128);
        insert6(c, 0x26075300, 0x60006b00, 0, 0, 64);
        insert4(e, 0, 0, 0, 0, 0);
        insert6(e, 0, 0, 0, 0, 0);
        insert6(f, 0, 0, 0, 0, 0); // replaces e's entry
        insert6(g, 0x24046800, 0, 0, 0, 32);
        insert6(h, 0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef, 64); // needs masking
        insert6(a, 0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef, 128);
        insert6(c, 0x24446800, 0x40e40800, 0xdeaebeef, 0xdefbeef, 128);
        insert6(b, 0x24446800, 0xf0e40800, 0xeeaebeef, 0, 98);
        insert4(g, 64, 15, 112, 0, 20);
        insert4(h, 64, 15, 123, 211, 25); // needs masking
        insert4(a, 10, 0, 0, 0, 25);
        insert4(b, 10, 0, 0, 128, 25);
        insert4(a, 10, 1, 0, 0, 30);
        insert4(b, 10, 1, 0, 4, 30);
        insert4(c, 10, 1, 0, 8, 29);
        insert4(d, 10, 1, 0, 16, 29);
        t.checkInvariants();
    }

    @Test
    void kernelStaticTableLookups() {
        buildKernelTable();
        test4(a, 192, 168, 4, 20);
        test4(a, 192, 168, 4, 0);
        test4(b, 192, 168, 4, 4);
        test4(c, 192, 168, 200, 182);
        test4(c, 192, 95, 5, 68);
        test4(e, 192, 95, 5, 96);
        test6(d, 0x26075300, 0x60006b00, 0, 0xc05f0543);
        test6(c, 0x26075300, 0x60006b00, 0, 0xc02e01ee);
        test6(f, 0x26075300, 0x60006b01, 0, 0);
        test6(g, 0x24046800, 0x40040806, 0, 0x1006);
        test6(g, 0x24046800, 0x40040806, 0x1234, 0x5678);
        test6(f, 0x240467ff, 0x40040806, 0x1234, 0x5678);
        test6(f, 0x24046801, 0x40040806, 0x1234, 0x5678);
        test6(h, 0x24046800, 0x40040800, 0x1234, 0x5678);
        test6(h, 0x24046800, 0x40040800, 0, 0);
        test6(h, 0x24046800, 0x40040800, 0x10101010, 0x10101010);
        test6(a, 0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef);
        test4(g, 64, 15, 116, 26);
        test4(g, 64, 15, 127, 3);
        test4(g, 64, 15, 123, 1);
        test4(h, 64, 15, 123, 128);
        test4(h, 64, 15, 123, 129);
        test4(a, 10, 0, 0, 52);
        test4(b, 10, 0, 0, 220);
        test4(a, 10, 1, 0, 2);
        test4(b, 10, 1, 0, 6);
        test4(c, 10, 1, 0, 10);
        test4(d, 10, 1, 0, 20);
    }

    @Test
    void kernelStaticTableOwnershipAfterMoves() {
        buildKernelTable();
        assertEquals(21, t.size(), "23 inserts, 2 of them moves");
        assertEquals(List.of("2607:5300:6000:6b00::c05f:543/128", "10.1.0.16/29"), strings(t.entriesForPeer(d)),
                "d lost 192.95.5.64/27 to c");
        assertEquals(List.of("0.0.0.0/0"), strings(t.entriesForPeer(e)), "e lost ::/0 to f");
        assertEquals(List.of("::/0"), strings(t.entriesForPeer(f)));
        assertEquals(List.of("2404:6800:4004:800::/64", "64.15.123.128/25"), strings(t.entriesForPeer(h)));
        assertTrue(strings(t.entriesForPeer(c)).contains("192.95.5.64/27"));
        assertTrue(strings(t.entriesForPeer(b)).contains("2444:6800:f0e4:800:eeae:beef::/98"));
    }

    @Test
    void kernelRemoveByPeerOfHostRoutes() {
        buildKernelTable();
        insert4(a, 1, 0, 0, 0, 32);
        insert4(a, 64, 0, 0, 0, 32);
        insert4(a, 128, 0, 0, 0, 32);
        insert4(a, 192, 0, 0, 0, 32);
        insert4(a, 255, 0, 0, 0, 32);
        test4(a, 128, 0, 0, 0);
        assertEquals(5 + 4, t.removeByPeer(a), "a's 5 host routes plus its 4 kernel-table entries");
        t.checkInvariants();
        for (int first : new int[] {1, 64, 128, 192, 255}) {
            Peer got = lookupAllWays(t, ip4(first, 0, 0, 0));
            assertNotSame(a, got, first + ".0.0.0");
            assertSame(e, got, first + ".0.0.0 falls back to e's 0.0.0.0/0");
        }
        assertTrue(t.entriesForPeer(a).isEmpty());
        test4(b, 10, 0, 0, 220); // others untouched
        test4(e, 10, 0, 0, 52);
        test6(h, 0x24046800, 0x40040800, 0xdeadbeef, 0xdeadbeef);
    }

    @Test
    void kernelRemoveByPeerOfNestedPrefixes() {
        insert4(a, 192, 168, 0, 0, 16);
        insert4(a, 192, 168, 0, 0, 24);
        test4(a, 192, 168, 0, 1);
        assertEquals(2, t.removeByPeer(a));
        assertNull(lookupAllWays(t, ip4(192, 168, 0, 1)));
        assertEquals(0, t.size());
        t.checkInvariants();
    }

    @Test
    void kernel128HostRoutesEachWithOneBitCleared() {
        for (int i = 0; i < 128; i++) {
            byte[] ip = new byte[16];
            java.util.Arrays.fill(ip, (byte) 0xff);
            ip[15 - i / 8] &= (byte) ~(1 << (i % 8)); // clear bit i counting from the least significant
            t.insert(ip, 128, a);
        }
        t.checkInvariants();
        assertEquals(128, t.size());
        assertEquals(128, t.entriesForPeer(a).size());
        for (Prefix p : t.entriesForPeer(a)) {
            assertSame(a, lookupAllWays(t, p.address()));
        }
        assertNull(t.lookup(ip6(-1, -1, -1, -1)), "all-ones was never inserted");
        assertEquals(128, t.removeByPeer(a));
        t.checkInvariants();
        assertNull(t.lookup(ip6(-1, -1, -1, -2)));
    }

    @Test
    void kernelEnumerationOfMaskedEntries() {
        insert4(a, 192, 95, 5, 93, 27);
        insert6(a, 0x26075300, 0x60006b00, 0, 0xc05f0543, 128);
        insert4(a, 10, 1, 0, 20, 29);
        insert6(a, 0x26075300, 0x6d8a6bf8, 0xdab1f1df, 0xc05f1523, 83);
        insert6(a, 0x26075300, 0x6d8a6bf8, 0xdab1f1df, 0xc05f1523, 21);
        List<Prefix> entries = t.entriesForPeer(a);
        assertEquals(5, entries.size());
        assertEquals(List.of(
                new Prefix(ip4(192, 95, 5, 64), 27),
                new Prefix(ip6(0x26075300, 0x60006b00, 0, 0xc05f0543), 128),
                new Prefix(ip4(10, 1, 0, 16), 29),
                new Prefix(ip6(0x26075300, 0x6d8a6bf8, 0xdab1e000, 0), 83),
                new Prefix(ip6(0x26075000, 0, 0, 0), 21)), entries);
        assertEquals(List.of("192.95.5.64/27", "2607:5300:6000:6b00::c05f:543/128", "10.1.0.16/29",
                "2607:5300:6d8a:6bf8:dab1:e000::/83", "2607:5000::/21"), strings(entries));
        assertThrows(UnsupportedOperationException.class, () -> entries.add(entries.get(0)));
    }

    @Test
    void removeSinglePrefixOnlyByItsOwner() {
        buildKernelTable();
        byte[] net = ip4(192, 168, 4, 0);
        assertFalse(t.remove(net, 24, b), "b does not own 192.168.4.0/24");
        test4(a, 192, 168, 4, 20);
        assertFalse(t.remove(net, 23, a), "a owns /24, not /23");
        assertFalse(t.remove(ip4(192, 168, 5, 0), 24, a), "no such prefix");
        assertTrue(t.remove(ip4(192, 168, 4, 99), 24, a), "host bits are masked on removal too");
        assertFalse(t.remove(net, 24, a), "already gone");
        t.checkInvariants();
        test4(c, 192, 168, 4, 20); // falls back to c's /16
        test4(b, 192, 168, 4, 4); // b's /32 below the removed /24 survives
        assertFalse(strings(t.entriesForPeer(a)).contains("192.168.4.0/24"));
        assertEquals(20, t.size());
    }

    @Test
    void reinsertingByTheSameOwnerChangesNothing() {
        insert4(a, 10, 0, 0, 0, 8);
        insert4(b, 10, 1, 0, 0, 16);
        insert4(a, 10, 9, 9, 9, 8);
        assertEquals(2, t.size());
        assertEquals(List.of("10.0.0.0/8"), strings(t.entriesForPeer(a)));
        test4(b, 10, 1, 2, 3);
        test4(a, 10, 2, 2, 3);
    }

    @Test
    void peersAreComparedByIdentityNotEquals() {
        Peer twin = new Peer("twin"); // equals(a) is true
        insert4(a, 10, 0, 0, 0, 8);
        assertFalse(t.remove(ip4(10, 0, 0, 0), 8, twin));
        assertEquals(0, t.removeByPeer(twin));
        assertTrue(t.entriesForPeer(twin).isEmpty());
        insert4(twin, 10, 0, 0, 0, 8);
        test4(twin, 10, 1, 1, 1);
        assertTrue(t.entriesForPeer(a).isEmpty(), "the prefix moved to twin");
    }

    @Test
    void emptyTableAndClear() {
        assertNull(t.lookup(ip4(1, 2, 3, 4)));
        assertNull(t.lookup(ip6(1, 2, 3, 4)));
        buildKernelTable();
        t.clear();
        assertEquals(0, t.size());
        assertNull(lookupAllWays(t, ip4(10, 0, 0, 52)));
        assertNull(lookupAllWays(t, ip6(0x26075300, 0x60006b00, 0, 0xc05f0543)));
        assertTrue(t.entriesForPeer(a).isEmpty());
        t.checkInvariants();
    }

    @Test
    void badInputIsRejectedWithTypedErrors() {
        var ex = assertThrows(PrefixFormatException.class, () -> t.insert(new byte[5], 8, a));
        assertEquals(PrefixFormatException.Reason.BAD_ADDRESS_LENGTH, ex.reason());
        ex = assertThrows(PrefixFormatException.class, () -> t.insert(new byte[4], 33, a));
        assertEquals(PrefixFormatException.Reason.BAD_LENGTH, ex.reason());
        ex = assertThrows(PrefixFormatException.class, () -> t.insert(new byte[16], -1, a));
        assertEquals(PrefixFormatException.Reason.BAD_LENGTH, ex.reason());
        assertThrows(PrefixFormatException.class, () -> t.lookup(new byte[3]));
        assertThrows(NullPointerException.class, () -> t.insert(new byte[4], 0, null));
        assertThrows(IndexOutOfBoundsException.class, () -> t.lookupV4(new byte[6], 3));
        assertThrows(IndexOutOfBoundsException.class, () -> t.lookupV6(new byte[20], 5));
        assertEquals(0, t.size());
        assertEquals("AllowedIps[0 prefixes]", t.toString());
    }

    @Test
    void lookupsDoNotAllocate() {
        buildKernelTable();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] packet = new byte[64];
        int found = 0;
        for (int round = 0; round < 2; round++) { // round 0 warms up, round 1 measures
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 500_000; i++) {
                packet[12] = (byte) (i * 7);
                packet[13] = (byte) (i >>> 3);
                packet[24] = (byte) (0x24 + (i & 3));
                packet[27] = (byte) i;
                found += t.lookupV4(packet, 12) != null ? 1 : 0;
                found += t.lookupV6(packet, 24) != null ? 1 : 0;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(allocated < 1024, "1M lookups allocated " + allocated + " bytes");
            }
        }
        assertTrue(found > 0);
    }

    private static List<String> strings(List<Prefix> prefixes) {
        List<String> out = new ArrayList<>();
        for (Prefix p : prefixes) {
            out.add(p.toString());
        }
        return out;
    }
}
