package dev.wgdesk.engine.device;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps our random 32-bit receiver indices to what they stand for: a handshake in progress, then
 * (keeping the same index) the keypair it produced. Indices are uniformly random from a CSPRNG
 * and unique among live entries (protocol.md 1.13).
 *
 * <p>Lookups happen for every received packet, so they take no lock and allocate nothing: an
 * open-addressing table of immutable entries, published through an {@link AtomicReferenceArray}.
 * Writers are serialised by this object's monitor.
 */
final class IndexTable {
    /** What an index refers to. {@code keypair} is null while the handshake is in progress. */
    record Entry(int index, Peer peer, Keypair keypair) {}

    private static final Entry TOMBSTONE = new Entry(0, null, null);
    private static final int MIN_CAPACITY = 64;

    private final SecureRandom random = new SecureRandom();
    private volatile AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(MIN_CAPACITY);
    private int live; // guarded by this
    private int used; // live + tombstones, guarded by this

    private static int hash(int index) {
        int h = index * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Allocates a fresh, unused index for {@code peer}'s handshake. */
    synchronized int newHandshakeIndex(Peer peer) {
        while (true) {
            int index = random.nextInt();
            if (find(slots, index) == null) {
                insertLocked(new Entry(index, peer, null));
                return index;
            }
        }
    }

    /**
     * Points the handshake index {@code index} at the keypair its handshake produced.
     *
     * @return false, changing nothing, unless {@code index} is still a handshake entry of
     *     {@code keypair.peer}: it is gone when the peer was removed, the device went down or
     *     the key material was zeroed while the handshake completed, and then the keypair must
     *     not be installed (it would never be removed)
     */
    synchronized boolean swapToKeypair(int index, Keypair keypair) {
        AtomicReferenceArray<Entry> s = slots;
        int slot = slotOf(s, index);
        if (slot < 0) {
            return false;
        }
        Entry e = s.get(slot);
        if (e.peer() != keypair.peer || e.keypair() != null) {
            return false;
        }
        s.set(slot, new Entry(index, keypair.peer, keypair));
        return true;
    }

    /** The entry for {@code index}, or null. Lock-free and allocation-free. */
    Entry lookup(int index) {
        return find(slots, index);
    }

    /** Removes {@code index} only if it still belongs to {@code peer} and is a handshake entry. */
    synchronized void removeHandshake(int index, Peer peer) {
        AtomicReferenceArray<Entry> s = slots;
        int slot = slotOf(s, index);
        if (slot >= 0) {
            Entry e = s.get(slot);
            if (e.peer() == peer && e.keypair() == null) {
                s.set(slot, TOMBSTONE);
                live--;
            }
        }
    }

    /** Removes {@code index} only if it still maps to exactly {@code keypair}. */
    synchronized void removeKeypair(int index, Keypair keypair) {
        AtomicReferenceArray<Entry> s = slots;
        int slot = slotOf(s, index);
        if (slot >= 0 && s.get(slot).keypair() == keypair) {
            s.set(slot, TOMBSTONE);
            live--;
        }
    }

    synchronized int size() {
        return live;
    }

    private static Entry find(AtomicReferenceArray<Entry> s, int index) {
        int mask = s.length() - 1;
        for (int i = hash(index) & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
            Entry e = s.get(i);
            if (e == null) {
                return null;
            }
            if (e != TOMBSTONE && e.index() == index) {
                return e;
            }
        }
        return null;
    }

    private static int slotOf(AtomicReferenceArray<Entry> s, int index) {
        int mask = s.length() - 1;
        for (int i = hash(index) & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
            Entry e = s.get(i);
            if (e == null) {
                return -1;
            }
            if (e != TOMBSTONE && e.index() == index) {
                return i;
            }
        }
        return -1;
    }

    private void insertLocked(Entry e) {
        if ((used + 1) * 2 > slots.length()) {
            rehashLocked();
        }
        AtomicReferenceArray<Entry> s = slots;
        int mask = s.length() - 1;
        for (int i = hash(e.index()) & mask; ; i = (i + 1) & mask) {
            Entry cur = s.get(i);
            if (cur == null || cur == TOMBSTONE) {
                if (cur == null) {
                    used++;
                }
                s.set(i, e);
                live++;
                return;
            }
        }
    }

    private void rehashLocked() {
        int capacity = MIN_CAPACITY;
        while (capacity < live * 4) {
            capacity <<= 1;
        }
        AtomicReferenceArray<Entry> old = slots;
        AtomicReferenceArray<Entry> fresh = new AtomicReferenceArray<>(capacity);
        int mask = capacity - 1;
        for (int j = 0; j < old.length(); j++) {
            Entry e = old.get(j);
            if (e != null && e != TOMBSTONE) {
                int i = hash(e.index()) & mask;
                while (fresh.get(i) != null) {
                    i = (i + 1) & mask;
                }
                fresh.set(i, e);
            }
        }
        used = live;
        slots = fresh; // publish
    }
}
