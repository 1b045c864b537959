package dev.wgdesk.engine.uapi;

import java.nio.charset.StandardCharsets;

/**
 * A {@link CharSequence} view of a range of bytes, one char per byte. Lets key and address
 * parsers read a request line in place, so a key on the line never becomes an unwipeable
 * {@link String}. The view shares the array: it is valid only while the line is.
 */
final class AsciiSlice implements CharSequence {
    private final byte[] bytes;
    private final int from;
    private final int to;

    AsciiSlice(byte[] bytes, int from, int to) {
        if (from < 0 || to > bytes.length || from > to) {
            throw new IndexOutOfBoundsException("slice " + from + ".." + to + " of " + bytes.length);
        }
        this.bytes = bytes;
        this.from = from;
        this.to = to;
    }

    @Override
    public int length() {
        return to - from;
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= to - from) {
            throw new IndexOutOfBoundsException(index);
        }
        return (char) (bytes[from + index] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        if (start < 0 || end > to - from || start > end) {
            throw new IndexOutOfBoundsException("subSequence " + start + ".." + end + " of " + (to - from));
        }
        return new AsciiSlice(bytes, from + start, from + end);
    }

    /** True when the slice is exactly {@code text} (ASCII). */
    boolean contentEquals(String text) {
        if (text.length() != to - from) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (bytes[from + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Copies the bytes into a String. Never call this on a slice that may hold a key. */
    @Override
    public String toString() {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
