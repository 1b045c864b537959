package dev.wgdesk.engine.routing;

import dev.wgdesk.engine.routing.PrefixFormatException.Reason;
import dev.wgdesk.engine.routing.PrefixTrie.Node;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The cryptokey routing table: which peer owns which IP prefixes. Outgoing packets go to the peer
 * whose prefix is the longest match for their destination; incoming packets are accepted only if
 * the longest match for their source is the peer that sent them (whitepaper section 2,
 * protocol.md 1.10).
 *
 * <p>Rules, as in wireguard-go and the kernel:
 * <ul>
 *   <li>host bits are masked on insert ({@code 10.0.0.1/24} is stored as {@code 10.0.0.0/24});</li>
 *   <li>inserting a prefix another peer owns <em>moves</em> it to the new peer;</li>
 *   <li>a single prefix is removed only by its owner; {@link #removeByPeer} drops all of a peer's.</li>
 * </ul>
 * Peers are compared by identity ({@code ==}), never with {@code equals}. The table keeps a strong
 * reference to every peer that owns a prefix, so the device must call {@link #removeByPeer} when it
 * removes a peer.
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use. Lookups run on several packet threads at once while the UAPI changes the
 * table, and never block or allocate:
 * <ul>
 *   <li>Each family (IPv4, IPv6) is a persistent path-compressed binary trie ({@link PrefixTrie})
 *       of immutable nodes with final fields. A change copies the nodes on the path to it, shares
 *       the rest, and publishes the new root with one volatile write. A lookup does one volatile
 *       read of the root and then walks a trie nobody will ever modify, so it always sees a
 *       complete table, either from before or from after each change, and never a torn one.</li>
 *   <li>Writers ({@code insert}, {@code remove*}, {@code clear}) are serialised by one lock, which
 *       also guards the per-peer index behind {@link #entriesForPeer} and {@link #size}.
 *       {@link #removeByPeer} publishes once, so readers see all or none of a peer's prefixes
 *       gone.</li>
 * </ul>
 * A change costs O(prefix length) node allocations; lookups cost at most one node visit per
 * distinct prefix length on the path (at most 33 or 129).
 *
 * <h2>Host-route fast path</h2>
 * Beside each trie, an immutable exact-match {@link HostTable} holds the family's host routes
 * ({@code /32}, {@code /128}), which the trie also holds. A lookup asks it first: a host route is
 * the longest prefix there can be, so a hit is the answer; on a miss the trie answers as before.
 * This keeps a hub's lookups (one host route per peer) at one or two array reads whatever the
 * number of peers. The table is copy-on-write like the trie and is published together with its
 * trie in one immutable {@code Family} through one volatile write, so a lookup sees both from the
 * same change.
 *
 * @param <P> the peer type
 */
public final class AllowedIps<P> {
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** One family's trie and its host routes, published together. */
    private record Family<P>(Node<P> root, HostTable hosts) {
        @SuppressWarnings("rawtypes")
        static final Family EMPTY = new Family<>(null, HostTable.EMPTY);
    }

    /** Published tables; written only under {@link #writeLock}, read without it. */
    private volatile Family<P> v4 = empty();
    private volatile Family<P> v6 = empty();

    @SuppressWarnings("unchecked")
    private static <P> Family<P> empty() {
        return (Family<P>) Family.EMPTY;
    }

    private final Object writeLock = new Object();
    /** Each owner's prefixes in insertion order. Guarded by {@link #writeLock}. */
    private final IdentityHashMap<P, LinkedHashSet<Prefix>> byPeer = new IdentityHashMap<>();
    /** Number of prefixes in both tries. Guarded by {@link #writeLock}. */
    private int size;

    /** Creates an empty table. */
    public AllowedIps() {}

    /* ---------- Writers ---------- */

    /**
     * Gives {@code addr/cidr} to {@code peer}, taking it from its previous owner if any.
     *
     * @param addr 4 (IPv4) or 16 (IPv6) bytes; host bits beyond {@code cidr} are ignored
     * @throws PrefixFormatException if the address length or {@code cidr} is invalid
     */
    public void insert(byte[] addr, int cidr, P peer) {
        insert(new Prefix(addr, cidr), peer);
    }

    /** Gives {@code prefix} to {@code peer}, taking it from its previous owner if any. */
    public void insert(Prefix prefix, P peer) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(peer, "peer");
        long hi = prefix.keyHi();
        long lo = prefix.keyLo();
        int cidr = prefix.cidr();
        synchronized (writeLock) {
            Node<P> root = root(prefix);
            P previous = PrefixTrie.exact(root, hi, lo, cidr);
            if (previous == peer) {
                return;
            }
            Node<P> updated = PrefixTrie.insert(root, hi, lo, cidr, peer);
            if (previous != null) {
                forget(previous, prefix);
            } else {
                size++;
            }
            byPeer.computeIfAbsent(peer, k -> new LinkedHashSet<>()).add(prefix);
            HostTable hosts = family(prefix).hosts();
            publish(prefix, updated, isHost(prefix) ? hosts.with(hi, lo, peer) : hosts);
        }
    }

    /**
     * Removes {@code addr/cidr} if {@code peer} owns exactly that prefix (UAPI
     * {@code allowed_ip=-...}).
     *
     * @return true if it was removed
     * @throws PrefixFormatException if the address length or {@code cidr} is invalid
     */
    public boolean remove(byte[] addr, int cidr, P peer) {
        return remove(new Prefix(addr, cidr), peer);
    }

    /** Removes {@code prefix} if {@code peer} owns it; returns true if it was removed. */
    public boolean remove(Prefix prefix, P peer) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(peer, "peer");
        long hi = prefix.keyHi();
        long lo = prefix.keyLo();
        synchronized (writeLock) {
            Node<P> root = root(prefix);
            if (PrefixTrie.exact(root, hi, lo, prefix.cidr()) != peer) {
                return false;
            }
            HostTable hosts = family(prefix).hosts();
            publish(prefix, PrefixTrie.remove(root, hi, lo, prefix.cidr(), peer),
                    isHost(prefix) ? hosts.without(hi, lo) : hosts);
            forget(peer, prefix);
            size--;
            return true;
        }
    }

    /**
     * Removes every prefix {@code peer} owns, atomically as seen by lookups.
     *
     * @return the number of prefixes removed
     */
    public int removeByPeer(P peer) {
        Objects.requireNonNull(peer, "peer");
        synchronized (writeLock) {
            LinkedHashSet<Prefix> owned = byPeer.remove(peer);
            if (owned == null) {
                return 0;
            }
            Node<P> r4 = v4.root();
            Node<P> r6 = v6.root();
            HostTable h4 = v4.hosts();
            HostTable h6 = v6.hosts();
            for (Prefix p : owned) {
                if (p.isIpv4()) {
                    r4 = PrefixTrie.remove(r4, p.keyHi(), p.keyLo(), p.cidr(), peer);
                    h4 = isHost(p) ? h4.without(p.keyHi(), p.keyLo()) : h4;
                } else {
                    r6 = PrefixTrie.remove(r6, p.keyHi(), p.keyLo(), p.cidr(), peer);
                    h6 = isHost(p) ? h6.without(p.keyHi(), p.keyLo()) : h6;
                }
            }
            v4 = new Family<>(r4, h4);
            v6 = new Family<>(r6, h6);
            size -= owned.size();
            return owned.size();
        }
    }

    /** Removes everything. */
    public void clear() {
        synchronized (writeLock) {
            v4 = empty();
            v6 = empty();
            byPeer.clear();
            size = 0;
        }
    }

    /* ---------- Queries under the lock ---------- */

    /**
     * The prefixes {@code peer} owns, masked, in the order they were given to it; an immutable
     * snapshot (empty if none).
     */
    public List<Prefix> entriesForPeer(P peer) {
        Objects.requireNonNull(peer, "peer");
        synchronized (writeLock) {
            LinkedHashSet<Prefix> owned = byPeer.get(peer);
            return owned == null ? List.of() : List.copyOf(owned);
        }
    }

    /** Number of prefixes in the table (both families). */
    public int size() {
        synchronized (writeLock) {
            return size;
        }
    }

    /* ---------- Lock-free, allocation-free lookups ---------- */

    /**
     * Longest-prefix match for the IPv4 address at {@code packet[addrOffset..addrOffset+3]}, e.g.
     * offset 12 (source) or 16 (destination) of an IPv4 header. Never blocks or allocates.
     *
     * @return the owning peer, or null if no prefix covers the address
     * @throws IndexOutOfBoundsException if the four bytes are not inside {@code packet}
     */
    public P lookupV4(byte[] packet, int addrOffset) {
        int a = (int) INT_BE.get(packet, addrOffset);
        return find(v4, (long) a << 32, 0L);
    }

    /**
     * Longest-prefix match for the IPv6 address at {@code packet[addrOffset..addrOffset+15]}, e.g.
     * offset 8 (source) or 24 (destination) of an IPv6 header. Never blocks or allocates.
     *
     * @return the owning peer, or null if no prefix covers the address
     * @throws IndexOutOfBoundsException if the sixteen bytes are not inside {@code packet}
     */
    public P lookupV6(byte[] packet, int addrOffset) {
        long hi = (long) LONG_BE.get(packet, addrOffset);
        long lo = (long) LONG_BE.get(packet, addrOffset + 8);
        return find(v6, hi, lo);
    }

    /**
     * As {@link #lookupV4(byte[], int)}, reading at absolute index {@code addrOffset} of
     * {@code buf} (heap or direct) in network order whatever the buffer's byte order. Does not
     * move the buffer's position.
     */
    public P lookupV4(ByteBuffer buf, int addrOffset) {
        int a = buf.getInt(addrOffset);
        if (buf.order() != ByteOrder.BIG_ENDIAN) {
            a = Integer.reverseBytes(a);
        }
        return find(v4, (long) a << 32, 0L);
    }

    /** As {@link #lookupV6(byte[], int)}, reading from {@code buf} like {@link #lookupV4(ByteBuffer, int)}. */
    public P lookupV6(ByteBuffer buf, int addrOffset) {
        long hi = buf.getLong(addrOffset);
        long lo = buf.getLong(addrOffset + 8);
        if (buf.order() != ByteOrder.BIG_ENDIAN) {
            hi = Long.reverseBytes(hi);
            lo = Long.reverseBytes(lo);
        }
        return find(v6, hi, lo);
    }

    /**
     * Longest-prefix match for a 4- or 16-byte address.
     *
     * @throws PrefixFormatException if the array is neither 4 nor 16 bytes long
     */
    public P lookup(byte[] address) {
        return switch (address.length) {
            case 4 -> lookupV4(address, 0);
            case 16 -> lookupV6(address, 0);
            default -> throw new PrefixFormatException(Reason.BAD_ADDRESS_LENGTH,
                    "an address is 4 or 16 bytes, not " + address.length);
        };
    }

    /** Longest-prefix match for {@code address} (a convenience: it copies the address bytes). */
    public P lookup(InetAddress address) {
        return lookup(address.getAddress());
    }

    /**
     * The longest-prefix match through the trie alone, without the host-route fast path: the
     * reference the fast path must agree with, for tests.
     */
    P lookupTrieOnly(byte[] address) {
        Prefix p = new Prefix(address, address.length * 8);
        return PrefixTrie.lookup(family(p).root(), p.keyHi(), p.keyLo());
    }

    /* ---------- Internals ---------- */

    /** The host-route table first (a host route is the longest match there can be), then the trie. */
    @SuppressWarnings("unchecked")
    private static <P> P find(Family<P> f, long hi, long lo) {
        Object host = f.hosts().get(hi, lo);
        return host != null ? (P) host : PrefixTrie.lookup(f.root(), hi, lo);
    }

    private static boolean isHost(Prefix p) {
        return p.cidr() == p.address().length * 8;
    }

    private Family<P> family(Prefix p) {
        return p.isIpv4() ? v4 : v6;
    }

    private Node<P> root(Prefix p) {
        return family(p).root();
    }

    private void publish(Prefix p, Node<P> root, HostTable hosts) {
        if (p.isIpv4()) {
            v4 = new Family<>(root, hosts);
        } else {
            v6 = new Family<>(root, hosts);
        }
    }

    /** Drops {@code prefix} from {@code owner}'s index. Caller holds {@link #writeLock}. */
    private void forget(P owner, Prefix prefix) {
        LinkedHashSet<Prefix> owned = byPeer.get(owner);
        if (owned != null && owned.remove(prefix) && owned.isEmpty()) {
            byPeer.remove(owner);
        }
    }

    /** Checks both tries' shape invariants against the index; for tests. */
    void checkInvariants() {
        synchronized (writeLock) {
            int n = PrefixTrie.checkInvariants(v4.root(), 32) + PrefixTrie.checkInvariants(v6.root(), 128);
            checkHosts(v4, 32);
            checkHosts(v6, 128);
            int indexed = byPeer.values().stream().mapToInt(LinkedHashSet::size).sum();
            if (n != size || indexed != size) {
                throw new IllegalStateException("trie holds " + n + ", index " + indexed + ", size " + size);
            }
            PrefixTrie.forEach(v4.root(), (node, peer) -> checkIndexed(node, peer, 4));
            PrefixTrie.forEach(v6.root(), (node, peer) -> checkIndexed(node, peer, 16));
        }
    }

    /** The host table holds exactly the trie's host routes, with the same owners. */
    private static <P> void checkHosts(Family<P> f, int bits) {
        int[] trieHosts = {0};
        PrefixTrie.forEach(f.root(), (node, peer) -> {
            if (node.cidr == bits) {
                trieHosts[0]++;
                if (f.hosts().get(node.hi, node.lo) != peer) {
                    throw new IllegalStateException("a /" + bits + " of the trie is missing from the host table");
                }
            }
        });
        int[] tableHosts = {0};
        f.hosts().forEach((hi, lo, peer) -> tableHosts[0]++);
        if (tableHosts[0] != trieHosts[0] || f.hosts().size() != trieHosts[0]) {
            throw new IllegalStateException("host table holds " + tableHosts[0] + " (size " + f.hosts().size()
                    + "), the trie " + trieHosts[0] + " host routes");
        }
    }

    private void checkIndexed(Node<P> node, P peer, int length) {
        byte[] a = new byte[length];
        for (int i = 0; i < length; i++) {
            long word = i < 8 ? node.hi : node.lo;
            a[i] = (byte) (word >>> (56 - 8 * (i % 8)));
        }
        LinkedHashSet<Prefix> owned = byPeer.get(peer);
        Prefix p = new Prefix(a, node.cidr);
        if (owned == null || !owned.contains(p)) {
            throw new IllegalStateException(p + " is in the trie but not in its owner's index");
        }
    }

    /** Only the number of prefixes: peers may have their own (possibly sensitive) toString. */
    @Override
    public String toString() {
        return "AllowedIps[" + size() + " prefixes]";
    }
}
