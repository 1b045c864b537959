package dev.wgdesk.engine.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random operations on {@link AllowedIps} checked step by step against a deliberately naive
 * reference (a list scanned for the longest matching prefix), in the spirit of the kernel's
 * {@code horrible_allowedips} and wireguard-go's {@code SlowRouter}.
 *
 * <p>The seed is fixed, printed in every failure, and can be overridden with
 * {@code -Dwgdesk.test.seed=N} to replay or explore.
 */
class AllowedIpsRandomTest {
    private static final long SEED = Long.getLong("wgdesk.test.seed", 0x7A11_0ED1_95L);
    private static final int OPERATIONS = 150_000;
    private static final int PEERS = 24;
    private static final int BASES = 48;
    private static final int SOFT_MAX_ENTRIES = 700;

    /** The naive reference: one list, in the order prefixes were last given to their owner. */
    static final class Reference<P> {
        static final class Entry<P> {
            final byte[] net;
            final int cidr;
            P peer;

            Entry(byte[] net, int cidr, P peer) {
                this.net = net;
                this.cidr = cidr;
                this.peer = peer;
            }
        }

        final List<Entry<P>> entries = new ArrayList<>();

        /** Independent masking: bit by bit. */
        static byte[] mask(byte[] a, int cidr) {
            byte[] m = new byte[a.length];
            for (int bit = 0; bit < cidr; bit++) {
                m[bit / 8] |= (byte) (a[bit / 8] & (0x80 >>> (bit % 8)));
            }
            return m;
        }

        static boolean matches(byte[] addr, byte[] net, int cidr) {
            int full = cidr / 8;
            for (int i = 0; i < full; i++) {
                if (addr[i] != net[i]) {
                    return false;
                }
            }
            int rest = cidr % 8;
            return rest == 0 || ((addr[full] ^ net[full]) & (0xff << (8 - rest)) & 0xff) == 0;
        }

        Entry<P> find(byte[] net, int cidr) {
            for (Entry<P> e : entries) {
                if (e.cidr == cidr && Arrays.equals(e.net, net)) {
                    return e;
                }
            }
            return null;
        }

        void insert(byte[] addr, int cidr, P peer) {
            byte[] net = mask(addr, cidr);
            Entry<P> e = find(net, cidr);
            if (e != null && e.peer == peer) {
                return;
            }
            if (e != null) {
                entries.remove(e); // moves: it is now last in its new owner's order
            }
            entries.add(new Entry<>(net, cidr, peer));
        }

        boolean remove(byte[] addr, int cidr, P peer) {
            Entry<P> e = find(mask(addr, cidr), cidr);
            return e != null && e.peer == peer && entries.remove(e);
        }

        int removeByPeer(P peer) {
            int before = entries.size();
            entries.removeIf(e -> e.peer == peer);
            return before - entries.size();
        }

        P lookup(byte[] addr) {
            P best = null;
            int bestCidr = -1;
            for (Entry<P> e : entries) {
                if (e.net.length == addr.length && e.cidr > bestCidr && matches(addr, e.net, e.cidr)) {
                    best = e.peer;
                    bestCidr = e.cidr;
                }
            }
            return best;
        }

        List<Prefix> entriesFor(P peer) {
            List<Prefix> out = new ArrayList<>();
            for (Entry<P> e : entries) {
                if (e.peer == peer) {
                    out.add(new Prefix(e.net, e.cidr));
                }
            }
            return out;
        }
    }

    @Test
    void ipv4AgainstNaiveReference() {
        run(4, SEED);
    }

    @Test
    void ipv6AgainstNaiveReference() {
        run(16, SEED + 1);
    }

