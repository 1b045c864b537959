package dev.wgdesk.engine.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The host-route fast path of {@link AllowedIps} (an exact-match table of /32 and /128 routes asked
 * before the trie) must give the same answer as the trie alone for every address, whatever the
 * table went through. Differential: random tables of mixed prefixes, mostly host routes, with
 * inserts, removals, moves of host routes between peers and peer removals, each followed by
 * lookups through every lookup entry point compared with {@link AllowedIps#lookupTrieOnly}.
 *
 * <p>Seed fixed, printed in failures, overridable with {@code -Dwgdesk.test.seed=N}.
 */
class HostRouteFastPathTest {
    private static final long SEED = Long.getLong("wgdesk.test.seed", 0x4057_7AB1EL);

    private static byte[] addr(int len, String hex) {
        byte[] a = new byte[len];
        for (int i = 0; i < len; i++) {
            a[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return a;
    }

    @Test
    void hostRouteMovedBetweenPeersAndRemovedFallsBackToTheCoveringPrefix() {
        AllowedIps<Object> t = new AllowedIps<>();
        Object a = new Object();
        Object b = new Object();
        Object c = new Object();
        byte[] host = {10, 0, 0, 7};
        t.insert(new byte[] {10, 0, 0, 0}, 24, c);
        t.insert(host, 32, a);
        assertSame(a, t.lookup(host));
        t.insert(host, 32, b); // moves to b
        assertSame(b, t.lookup(host));
        assertFalse(t.remove(host, 32, a), "the former owner cannot remove it");
        assertSame(b, t.lookup(host));
        assertEquals(List.of(), t.entriesForPeer(a));
        t.checkInvariants();
        assertTrue(t.remove(host, 32, b));
        assertSame(c, t.lookup(host), "the /24 answers once the host route is gone");
        t.insert(host, 32, a);
        assertEquals(1, t.removeByPeer(a));
        assertSame(c, t.lookup(host));
        t.checkInvariants();
        t.removeByPeer(c);
        assertNull(t.lookup(host));

        byte[] host6 = addr(16, "fd000000000000000000000000000001");
        t.insert(addr(16, "fd000000000000000000000000000000"), 64, c);
        t.insert(host6, 128, a);
        assertSame(a, t.lookup(host6));
        t.insert(host6, 128, b);
        assertSame(b, t.lookup(host6));
        t.clear();
        assertNull(t.lookup(host6));
        t.checkInvariants();
    }

    @Test
    void manyHostRoutesGrowAndShrinkTheTable() {
        AllowedIps<Object> t = new AllowedIps<>();
        Object def = new Object();
        t.insert(new byte[4], 0, def);
        int n = 5000;
        Object[] peers = new Object[n];
        for (int i = 0; i < n; i++) {
            peers[i] = new Object();
            t.insert(new byte[] {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i}, 32, peers[i]);
        }
        t.checkInvariants();
        for (int i = 0; i < n; i++) {
            assertSame(peers[i], t.lookup(new byte[] {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i}));
        }
        assertSame(def, t.lookup(new byte[] {10, 1, 0, 0})); // 65536: no host route
        for (int i = 0; i < n; i += 2) {
            assertEquals(1, t.removeByPeer(peers[i]));
        }
        t.checkInvariants();
        for (int i = 0; i < n; i++) {
            byte[] x = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
            assertSame(i % 2 == 0 ? def : peers[i], t.lookup(x), "10.0." + i);
        }
        for (int i = 1; i < n; i += 2) {
            assertTrue(t.remove(new byte[] {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i}, 32, peers[i]));
        }
        t.checkInvariants();
        assertEquals(1, t.size());
    }

    @Test
    void ipv4FastPathEqualsTrie() {
        run(4, SEED);
    }

    @Test
    void ipv6FastPathEqualsTrie() {
        run(16, SEED + 1);
    }

    private static void run(int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int bits = len * 8;
        Object[] peers = new Object[16];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = new Object();
        }
        // A few bases so that prefixes overlap and host routes sit inside shorter ones.
        byte[][] bases = new byte[6][len];
        for (byte[] b : bases) {
            rnd.nextBytes(b);
        }
        AllowedIps<Object> t = new AllowedIps<>();
        List<byte[]> hosts = new ArrayList<>();
        List<byte[]> probes = new ArrayList<>();
        for (int op = 0; op < 20_000; op++) {
            byte[] a = near(rnd, bases[rnd.nextInt(bases.length)]);
            Object peer = peers[rnd.nextInt(peers.length)];
            int kind = rnd.nextInt(100);
            String what;
            if (kind < 45) { // a host route, often one that exists (a move)
                byte[] h = !hosts.isEmpty() && rnd.nextBoolean() ? hosts.get(rnd.nextInt(hosts.size())) : a;
                t.insert(h, bits, peer);
                hosts.add(h);
                what = "insert host";
            } else if (kind < 70) {
                t.insert(a, rnd.nextInt(bits), peer); // a shorter prefix
                what = "insert prefix";
            } else if (kind < 90 && !hosts.isEmpty()) {
                byte[] h = hosts.get(rnd.nextInt(hosts.size()));
                Object owner = rnd.nextInt(3) == 0 ? peer : t.lookup(h); // sometimes not the owner
                if (owner != null) {
                    t.remove(h, bits, owner);
                }
                what = "remove host";
            } else if (kind < 97) {
                t.remove(a, rnd.nextInt(bits + 1), peer);
                what = "remove";
            } else {
                t.removeByPeer(peer);
                what = "removeByPeer";
            }
            if (hosts.size() > 400) {
                hosts.subList(0, 200).clear();
            }
            probes.clear();
            for (int i = 0; i < 6 && !hosts.isEmpty(); i++) {
                byte[] h = hosts.get(rnd.nextInt(hosts.size()));
                probes.add(h);
                probes.add(flipBit(h, rnd.nextInt(bits))); // a neighbour: usually no host route
            }
            probes.add(near(rnd, bases[rnd.nextInt(bases.length)]));
            byte[] random = new byte[len];
            rnd.nextBytes(random);
            probes.add(random);
            for (byte[] p : probes) {
                check(t, p, "seed " + seed + ", operation " + op + " (" + what + ")");
            }
            if (op % 500 == 0) {
                t.checkInvariants();
            }
        }
        t.checkInvariants();
    }

    /** Every entry point, heap and direct buffers in both byte orders, against the trie alone. */
    private static void check(AllowedIps<Object> t, byte[] a, String context) {
        Object expected = t.lookupTrieOnly(a);
        assertSame(expected, t.lookup(a), context);
        int off = 3;
        byte[] packet = new byte[off + a.length];
        System.arraycopy(a, 0, packet, off, a.length);
        ByteBuffer little = ByteBuffer.allocateDirect(packet.length).order(ByteOrder.LITTLE_ENDIAN);
        little.put(0, packet);
        if (a.length == 4) {
            assertSame(expected, t.lookupV4(packet, off), context);
            assertSame(expected, t.lookupV4(little, off), context);
        } else {
            assertSame(expected, t.lookupV6(packet, off), context);
            assertSame(expected, t.lookupV6(little, off), context);
        }
    }

    private static byte[] near(SplittableRandom rnd, byte[] base) {
        byte[] a = base.clone();
        int keep = rnd.nextInt(a.length * 8 + 1); // keep a random number of leading bits
        for (int bit = keep; bit < a.length * 8; bit++) {
            if (rnd.nextBoolean()) {
                a[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            }
        }
        return a;
    }

    private static byte[] flipBit(byte[] a, int bit) {
        byte[] b = a.clone();
        b[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        return b;
    }
}
