package dev.wgdesk.engine.uapi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The bytes of one UAPI reply, built in memory and written in one go (as wireguard-go does).
 * A {@code get} reply holds the private and preshared keys, so every array this buffer drops or
 * resets is zeroed first. Not thread-safe: one per connection.
 */
final class ReplyBuffer {
    private static final int INITIAL_CAPACITY = 4096;
    /** Above this, a reset returns to a small array instead of keeping a large one. */
    private static final int RETAINED_CAPACITY = 64 * 1024;

    private byte[] bytes = new byte[INITIAL_CAPACITY];
    private int length;

    /** Appends ASCII text. */
    ReplyBuffer ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** Appends a signed decimal number. */
    ReplyBuffer decimal(long value) {
        return ascii(Long.toString(value));
    }

    /** Appends {@code value} as an unsigned 64-bit decimal number. */
    ReplyBuffer unsignedDecimal(long value) {
        return ascii(Long.toUnsignedString(value));
    }

    /** Appends a line {@code name=value}. */
    ReplyBuffer line(String name, String value) {
        return ascii(name).ascii("=").ascii(value).ascii("\n");
    }

    /**
     * Appends a line {@code name=<lowercase hex of key>}. The hex digits are computed without
     * branches or table lookups on the key bytes.
     */
    ReplyBuffer keyLine(String name, byte[] key) {
        ascii(name).ascii("=");
        ensure(key.length * 2 + 1);
        for (byte k : key) {
            bytes[length++] = hexDigit((k >>> 4) & 0xf);
            bytes[length++] = hexDigit(k & 0xf);
        }
        bytes[length++] = '\n';
        return this;
    }

    /** A lowercase hex digit for 0..15: '0' + v, plus 39 more when v is 10 or above. */
    private static byte hexDigit(int v) {
        return (byte) ('0' + v + (((9 - v) >> 31) & ('a' - '0' - 10)));
    }

    int length() {
        return length;
    }

    /** Writes the reply and flushes {@code out}. */
    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
        out.flush();
    }

    /** Zeroes the content and empties the buffer. */
    void reset() {
        Arrays.fill(bytes, 0, length, (byte) 0);
        length = 0;
        if (bytes.length > RETAINED_CAPACITY) {
            bytes = new byte[INITIAL_CAPACITY];
        }
    }

    private void ensure(int extra) {
        if (length + extra <= bytes.length) {
            return;
        }
        long wanted = Math.max((long) bytes.length * 2, (long) length + extra);
        if (wanted > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("UAPI reply too large");
        }
        byte[] grown = Arrays.copyOf(bytes, (int) wanted);
        Arrays.fill(bytes, (byte) 0);
        bytes = grown;
    }
}
