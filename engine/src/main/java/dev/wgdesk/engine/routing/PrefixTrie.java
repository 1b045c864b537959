package dev.wgdesk.engine.routing;

import java.util.function.BiConsumer;

/**
 * A persistent (immutable) path-compressed binary trie of prefixes up to 128 bits, the building
 * block of {@link AllowedIps}.
 *
 * <p>Keys are two {@code long}s, {@code hi} (bits 0..63, most significant first) and {@code lo}
 * (bits 64..127). An IPv4 address occupies the top 32 bits of {@code hi}; {@code lo} is 0. Every
 * operation that changes the trie returns a new root and leaves the old trie untouched: the nodes
 * on the path to the change are copied and everything else is shared. A reader holding any root
 * therefore sees a complete, consistent trie, which is what lets {@link AllowedIps} publish roots
 * through a volatile field and run lookups without locks.
 *
 * <p>Shape invariants (checked by {@link #checkInvariants}):
 * <ul>
 *   <li>a node's key is masked to its {@code cidr};</li>
 *   <li>a child's prefix strictly extends its parent's, and it hangs on the side given by its own
 *       bit at position {@code parent.cidr};</li>
 *   <li>a node without a peer (a pure branching point) has exactly two children.</li>
 * </ul>
 */
final class PrefixTrie {
    private PrefixTrie() {}

    /** One immutable trie node. Final fields make it safe to publish through a volatile root. */
    static final class Node<P> {
        final long hi;
        final long lo;
        final long maskHi;
        final long maskLo;
        final int cidr;
        /** The owner of this exact prefix, or null for a branching node. */
        final P peer;
        final Node<P> zero;
        final Node<P> one;

        Node(long hi, long lo, int cidr, P peer, Node<P> zero, Node<P> one) {
            this.maskHi = maskHi(cidr);
            this.maskLo = maskLo(cidr);
            this.hi = hi & maskHi;
            this.lo = lo & maskLo;
            this.cidr = cidr;
            this.peer = peer;
            this.zero = zero;
            this.one = one;
        }

        /** True if the address (hi, lo) lies inside this node's prefix. */
        boolean covers(long addrHi, long addrLo) {
            return ((addrHi ^ hi) & maskHi) == 0 && ((addrLo ^ lo) & maskLo) == 0;
        }

        Node<P> child(int bit) {
            return bit == 0 ? zero : one;
        }

        Node<P> withPeer(P p) {
            return p == peer ? this : new Node<>(hi, lo, cidr, p, zero, one);
        }

        Node<P> withChild(int bit, Node<P> c) {
            if (c == child(bit)) {
                return this;
            }
            return bit == 0 ? new Node<>(hi, lo, cidr, peer, c, one) : new Node<>(hi, lo, cidr, peer, zero, c);
        }
    }

    static long maskHi(int cidr) {
        return cidr == 0 ? 0L : cidr >= 64 ? -1L : -1L << (64 - cidr);
    }

    static long maskLo(int cidr) {
        return cidr <= 64 ? 0L : -1L << (128 - cidr);
    }

    /** The bit at position {@code pos} (0 = most significant of hi), for pos in 0..127. */
    static int bitAt(long hi, long lo, int pos) {
        return (int) (pos < 64 ? hi >>> (63 - pos) : lo >>> (127 - pos)) & 1;
    }

    /** Number of leading bits (0..128) where two keys agree. */
    static int commonBits(long hiA, long loA, long hiB, long loB) {
        long x = hiA ^ hiB;
        return x != 0 ? Long.numberOfLeadingZeros(x) : 64 + Long.numberOfLeadingZeros(loA ^ loB);
    }

    /**
     * Longest-prefix match: the peer of the most specific prefix covering (hi, lo), or null.
     * Allocation-free and lock-free; {@code root} must be a published (immutable) trie.
     */
    static <P> P lookup(Node<P> root, long hi, long lo) {
        P best = null;
        Node<P> n = root;
        while (n != null && n.covers(hi, lo)) {
            if (n.peer != null) {
                best = n.peer;
            }
            // For cidr == 128 the shift below reads an arbitrary bit, but a /128 node never has
            // children, so the walk ends either way.
            int c = n.cidr;
            long bit = c < 64 ? hi >>> (63 - c) : lo >>> (127 - c);
            n = (bit & 1) == 0 ? n.zero : n.one;
        }
        return best;
    }

