package dev.wgdesk.app.ipc;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into {@code \n}-terminated lines of bounded length. A line longer than the
 * bound is consumed to its end and reported as {@linkplain Line#tooLong() too long} without being
 * kept, so an oversized message costs time but never memory. Bytes after the last newline at end
 * of stream are returned as a final line. Not thread-safe.
 */
final class LineReader {
    /** One line: {@code bytes[0..length)} without the newline, or only its size if too long. */
    record Line(byte[] bytes, int length, boolean tooLong, long size) {}

    private final InputStream in;
    private final int maxLength;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int lim;
    private byte[] line = new byte[1024];

    /**
     * @param maxLength longest line kept, newline included
     */
    LineReader(InputStream in, int maxLength) {
        this.in = in;
        this.maxLength = maxLength;
    }

    /** The next line, or null at end of stream when nothing is pending. */
    Line next() throws IOException {
        int length = 0;
        long size = 0;
        boolean tooLong = false;
        while (true) {
            if (pos == lim) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    if (size == 0) {
                        return null;
                    }
                    return tooLong ? new Line(null, 0, true, size) : new Line(line, length, false, size);
                }
                pos = 0;
                lim = n;
            }
            int start = pos;
            int nl = -1;
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? lim : nl;
            int chunk = end - start;
            size += chunk;
            pos = nl < 0 ? lim : nl + 1;
            if (!tooLong) {
                // The newline counts towards the bound.
                if (size + 1 > maxLength) {
                    tooLong = true;
                    length = 0;
                } else {
                    if (length + chunk > line.length) {
                        line = Arrays.copyOf(line, Math.min(maxLength, Math.max(line.length * 2, length + chunk)));
                    }
                    System.arraycopy(buf, start, line, length, chunk);
                    length += chunk;
                }
            }
            if (nl >= 0) {
                return tooLong ? new Line(null, 0, true, size + 1) : new Line(line, length, false, size + 1);
            }
        }
    }
}
