package dev.wgdesk.engine.ratelimit;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.time.Timer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The handshake rate limiter used while the device is under load: a token bucket per source,
 * with the kernel's and wireguard-go's constants ({@code ratelimiter.c}, protocol.md 1.12).
 *
 * <ul>
 *   <li>A source may send {@link Protocol#PACKETS_PER_SECOND} handshake messages per second with
 *       bursts of {@link Protocol#PACKETS_BURSTABLE}. Tokens are nanoseconds: each message costs
 *       {@link Protocol#PACKET_COST_NANOS}, the bucket holds at most
 *       {@link Protocol#TOKEN_MAX_NANOS}, and it refills at one token per nanosecond.</li>
 *   <li>A new source starts with {@code TOKEN_MAX - PACKET_COST} tokens, after its first message
 *       has been allowed.</li>
 *   <li>A source is an IPv4 address, or the <b>/64</b> of an IPv6 address (the kernel's choice:
 *       one host usually owns a whole /64, so keying on the full address would let it rotate
 *       addresses to escape the limit). IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) count
 *       as their IPv4 address, so that dual-stack sockets do not lump all of IPv4 into one /64.</li>
 *   <li>Entries idle for more than {@link Protocol#RATELIMITER_GC_INTERVAL_NANOS} are dropped by a
 *       sweep every {@link Protocol#RATELIMITER_GC_INTERVAL_NANOS}, driven by the injected
 *       {@link Clock}'s timer, which is armed only while the table is not empty.</li>
 *   <li>The table holds at most {@code maxEntries} sources (default
 *       {@link Protocol#RATELIMITER_MAX_ENTRIES}, the kernel's {@code max_entries}). While it is
 *       full, messages from new sources are refused, so a flood of source addresses cannot grow
 *       memory without bound. Buckets are chosen by SipHash-2-4 under a random per-instance key,
 *       so senders cannot aim for one bucket.</li>
 * </ul>
 *
 * <p>Thread-safe: handshake workers may call {@code allow} concurrently; one lock guards the
 * table (the handshake work that follows an allowed message costs far more than the lock). Once
 * the table has grown to hold the current sources, {@code allow} does not allocate, except
 * {@link #allow(InetAddress)} which copies the address. A new instance is empty and ready; call
 * {@link #close()} to stop its timer.
 */
public final class RateLimiter implements AutoCloseable {
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final byte FREE = 0;
    private static final byte IPV4 = 4;
    private static final byte IPV6 = 6;
    private static final int INITIAL_CAPACITY = 64;
    /** Upper bound for maxEntries, far above any sensible table (keeps the sizing arithmetic exact). */
    private static final int MAX_CAPACITY = 1 << 24;

    private final Clock clock;
    private final int maxEntries;
    private final Timer gcTimer;
    /** SipHash key, random per instance. */
    private final long hashKey0;
    private final long hashKey1;

    private final Object lock = new Object();

    /*
     * The table, guarded by 'lock': separate chaining over parallel arrays, so that looking up,
     * refreshing and recycling entries allocates nothing. A slot i < used is either live
     * (family[i] != FREE, linked from buckets[] through next[]) or on the free list (from
     * freeHead through next[]). Slots >= used have never been handed out.
     */
    private int[] buckets; // head slot of each chain, -1 if empty; length is a power of two
    private int[] next;
    private long[] key; // IPv4 address, or the top 64 bits of an IPv6 address
    private byte[] family;
    private long[] tokens;
    private long[] lastTime;
    private int used;
    private int freeHead = -1;
    private int count;
    private boolean closed;

    /** A limiter holding up to {@link Protocol#RATELIMITER_MAX_ENTRIES} sources. */
    public RateLimiter(Clock clock) {
        this(clock, Protocol.RATELIMITER_MAX_ENTRIES);
    }

    /**
     * A limiter holding up to {@code maxEntries} sources.
     *
     * @throws IllegalArgumentException if {@code maxEntries} is not in 1..2^24
     */
    public RateLimiter(Clock clock, int maxEntries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxEntries <= 0 || maxEntries > MAX_CAPACITY) {
            throw new IllegalArgumentException("maxEntries must be in 1.." + MAX_CAPACITY + ", not " + maxEntries);
        }
        this.maxEntries = maxEntries;
        SecureRandom random = new SecureRandom();
        this.hashKey0 = random.nextLong();
        this.hashKey1 = random.nextLong();
        this.gcTimer = clock.newTimer("ratelimiter-gc", this::collectGarbage);
        allocate(Math.min(INITIAL_CAPACITY, maxEntries));
    }

    /**
     * Whether to process a handshake message from {@code source} now; a true answer spends one
     * message's worth of that source's tokens.
     *
     * @return false if the source is over its rate, the table is full and the source is new, or
     *     the limiter is closed
     */
    public boolean allow(InetAddress source) {
        return allow(source.getAddress());
    }

    /**
     * As {@link #allow(InetAddress)}, for a 4- or 16-byte address.
     *
     * @throws IllegalArgumentException if the array is neither 4 nor 16 bytes long
     */
    public boolean allow(byte[] address) {
        return switch (address.length) {
            case 4 -> allowV4(address, 0);
            case 16 -> allowV6(address, 0);
            default -> throw new IllegalArgumentException("an address is 4 or 16 bytes, not " + address.length);
        };
    }

    /**
     * As {@link #allow(InetAddress)}, for the IPv4 address at {@code buf[offset..offset+3]}.
     * Allocation-free.
     *
     * @throws IndexOutOfBoundsException if the four bytes are not inside {@code buf}
     */
    public boolean allowV4(byte[] buf, int offset) {
        return allow(IPV4, (int) INT_BE.get(buf, offset) & 0xFFFF_FFFFL);
    }

    /**
     * As {@link #allow(InetAddress)}, for the IPv6 address at {@code buf[offset..offset+15]}:
     * only its first 64 bits count, unless it is IPv4-mapped. Allocation-free.
     *
     * @throws IndexOutOfBoundsException if the sixteen bytes are not inside {@code buf}
     */
    public boolean allowV6(byte[] buf, int offset) {
        Objects.checkFromIndexSize(offset, 16, buf.length); // the key reads only part of it
        long hi = (long) LONG_BE.get(buf, offset);
        int mid = (int) INT_BE.get(buf, offset + 8);
        if (hi == 0 && mid == 0x0000_FFFF) { // ::ffff:a.b.c.d
            return allowV4(buf, offset + 12);
        }
        return allow(IPV6, hi);
    }

    private boolean allow(byte fam, long k) {
        long hash = SipHash.hash16(hashKey0, hashKey1, k, fam);
        synchronized (lock) {
            if (closed) {
                return false;
            }
            long now = clock.nanoTime();
            for (int i = buckets[(int) hash & (buckets.length - 1)]; i >= 0; i = next[i]) {
                if (key[i] == k && family[i] == fam) {
                    return spend(i, now);
                }
            }
            if (count >= maxEntries) {
                return false;
            }
            int slot = newSlot();
            key[slot] = k;
            family[slot] = fam;
            tokens[slot] = Protocol.TOKEN_MAX_NANOS - Protocol.PACKET_COST_NANOS;
            lastTime[slot] = now;
            int b = (int) hash & (buckets.length - 1); // after newSlot(), which may have rehashed
            next[slot] = buckets[b];
            buckets[b] = slot;
            count++;
            if (!gcTimer.isPending()) {
                gcTimer.arm(Protocol.RATELIMITER_GC_INTERVAL_NANOS);
            }
            return true;
        }
    }

    /** Refills slot i's bucket for the time since its last message, then tries to pay for one. */
    private boolean spend(int i, long now) {
        long elapsed = Math.clamp(now - lastTime[i], 0L, Protocol.TOKEN_MAX_NANOS); // no overflow
        long t = Math.min(Protocol.TOKEN_MAX_NANOS, tokens[i] + elapsed);
        lastTime[i] = now;
        boolean allowed = t >= Protocol.PACKET_COST_NANOS;
        tokens[i] = allowed ? t - Protocol.PACKET_COST_NANOS : t;
        return allowed;
    }

    /** A free slot, growing the arrays (up to maxEntries) if none is left. Caller holds the lock. */
    private int newSlot() {
        if (freeHead >= 0) {
            int slot = freeHead;
            freeHead = next[slot];
            return slot;
        }
        if (used == key.length) {
            grow(Math.min(maxEntries, key.length * 2));
        }
        return used++;
    }

    private void allocate(int capacity) {
        buckets = new int[Integer.highestOneBit(Math.max(1, capacity - 1)) << 1];
        Arrays.fill(buckets, -1);
        next = new int[capacity];
        key = new long[capacity];
        family = new byte[capacity];
        tokens = new long[capacity];
        lastTime = new long[capacity];
        used = 0;
        freeHead = -1;
        count = 0;
    }

    /** Copies every slot into larger arrays and rebuilds the chains. Caller holds the lock. */
    private void grow(int capacity) {
        long[] oldKey = key;
        byte[] oldFamily = family;
        long[] oldTokens = tokens;
        long[] oldLast = lastTime;
        int oldUsed = used;
        allocate(capacity);
        for (int i = 0; i < oldUsed; i++) {
            if (oldFamily[i] == FREE) {
                continue; // dropped from the free list: the compacted copy has none
            }
            int slot = used++;
            key[slot] = oldKey[i];
            family[slot] = oldFamily[i];
            tokens[slot] = oldTokens[i];
            lastTime[slot] = oldLast[i];
            int b = (int) SipHash.hash16(hashKey0, hashKey1, key[slot], family[slot]) & (buckets.length - 1);
            next[slot] = buckets[b];
            buckets[b] = slot;
            count++;
        }
    }

    /** The periodic sweep: drops entries idle for longer than the GC interval. */
    private void collectGarbage() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            long now = clock.nanoTime();
            for (int b = 0; b < buckets.length; b++) {
                int prev = -1;
                int i = buckets[b];
                while (i >= 0) {
                    int after = next[i];
                    if (now - lastTime[i] > Protocol.RATELIMITER_GC_INTERVAL_NANOS) {
                        if (prev < 0) {
                            buckets[b] = after;
                        } else {
                            next[prev] = after;
                        }
                        family[i] = FREE;
                        next[i] = freeHead;
                        freeHead = i;
                        count--;
                    } else {
                        prev = i;
                    }
                    i = after;
                }
            }
            if (count == 0) {
                if (key.length > INITIAL_CAPACITY) {
                    allocate(Math.min(INITIAL_CAPACITY, maxEntries)); // a flood is over: give memory back
                }
            } else {
                gcTimer.arm(Protocol.RATELIMITER_GC_INTERVAL_NANOS);
            }
        }
    }

    /** Number of sources currently tracked. */
    public int size() {
        synchronized (lock) {
            return count;
        }
    }

    /** Slots currently allocated (for tests of growth and shrinking). */
    int capacity() {
        synchronized (lock) {
            return key.length;
        }
    }

    /** The most sources tracked at once. */
    public int maxEntries() {
        return maxEntries;
    }

    /** Stops the sweep timer and forgets every source; afterwards {@code allow} returns false. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            gcTimer.cancel();
            allocate(1);
        }
    }

    @Override
    public String toString() {
        return "RateLimiter[" + size() + "/" + maxEntries + " sources]";
    }
}