    /** The peer owning exactly (hi, lo)/cidr, or null. (hi, lo) must be masked. */
    static <P> P exact(Node<P> root, long hi, long lo, int cidr) {
        Node<P> n = root;
        while (n != null && n.cidr <= cidr && n.covers(hi, lo)) {
            if (n.cidr == cidr) {
                return n.peer;
            }
            n = n.child(bitAt(hi, lo, n.cidr));
        }
        return null;
    }

    /**
     * A trie like {@code n} in which (hi, lo)/cidr belongs to {@code peer}, taking it from any
     * previous owner. (hi, lo) must be masked to cidr.
     */
    static <P> Node<P> insert(Node<P> n, long hi, long lo, int cidr, P peer) {
        if (n == null) {
            return new Node<>(hi, lo, cidr, peer, null, null);
        }
        int common = Math.min(Math.min(n.cidr, cidr), commonBits(n.hi, n.lo, hi, lo));
        if (common == n.cidr) {
            if (cidr == n.cidr) {
                return n.withPeer(peer); // the same prefix: (re)assign it
            }
            int bit = bitAt(hi, lo, n.cidr); // the new prefix lies below n
            return n.withChild(bit, insert(n.child(bit), hi, lo, cidr, peer));
        }
        if (common == cidr) {
            // The new prefix contains n: it becomes n's parent.
            return bitAt(n.hi, n.lo, cidr) == 0
                    ? new Node<P>(hi, lo, cidr, peer, n, null)
                    : new Node<P>(hi, lo, cidr, peer, null, n);
        }
        // The two prefixes part ways at bit 'common': a branching node holds both.
        Node<P> leaf = new Node<>(hi, lo, cidr, peer, null, null);
        return bitAt(hi, lo, common) == 0
                ? new Node<>(hi, lo, common, null, leaf, n)
                : new Node<>(hi, lo, common, null, n, leaf);
    }

    /**
     * A trie like {@code n} without (hi, lo)/cidr, if and only if {@code peer} owns it; otherwise
     * {@code n} itself (the same reference, so callers can tell nothing changed).
     */
    static <P> Node<P> remove(Node<P> n, long hi, long lo, int cidr, P peer) {
        if (n == null || n.cidr > cidr || !n.covers(hi, lo)) {
            return n;
        }
        Node<P> result;
        if (n.cidr == cidr) {
            if (n.peer != peer || peer == null) {
                return n;
            }
            result = n.withPeer(null);
        } else {
            int bit = bitAt(hi, lo, n.cidr);
            Node<P> child = n.child(bit);
            Node<P> newChild = remove(child, hi, lo, cidr, peer);
            if (newChild == child) {
                return n;
            }
            result = n.withChild(bit, newChild);
        }
        return compact(result);
    }

    /** Drops a branching node that no longer branches: keeps invariant 3. */
    private static <P> Node<P> compact(Node<P> n) {
        if (n.peer != null || (n.zero != null && n.one != null)) {
            return n;
        }
        return n.zero != null ? n.zero : n.one; // null if it had no children
    }

    /** Calls {@code action} for every prefix with its owner, in key order. */
    static <P> void forEach(Node<P> n, BiConsumer<Node<P>, P> action) {
        if (n == null) {
            return;
        }
        if (n.peer != null) {
            action.accept(n, n.peer);
        }
        forEach(n.zero, action);
        forEach(n.one, action);
    }

    /**
     * Verifies the shape invariants below {@code n} and returns the number of prefixes (nodes
     * with a peer). For tests.
     *
     * @throws IllegalStateException on the first violation
     */
    static int checkInvariants(Node<?> n, int maxBits) {
        if (n == null) {
            return 0;
        }
        if (n.cidr < 0 || n.cidr > maxBits) {
            throw new IllegalStateException("cidr " + n.cidr + " out of range");
        }
        if ((n.hi & ~n.maskHi) != 0 || (n.lo & ~n.maskLo) != 0) {
            throw new IllegalStateException("unmasked key at /" + n.cidr);
        }
        if (n.peer == null && (n.zero == null || n.one == null)) {
            throw new IllegalStateException("branching node at /" + n.cidr + " with fewer than two children");
        }
        int count = n.peer != null ? 1 : 0;
        for (int bit = 0; bit < 2; bit++) {
            Node<?> c = n.child(bit);
            if (c == null) {
                continue;
            }
            if (c.cidr <= n.cidr || !n.covers(c.hi, c.lo) || bitAt(c.hi, c.lo, n.cidr) != bit) {
                throw new IllegalStateException("misplaced child /" + c.cidr + " under /" + n.cidr);
            }
            count += checkInvariants(c, maxBits);
        }
        return count;
    }
}
