package dev.wgdesk.engine.config;

/**
 * Syntax check for DNS host names and domains (RFC 1123, with underscores allowed since they
 * occur in real zones). Nothing is looked up.
 */
final class HostNames {
    /** Longest name without the optional trailing dot (RFC 1035 2.3.4). */
    static final int MAX_NAME_LENGTH = 253;
    static final int MAX_LABEL_LENGTH = 63;

    private HostNames() {}

    /**
     * True for dot-separated labels of 1..63 characters from {@code [A-Za-z0-9_-]}, not starting
     * or ending with {@code -}, at most 253 characters in all, with an optional trailing dot. A
     * name of only digits and dots is rejected: it is a (possibly malformed) IPv4 literal, not a
     * name.
     */
    static boolean isValid(String name) {
        String s = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (s.isEmpty() || s.length() > MAX_NAME_LENGTH) {
            return false;
        }
        boolean allNumeric = true;
        int labelStart = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0 || len > MAX_LABEL_LENGTH
                        || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
                continue;
            }
            char c = s.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            boolean ok = digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
            allNumeric &= digit;
        }
        return !allNumeric;
    }
}
