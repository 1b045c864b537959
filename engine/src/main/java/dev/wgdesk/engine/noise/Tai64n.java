package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 12-byte TAI64N timestamp as carried (encrypted) in handshake initiations:
 * {@code be64(0x400000000000000a + unixSeconds) || be32(nanoseconds)}, the nanoseconds rounded
 * down to a multiple of 2<sup>24</sup> (about 16.8 ms) so that the exact time does not leak.
 * The base matches the kernel and wireguard-go.
 *
 * <p>Immutable and thread-safe. Ordering is the bytewise (big-endian) order WireGuard's replay
 * check uses.
 */
public final class Tai64n {
    /** Encoded length. */
    public static final int LENGTH = Protocol.TIMESTAMP_LENGTH;
    /** TAI64 label of the Unix epoch (TAI is 10 s ahead of UTC at 1970). */
    public static final long BASE = 0x400000000000000aL;
    /** Nanoseconds are masked with this (whitened) before encoding. */
    public static final int WHITENER_MASK = ~((1 << 24) - 1);

    /** All-zero timestamp: before every real one; the initial "latest timestamp" of a peer. */
    public static final Tai64n ZERO = new Tai64n(new byte[LENGTH]);

    private final byte[] bytes;

    private Tai64n(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The current wall-clock time of {@code clock} ({@link Clock#epochNanos()}), whitened. */
    public static Tai64n now(Clock clock) {
        return fromEpochNanos(clock.epochNanos());
    }

    /** Encodes {@code epochNanos} (nanoseconds since the Unix epoch), whitened. */
    public static Tai64n fromEpochNanos(long epochNanos) {
        long secs = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L) & WHITENER_MASK;
        byte[] b = new byte[LENGTH];
        long s = BASE + secs;
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (s >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            b[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return new Tai64n(b);
    }

    /** Wraps a copy of the 12 bytes at {@code src[off]} (no validation: any 12 bytes compare). */
    public static Tai64n fromBytes(byte[] src, int off) {
        return new Tai64n(Arrays.copyOfRange(src, off, off + LENGTH));
    }

    /** Writes the 12 bytes to {@code dst[off]}. */
    public void writeTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, LENGTH);
    }

    /** A copy of the 12 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** True when this timestamp is strictly later than {@code other} (bytewise compare). */
    public boolean isAfter(Tai64n other) {
        return Arrays.compareUnsigned(bytes, other.bytes) > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tai64n t && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Hex of the 12 bytes (a timestamp is not secret; it travels encrypted only for privacy). */
    @Override
    public String toString() {
        return "Tai64n(" + HexFormat.of().formatHex(bytes) + ")";
    }
}
