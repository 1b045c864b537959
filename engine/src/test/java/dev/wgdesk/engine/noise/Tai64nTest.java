package dev.wgdesk.engine.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.time.VirtualClock;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** As wireguard-go's tai64n_test.go: whitening hides steps below about 16.8 ms. */
class Tai64nTest {
    private static final long START = 123_456_789L; // a time with a non-round nanosecond part

    private static boolean after(long baseNanos, long delta) {
        return Tai64n.fromEpochNanos(baseNanos + delta).isAfter(Tai64n.fromEpochNanos(baseNanos));
    }

    @Test
    void monotonicityAndWhitening() {
        assertTrue(after(START, 1_000_000_000L), "after a second");
        assertFalse(after(START, -1_000_000_000L), "before a second");
        assertFalse(after(START, 1), "1 ns");
        assertFalse(after(START, -1), "-1 ns");
        assertFalse(after(START, 10), "10 ns");
        assertFalse(after(START, 10_000), "10 us");
        assertFalse(after(START, 1_000_000), "1 ms");
        assertFalse(after(START, 10_000_000), "10 ms");
        assertTrue(after(START, 20_000_000), "20 ms");
    }

    @Test
    void encodingIsTai64BasePlusSecondsThenWhitenedNanos() {
        HexFormat hex = HexFormat.of();
        assertArrayEquals(hex.parseHex("400000000000000a00000000"), Tai64n.fromEpochNanos(0).toBytes());
        assertArrayEquals(hex.parseHex("400000000000000b01000000"),
                Tai64n.fromEpochNanos(1_000_000_000L + (1 << 24) + 5).toBytes());
        // 16 s = 0x10 after the base 0x...0a; 999999999 ns = 0x3b9ac9ff whitens to 0x3b000000.
        assertArrayEquals(hex.parseHex("400000000000001a3b000000"),
                Tai64n.fromEpochNanos(16_000_000_000L + 999_999_999L).toBytes());
    }

    @Test
    void fromClockAndRoundTrip() {
        VirtualClock clock = new VirtualClock();
        Tai64n t = Tai64n.now(clock);
        assertEquals(Tai64n.fromEpochNanos(clock.epochNanos()), t);
        byte[] buf = new byte[20];
        t.writeTo(buf, 5);
        assertEquals(t, Tai64n.fromBytes(buf, 5));
        assertTrue(t.isAfter(Tai64n.ZERO));
        assertFalse(t.isAfter(t));
        assertTrue(t.toString().startsWith("Tai64n(4000"));
    }
}
