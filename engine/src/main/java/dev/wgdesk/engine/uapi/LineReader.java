package dev.wgdesk.engine.uapi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads newline-terminated lines from one UAPI connection into a fixed buffer, so a client
 * cannot make the server hold more than {@link #MAX_LINE_LENGTH} bytes of one line. Lines are
 * bytes: the protocol is ASCII, and anything else fails to parse later.
 *
 * <p>Request lines can carry keys, so {@link #wipeLine()} and {@link #wipe()} zero the buffers.
 * Not thread-safe: one reader per connection.
 */
final class LineReader {
    /** The longest line accepted, without its newline. */
    static final int MAX_LINE_LENGTH = 4096;

    /** What {@link #readLine()} found. */
    enum Result {
        /** A line ended by a newline; the newline is not part of it. */
        LINE,
        /** A non-empty line ended by the end of the stream instead of a newline. */
        LAST_LINE,
        /** The end of the stream, with no bytes since the previous line. */
        EOF,
        /** More than {@link #MAX_LINE_LENGTH} bytes without a newline; call {@link #skipRestOfLine()}. */
        TOO_LONG
    }

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private final byte[] line = new byte[MAX_LINE_LENGTH];
    private int length;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Reads the next line into {@link #line()}. */
    Result readLine() throws IOException {
        length = 0;
        while (true) {
            if (position == limit && !fill()) {
                return length == 0 ? Result.EOF : Result.LAST_LINE;
            }
            while (position < limit) {
                byte b = buffer[position++];
                if (b == '\n') {
                    return Result.LINE;
                }
                if (length == MAX_LINE_LENGTH) {
                    position--; // leave the byte for skipRestOfLine
                    return Result.TOO_LONG;
                }
                line[length++] = b;
            }
        }
    }

    /**
     * Discards bytes up to and including the next newline.
     *
     * @return false when the stream ended first
     */
    boolean skipRestOfLine() throws IOException {
        while (true) {
            if (position == limit && !fill()) {
                return false;
            }
            while (position < limit) {
                if (buffer[position++] == '\n') {
                    return true;
                }
            }
        }
    }

    /** Reads one byte, or returns -1 at the end of the stream. */
    int readByte() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /** The buffer holding the last line read; valid up to {@link #length()}. */
    byte[] line() {
        return line;
    }

    /** The length of the last line read. */
    int length() {
        return length;
    }

    /** True when the last line is exactly {@code text} (ASCII). */
    boolean lineEquals(String text) {
        if (length != text.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (line[i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Zeroes the last line. */
    void wipeLine() {
        Arrays.fill(line, 0, length, (byte) 0);
    }

    /** Zeroes both buffers; call when the connection is done. */
    void wipe() {
        Arrays.fill(line, (byte) 0);
        Arrays.fill(buffer, (byte) 0);
        length = 0;
        position = 0;
        limit = 0;
    }

    private boolean fill() throws IOException {
        // The consumed bytes may hold a key: zero them before reading over them.
        Arrays.fill(buffer, 0, limit, (byte) 0);
        position = 0;
        limit = 0;
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        limit = n;
        return true;
    }
}
