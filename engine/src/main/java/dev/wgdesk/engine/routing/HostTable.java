package dev.wgdesk.engine.routing;

/**
 * An immutable exact-match table of host routes ({@code /32} or {@code /128}) to their owners: the
 * fast path {@link AllowedIps} consults before its trie. A host route is the longest prefix that
 * can exist, so a hit here is the longest-prefix match; on a miss the trie answers.
 *
 * <p>Keys are the trie's two {@code long} words (an IPv4 address in the top 32 bits of
 * {@code hi}, {@code lo} 0). The table is a power-of-two directory of small buckets, each a
 * {@code long[]} of (hi, lo) pairs beside an {@code Object[]} of owners, chosen by a mix of both
 * words. A lookup reads at most two small arrays and never allocates.
 *
 * <p>Every change returns a new table and leaves this one untouched, like {@link PrefixTrie}: it
 * copies the directory and the one bucket it changes and shares the other buckets, so a reader
 * holding any table sees a complete one. The directory grows (and shrinks) by rehashing into one
 * twice (half) the size, which keeps buckets at 2 to 8 entries on average and amortises to O(1)
 * rehashed entries per change.
 */
final class HostTable {
    private static final int GROW_LOAD = 8;
    private static final int SHRINK_LOAD = 2;

    static final HostTable EMPTY = new HostTable(new long[1][], new Object[1][], 0);

    /** Per bucket: (hi, lo) pairs, or null for an empty bucket. Never modified after construction. */
    private final long[][] keys;
    /** Per bucket: the owner of each pair in {@link #keys}, same order. */
    private final Object[][] peers;
    private final int mask;
    private final int size;

    private HostTable(long[][] keys, Object[][] peers, int size) {
        this.keys = keys;
        this.peers = peers;
        this.mask = keys.length - 1;
        this.size = size;
    }

    int size() {
        return size;
    }

    private static int bucket(long hi, long lo, int mask) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 32;
        h ^= h >>> 15;
        return (int) h & mask;
    }

    /** The owner of exactly (hi, lo), or null. Never allocates. */
    Object get(long hi, long lo) {
        int b = bucket(hi, lo, mask);
        long[] k = keys[b];
        if (k == null) {
            return null;
        }
        for (int i = 0; i < k.length; i += 2) {
            if (k[i] == hi && k[i + 1] == lo) {
                return peers[b][i >>> 1];
            }
        }
        return null;
    }

    /** A table like this one in which (hi, lo) belongs to {@code peer}. */
    HostTable with(long hi, long lo, Object peer) {
        int b = bucket(hi, lo, mask);
        long[] k = keys[b];
        Object[] p = peers[b];
        int n = k == null ? 0 : k.length / 2;
        for (int i = 0; i < n; i++) {
            if (k[2 * i] == hi && k[2 * i + 1] == lo) {
                if (p[i] == peer) {
                    return this;
                }
                Object[] np = p.clone();
                np[i] = peer;
                return replaced(b, k, np, size);
            }
        }
        if (size + 1 > GROW_LOAD * keys.length) {
            return rehash(keys.length * 2).with(hi, lo, peer);
        }
        long[] nk = new long[2 * n + 2];
        Object[] np = new Object[n + 1];
        if (n > 0) {
            System.arraycopy(k, 0, nk, 0, 2 * n);
            System.arraycopy(p, 0, np, 0, n);
        }
        nk[2 * n] = hi;
        nk[2 * n + 1] = lo;
        np[n] = peer;
        return replaced(b, nk, np, size + 1);
    }

    /** A table like this one without (hi, lo); this very table if it has no such key. */
    HostTable without(long hi, long lo) {
        int b = bucket(hi, lo, mask);
        long[] k = keys[b];
        if (k == null) {
            return this;
        }
        Object[] p = peers[b];
        int n = k.length / 2;
        for (int i = 0; i < n; i++) {
            if (k[2 * i] == hi && k[2 * i + 1] == lo) {
                long[] nk = null;
                Object[] np = null;
                if (n > 1) {
                    nk = new long[2 * n - 2];
                    np = new Object[n - 1];
                    System.arraycopy(k, 0, nk, 0, 2 * i);
                    System.arraycopy(k, 2 * i + 2, nk, 2 * i, 2 * (n - i - 1));
                    System.arraycopy(p, 0, np, 0, i);
                    System.arraycopy(p, i + 1, np, i, n - i - 1);
                }
                HostTable t = replaced(b, nk, np, size - 1);
                if (t.size == 0) {
                    return EMPTY;
                }
                return t.keys.length > 1 && t.size < SHRINK_LOAD * t.keys.length ? t.rehash(t.keys.length / 2) : t;
            }
        }
        return this;
    }

    private HostTable replaced(int b, long[] k, Object[] p, int newSize) {
        long[][] nk = keys.clone();
        Object[][] np = peers.clone();
        nk[b] = k;
        np[b] = p;
        return new HostTable(nk, np, newSize);
    }

    private HostTable rehash(int buckets) {
        int newMask = buckets - 1;
        int[] counts = new int[buckets];
        for (long[] k : keys) {
            if (k != null) {
                for (int i = 0; i < k.length; i += 2) {
                    counts[bucket(k[i], k[i + 1], newMask)]++;
                }
            }
        }
        long[][] nk = new long[buckets][];
        Object[][] np = new Object[buckets][];
        for (int b = 0; b < buckets; b++) {
            if (counts[b] > 0) {
                nk[b] = new long[2 * counts[b]];
                np[b] = new Object[counts[b]];
                counts[b] = 0;
            }
        }
        for (int ob = 0; ob < keys.length; ob++) {
            long[] k = keys[ob];
            if (k == null) {
                continue;
            }
            for (int i = 0; i < k.length; i += 2) {
                int b = bucket(k[i], k[i + 1], newMask);
                int j = counts[b]++;
                nk[b][2 * j] = k[i];
                nk[b][2 * j + 1] = k[i + 1];
                np[b][j] = peers[ob][i >>> 1];
            }
        }
        return new HostTable(nk, np, size);
    }

    /** Calls {@code action} with each (hi, lo, owner); for invariant checks in tests. */
    void forEach(Entry action) {
        for (int b = 0; b < keys.length; b++) {
            long[] k = keys[b];
            if (k == null) {
                continue;
            }
            if (peers[b].length != k.length / 2) {
                throw new IllegalStateException("bucket " + b + " has " + k.length / 2 + " keys, "
                        + peers[b].length + " owners");
            }
            for (int i = 0; i < k.length; i += 2) {
                if (bucket(k[i], k[i + 1], mask) != b) {
                    throw new IllegalStateException("host key in bucket " + b + " belongs elsewhere");
                }
                action.accept(k[i], k[i + 1], peers[b][i >>> 1]);
            }
        }
    }

    @FunctionalInterface
    interface Entry {
        void accept(long hi, long lo, Object peer);
    }
}
