package dev.wgdesk.engine.config;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.util.Arrays;

/** Small text and key helpers shared by the parser, the builders and the writer. */
final class Text {
    private Text() {}

    /** The whitespace {@code wg-quick} trims ({@code [[:space:]]} in the C locale). */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0x0b;
    }

    /** {@code s} without leading and trailing {@linkplain #isSpace ASCII whitespace}. */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** True when {@code s} contains any {@linkplain #isSpace ASCII whitespace}. */
    static boolean containsSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isSpace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for a hook command that survives a round trip through a wg-quick file: no control
     * characters except tab (so no line breaks), and no leading or trailing whitespace.
     */
    static boolean isValidHook(String command) {
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return command.equals(trim(command));
    }

    /** The value of an ASCII hex digit, or -1. */
    static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** An independent copy of {@code key}; the temporary array is zeroed. */
    static PrivateKey copy(PrivateKey key) {
        byte[] b = key.toBytes();
        try {
            return PrivateKey.fromBytes(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    /** An independent copy of {@code key}; the temporary array is zeroed. */
    static PresharedKey copy(PresharedKey key) {
        byte[] b = key.toBytes();
        try {
            return PresharedKey.fromBytes(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }
}