    private static void run(int addrLen, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int bits = addrLen * 8;
        Object[] peers = new Object[PEERS];
        for (int i = 0; i < PEERS; i++) {
            peers[i] = new Object();
        }
        byte[][] bases = new byte[BASES][addrLen];
        for (byte[] b : bases) {
            rnd.nextBytes(b);
        }
        AllowedIps<Object> table = new AllowedIps<>();
        Reference<Object> ref = new Reference<>();
        byte[] packet = new byte[40 + addrLen];
        int lookups = 0;
        int hits = 0;
        int moves = 0;
        int removals = 0;
        for (int op = 0; op < OPERATIONS; op++) {
            String where = "seed " + seed + " (rerun with -Dwgdesk.test.seed=" + SEED + "), "
                    + (addrLen == 4 ? "IPv4" : "IPv6") + " operation " + op;
            int dice = rnd.nextInt(100);
            boolean crowded = ref.entries.size() > SOFT_MAX_ENTRIES;
            if (dice < (crowded ? 15 : 35)) {
                byte[] addr = nearBase(rnd, bases, addrLen);
                int cidr = randomCidr(rnd, bits);
                Object peer = peers[rnd.nextInt(PEERS)];
                byte[] net = Reference.mask(addr, cidr);
                Reference.Entry<Object> existing = ref.find(net, cidr);
                if (existing != null && existing.peer != peer) {
                    moves++;
                }
                table.insert(addr, cidr, peer);
                ref.insert(addr, cidr, peer);
            } else if (dice < (crowded ? 45 : 50)) {
                byte[] addr;
                int cidr;
                Object peer;
                if (!ref.entries.isEmpty() && rnd.nextInt(4) != 0) {
                    Reference.Entry<Object> e = ref.entries.get(rnd.nextInt(ref.entries.size()));
                    addr = withRandomHostBits(rnd, e.net, e.cidr);
                    cidr = e.cidr;
                    peer = rnd.nextInt(5) == 0 ? peers[rnd.nextInt(PEERS)] : e.peer; // sometimes not the owner
                } else {
                    addr = nearBase(rnd, bases, addrLen);
                    cidr = randomCidr(rnd, bits);
                    peer = peers[rnd.nextInt(PEERS)];
                }
                boolean expected = ref.remove(addr, cidr, peer);
                assertEquals(expected, table.remove(addr, cidr, peer), where + ": remove");
                removals += expected ? 1 : 0;
            } else if (dice < 51) {
                Object peer = peers[rnd.nextInt(PEERS)];
                assertEquals(ref.removeByPeer(peer), table.removeByPeer(peer), where + ": removeByPeer");
            } else {
                byte[] addr = lookupAddress(rnd, bases, ref, addrLen);
                int off = rnd.nextInt(40);
                System.arraycopy(addr, 0, packet, off, addrLen);
                Object expected = ref.lookup(addr);
                Object got = addrLen == 4 ? table.lookupV4(packet, off) : table.lookupV6(packet, off);
                if (expected != got) {
                    fail(where + ": lookup " + new Prefix(addr, bits) + " expected peer "
                            + indexOf(peers, expected) + " got " + indexOf(peers, got));
                }
                if (rnd.nextInt(64) == 0) {
                    assertSame(expected, AllowedIpsTest.lookupAllWays(table, addr), where);
                }
                lookups++;
                hits += expected != null ? 1 : 0;
            }
            if (op % 2_000 == 0 || op == OPERATIONS - 1) {
                checkSame(table, ref, peers, where);
            }
        }
        // Then empty the table peer by peer, as the kernel's randomized test does.
        for (int i = 0; i < PEERS; i++) {
            assertEquals(ref.removeByPeer(peers[i]), table.removeByPeer(peers[i]), "seed " + seed + ": final removeByPeer");
        }
        assertEquals(0, table.size());
        table.checkInvariants();
        // The run must have exercised what it claims to.
        assertTrue(lookups > OPERATIONS / 3 && hits > lookups / 4 && lookups - hits > lookups / 20,
                "lookups " + lookups + ", hits " + hits);
        assertTrue(moves > 100 && removals > 1_000, "moves " + moves + ", removals " + removals);
    }

    private static void checkSame(AllowedIps<Object> table, Reference<Object> ref, Object[] peers, String where) {
        try {
            table.checkInvariants();
        } catch (IllegalStateException e) {
            throw new AssertionError(where + ": " + e.getMessage(), e);
        }
        assertEquals(ref.entries.size(), table.size(), where + ": size");
        for (int i = 0; i < peers.length; i++) {
            assertEquals(ref.entriesFor(peers[i]), table.entriesForPeer(peers[i]), where + ": entries of peer " + i);
        }
    }

    /**
     * Prefix lengths biased towards host routes and long prefixes, with every length possible.
     * Short prefixes (down to /0) are rare so that a good share of lookups still miss.
     */
    private static int randomCidr(SplittableRandom rnd, int bits) {
        int dice = rnd.nextInt(200);
        if (dice == 0) {
            return rnd.nextInt(bits / 4); // short, /0 included
        }
        if (dice < 50) {
            return bits;
        }
        if (dice < 100) {
            return bits - rnd.nextInt(9);
        }
        return bits / 4 + rnd.nextInt(bits - bits / 4 + 1);
    }

    /** A base address with a few random bits flipped, so that prefixes overlap a lot. */
    private static byte[] nearBase(SplittableRandom rnd, byte[][] bases, int addrLen) {
        byte[] a = bases[rnd.nextInt(bases.length)].clone();
        int flips = rnd.nextInt(4);
        for (int i = 0; i < flips; i++) {
            int bit = rnd.nextInt(addrLen * 8);
            a[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        }
        return a;
    }

    private static byte[] withRandomHostBits(SplittableRandom rnd, byte[] net, int cidr) {
        byte[] a = new byte[net.length];
        rnd.nextBytes(a);
        for (int bit = 0; bit < cidr; bit++) {
            int m = 0x80 >>> (bit % 8);
            a[bit / 8] = (byte) ((a[bit / 8] & ~m) | (net[bit / 8] & m));
        }
        return a;
    }

    private static byte[] lookupAddress(SplittableRandom rnd, byte[][] bases, Reference<Object> ref, int addrLen) {
        int kind = rnd.nextInt(10);
        if (kind < 4 && !ref.entries.isEmpty()) {
            Reference.Entry<Object> e = ref.entries.get(rnd.nextInt(ref.entries.size()));
            return withRandomHostBits(rnd, e.net, e.cidr);
        }
        if (kind < 8) {
            return nearBase(rnd, bases, addrLen);
        }
        byte[] a = new byte[addrLen];
        rnd.nextBytes(a);
        return a;
    }

    private static int indexOf(Object[] peers, Object p) {
        for (int i = 0; i < peers.length; i++) {
            if (peers[i] == p) {
                return i;
            }
        }
        return -1;
    }
}
