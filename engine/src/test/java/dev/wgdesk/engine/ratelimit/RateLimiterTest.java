package dev.wgdesk.engine.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.time.VirtualClock;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long COST = Protocol.PACKET_COST_NANOS;

    private static final List<InetAddress> V4 = addresses(
            "127.0.0.1", "192.168.1.1", "172.167.2.3", "97.231.252.215",
            "248.97.91.167", "188.208.233.47", "104.2.183.179", "72.129.46.120");
    /** Six IPv6 sources, each in its own /64. */
    private static final List<InetAddress> V6 = addresses(
            "2001:db8:a0b:12f0::1", "a111:db8:a0b:12f0::1", "a111:db8:a0b:12f1::1",
            "a111:db8:a0b:1:2::1", "fd00:1:2:3:4:5:6:7", "::1");

    private final VirtualClock clock = new VirtualClock();
    private RateLimiter limiter = new RateLimiter(clock);

    @AfterEach
    void close() {
        limiter.close();
    }

    private static List<InetAddress> addresses(String... literals) {
        List<InetAddress> out = new ArrayList<>();
        for (String s : literals) {
            out.add(InetAddress.ofLiteral(s));
        }
        return out;
    }

    private static byte[] v4(int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    private record Step(long waitNanos, boolean allowed) {}

    @Test
    void constantsMatchKernelAndWireguardGo() {
        assertEquals(20, Protocol.PACKETS_PER_SECOND);
        assertEquals(5, Protocol.PACKETS_BURSTABLE);
        assertEquals(50_000_000L, Protocol.PACKET_COST_NANOS);
        assertEquals(250_000_000L, Protocol.TOKEN_MAX_NANOS);
        assertEquals(1_000_000_000L, Protocol.RATELIMITER_GC_INTERVAL_NANOS);
        assertEquals(65_536, Protocol.RATELIMITER_MAX_ENTRIES);
        assertEquals(Protocol.RATELIMITER_MAX_ENTRIES, limiter.maxEntries());
    }

    /** protocol.md 2.3: the wireguard-go and kernel sequence, per source, in virtual time. */
    @Test
    void referenceSequenceForEightIpv4AndSixIpv6Sources() {
        List<Step> steps = List.of(
                new Step(0, true), new Step(0, true), new Step(0, true), new Step(0, true), new Step(0, true),
                new Step(0, false),
                new Step(COST, true),
                new Step(0, false),
                new Step(2 * COST, true),
                new Step(0, true),
                new Step(0, false));
        List<InetAddress> sources = new ArrayList<>(V4);
        sources.addAll(V6);
        int fresh = 0x0a00_0000;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            clock.advance(step.waitNanos());
            for (InetAddress source : sources) {
                assertEquals(step.allowed(), limiter.allow(source), "step " + i + " for " + source.getHostAddress());
            }
            // As in the kernel self-test, a source never seen before is always allowed.
            assertTrue(limiter.allow(v4(fresh++)), "step " + i + ": new source");
        }
        assertEquals(sources.size() + steps.size(), limiter.size());
    }

    @Test
    void aDeniedMessageKeepsItsPartialTokens() {
        byte[] a = v4(0x0a00_0001);
        for (int i = 0; i < Protocol.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(a));
        }
        assertFalse(limiter.allow(a));
        clock.advance(COST - 1);
        assertFalse(limiter.allow(a), "one nanosecond short of a token");
        clock.advance(1);
        assertTrue(limiter.allow(a), "the denied attempt did not throw away the refill so far");
        assertFalse(limiter.allow(a));
    }

    @Test
    void theBucketIsCappedAtTheBurst() {
        byte[] a = v4(0x0a00_0002);
        for (int i = 0; i < 12; i++) { // stay active (no garbage collection) for ~11 s
            assertTrue(limiter.allow(a));
            clock.advanceMillis(900);
        }
        int allowed = 0;
        while (limiter.allow(a) && allowed < 100) {
            allowed++;
        }
        assertEquals(Protocol.PACKETS_BURSTABLE, allowed, "11 s of refill still buys only one burst");
    }

    @Test
    void ipv6SourcesAreLimitedPerSlash64() {
        byte[] one = InetAddress.ofLiteral("2001:db8:1:2::1").getAddress();
        byte[] sameSlash64 = InetAddress.ofLiteral("2001:db8:1:2:ffff:eeee:dddd:cccc").getAddress();
        byte[] nextSlash64 = InetAddress.ofLiteral("2001:db8:1:3::1").getAddress();
        byte[] otherAbove = InetAddress.ofLiteral("2001:db9:1:2::1").getAddress();
        for (int i = 0; i < Protocol.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(one));
        }
        assertFalse(limiter.allow(one));
        assertFalse(limiter.allow(sameSlash64), "a new address inside the same /64 shares the bucket");
        assertTrue(limiter.allow(nextSlash64), "a change above the /64 is a new source");
        assertTrue(limiter.allow(otherAbove), "a change in the first 32 bits is a new source");
        assertEquals(3, limiter.size());
        // The allocation-free variant reads the same key out of a packet buffer.
        byte[] packet = new byte[40];
        System.arraycopy(sameSlash64, 0, packet, 8, 16);
        assertFalse(limiter.allowV6(packet, 8));
    }

    @Test
    void ipv4SourcesAreLimitedPerAddress() {
        byte[] a = v4(0xc0a8_0001);
        byte[] neighbour = v4(0xc0a8_0002);
        for (int i = 0; i < Protocol.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(a));
        }
        assertFalse(limiter.allow(a));
        assertTrue(limiter.allow(neighbour));
        byte[] packet = new byte[20];
        System.arraycopy(a, 0, packet, 12, 4);
        assertFalse(limiter.allowV4(packet, 12));
    }

    @Test
    void ipv4MappedIpv6AddressesCountAsTheirIpv4Address() {
        byte[] a = v4(0xc0a8_0001);
        byte[] mappedA = new byte[16];
        mappedA[10] = (byte) 0xff;
        mappedA[11] = (byte) 0xff;
        System.arraycopy(a, 0, mappedA, 12, 4);
        byte[] mappedB = mappedA.clone();
        mappedB[15] = 99;
        for (int i = 0; i < Protocol.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(mappedA));
        }
        assertFalse(limiter.allow(a), "the same IPv4 source");
        assertTrue(limiter.allow(mappedB), "another IPv4 source is not lumped into ::/64");
        assertEquals(2, limiter.size());
    }

    @Test
    void capacityIsBoundedLikeTheKernelsMaxEntries() {
        int max = Protocol.RATELIMITER_MAX_ENTRIES;
        for (int i = 0; i <= max; i++) { // kernel capacity_test: allowed iff i != max_entries
            assertEquals(i != max, limiter.allow(v4(i)), "source " + i);
        }
        assertEquals(max, limiter.size());
        assertTrue(limiter.allow(v4(7)), "known sources are still served while the table is full");
        assertFalse(limiter.allow(InetAddress.ofLiteral("2001:db8::1")), "no room for a new IPv6 source either");
    }

    @Test
    void tokenStateSurvivesTableGrowth() {
        RateLimiter small = new RateLimiter(clock, 5000);
        try {
            byte[] a = v4(1);
            for (int i = 0; i < Protocol.PACKETS_BURSTABLE; i++) {
                assertTrue(small.allow(a));
            }
            for (int i = 0; i < 4000; i++) {
                assertTrue(small.allow(v4(1000 + i)));
            }
            assertTrue(small.capacity() >= 4001, "the table grew");
            assertFalse(small.allow(a), "still exhausted after rehashing");
            for (int i = 0; i < 4000; i++) {
                assertTrue(small.allow(v4(1000 + i)), "second message of source " + i);
            }
        } finally {
            small.close();
        }
    }

    @Test
    void idleEntriesAreGarbageCollectedEverySecond() {
        assertEquals(0, clock.pendingTimers(), "no sweep while the table is empty");
        byte[] idle = v4(0x0a00_0001);
        byte[] busy = v4(0x0a00_0002);
        assertTrue(limiter.allow(idle));
        assertTrue(limiter.allow(busy));
        assertEquals(1, clock.pendingTimers(), "the first entry arms the sweep");
        for (int i = 0; i < 4; i++) { // busy sends every 500 ms for 2 s
            clock.advanceMillis(500);
            limiter.allow(busy);
        }
        // The sweep at +1 s kept 'idle' (idle exactly 1 s, not more); the one at +2 s dropped it.
        assertEquals(1, limiter.size());
        assertEquals(1, clock.pendingTimers(), "the sweep re-arms while entries remain");
        clock.advanceSeconds(2);
        assertEquals(0, limiter.size(), "busy went idle too");
        assertEquals(0, clock.pendingTimers(), "no sweep while the table is empty");
        // A collected source starts afresh.
        for (int i = 0; i < Protocol.PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(idle));
        }
        assertFalse(limiter.allow(idle));
        assertEquals(1, clock.pendingTimers());
    }

    @Test
    void garbageCollectionFreesCapacity() {
        RateLimiter small = new RateLimiter(clock, 200);
        try {
            for (int i = 0; i < 200; i++) {
                assertTrue(small.allow(v4(i)));
            }
            assertFalse(small.allow(v4(1000)), "full");
            clock.advanceMillis(1500);
            assertFalse(small.allow(v4(1000)), "entries idle for 1.5 s but not yet swept");
            clock.advanceMillis(600); // sweep at +2 s
            assertEquals(0, small.size());
            assertTrue(small.allow(v4(1000)), "room again");
            assertTrue(small.capacity() < 200, "memory given back after the flood");
            for (int i = 0; i < 199; i++) {
                assertTrue(small.allow(v4(5000 + i)));
            }
            assertFalse(small.allow(v4(1001)), "the limit holds after shrinking and growing again");
        } finally {
            small.close();
        }
    }

    @Test
    void closeStopsTheTimerAndRefusesEverything() {
        assertTrue(limiter.allow(v4(1)));
        assertEquals(1, clock.pendingTimers());
        limiter.close();
        assertEquals(0, clock.pendingTimers());
        assertEquals(0, limiter.size());
        assertFalse(limiter.allow(v4(2)));
        clock.advanceSeconds(5);
        limiter.close(); // idempotent
    }

    @Test
    void concurrentCallersShareOneBucket() throws Exception {
        byte[] a = v4(0x0a01_0203);
        AtomicInteger allowed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t << 16;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 5_000; i++) {
                    if (limiter.allow(a)) {
                        allowed.incrementAndGet();
                    }
                    limiter.allow(v4(0x0b00_0000 | base | i)); // distinct sources, table growth
                }
            }));
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(Protocol.PACKETS_BURSTABLE, allowed.get(), "time stood still: exactly one burst in total");
        assertEquals(1 + 4 * 5_000, limiter.size());
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> limiter.allow(new byte[5]));
        assertThrows(IndexOutOfBoundsException.class, () -> limiter.allowV4(new byte[4], 1));
        assertThrows(IndexOutOfBoundsException.class, () -> limiter.allowV6(new byte[16], 1));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(clock, 0));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(clock, (1 << 24) + 1));
        assertThrows(NullPointerException.class, () -> new RateLimiter(null));
        assertEquals(0, limiter.size());
    }

    @Test
    void steadyStateDoesNotAllocate() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] packet = new byte[64];
        int yes = 0;
        for (int round = 0; round < 2; round++) { // round 0 creates the entries and warms up
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 300_000; i++) {
                packet[12] = (byte) i; // 256 IPv4 sources
                packet[24 + 7] = (byte) (i >>> 2); // 256 IPv6 /64s
                yes += limiter.allowV4(packet, 12) ? 1 : 0;
                yes += limiter.allowV6(packet, 24) ? 1 : 0;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(allocated < 1024, "600k allow calls allocated " + allocated + " bytes");
            }
        }
        assertEquals(512 * Protocol.PACKETS_BURSTABLE, yes, "virtual time stood still: one burst per source");
    }

    @Test
    void toStringShowsOnlyCounts() {
        limiter.allow(v4(1));
        assertEquals("RateLimiter[1/65536 sources]", limiter.toString());
    }
}
