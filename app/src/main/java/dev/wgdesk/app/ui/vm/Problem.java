package dev.wgdesk.app.ui.vm;

import java.util.Objects;

/**
 * One entry of the editor's problems list: a parse error or a lint warning, with where it is.
 * Immutable.
 *
 * @param error   true for an error (blocks saving), false for a warning
 * @param line    1-based line
 * @param column  1-based column
 * @param start   offset of the first char to underline
 * @param end     offset just past the last char to underline (may equal start: something missing)
 * @param message the sentence for the user, without the file name and position
 */
public record Problem(boolean error, int line, int column, int start, int end, String message) {
    /** Checks the message. */
    public Problem {
        Objects.requireNonNull(message, "message");
    }

    /** True when offset {@code at} lies in the underlined range (or at a zero-length problem). */
    public boolean covers(int at) {
        return end > start ? at >= start && at < end : at == start;
    }

    /** "7:14" */
    public String position() {
        return line + ":" + column;
    }
}
