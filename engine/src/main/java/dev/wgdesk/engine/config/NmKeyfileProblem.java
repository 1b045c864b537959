package dev.wgdesk.engine.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One error or warning found in a NetworkManager keyfile, as data: where it is, which group and
 * key it concerns, what is wrong, and the offending text. Instances are immutable.
 * {@link #message()} renders the line a user reads, for example
 * {@code office.nmconnection:17:1: [ipv4] dns-priority: "-50" is a NetworkManager setting wg-quick
 * cannot express; not imported}.
 *
 * <p><b>Secrets.</b> The value of {@code private-key} and {@code preshared-key} is never kept: it
 * is replaced by {@link ConfigError#HIDDEN}. In any other text, a run of 40 or more base64
 * characters is hidden too, except in the name of a {@code [wireguard-peer.KEY]} group (a public
 * key).
 *
 * @param fileName the file name given to the parser, used as the message prefix
 * @param line     1-based line number
 * @param column   1-based column of the offending text (a tab counts as one column)
 * @param group    the group the problem is in, without brackets; empty for the file as a whole
 * @param key      the key concerned; empty when the problem is about a group or a line
 * @param reason   what is wrong
 * @param text     the offending text, possibly hidden; empty when something is missing
 * @param detail   a further explanation for the user; may be empty
 */
public record NmKeyfileProblem(String fileName, int line, int column, String group, String key, Reason reason,
                               String text, String detail) {

    private static final Pattern KEY_LIKE = Pattern.compile("[A-Za-z0-9+/]{40,}={0,2}");

    /** What is wrong. Reasons up to {@link #DUPLICATE_PEER} are errors; the rest are warnings. */
    public enum Reason {
        /** A line is neither blank, a comment, a {@code [group]} header, nor {@code key=value}. */
        SYNTAX_ERROR(true),
        /** A {@code key=value} line comes before the first group header. */
        OUTSIDE_GROUP(true),
        /** A value has a backslash escape that GLib's key-file format does not define. */
        INVALID_ESCAPE(true),
        /** The file is not a WireGuard connection ({@code [connection] type} is something else). */
        NOT_WIREGUARD(true),
        /** A required group or key is missing. */
        MISSING(true),
        /** The secret is not in the file: NetworkManager keeps it in a secret agent or asks for it. */
        SECRET_NOT_IN_FILE(true),
        /** A key is not 44 base64 characters encoding 32 bytes. */
        INVALID_KEY(true),
        /** A number is not a number, or is out of range. */
        INVALID_NUMBER(true),
        /** An address or allowed-ips entry is not {@code ip[/length]} of the right family. */
        INVALID_PREFIX(true),
        /** An endpoint is not {@code host:port} or {@code [ipv6]:port}. */
        INVALID_ENDPOINT(true),
        /** A DNS server is not an IP address of the group's family. */
        INVALID_DNS(true),
        /** A search domain is not a valid DNS name. */
        INVALID_SEARCH_DOMAIN(true),
        /** Any other value is invalid (a boolean that is not true/false). */
        INVALID_VALUE(true),
        /** A peer's public key is the interface's own public key. */
        PEER_IS_SELF(true),
        /** Two peer groups name the same public key. */
        DUPLICATE_PEER(true),
        /** Warning: a NetworkManager setting that wg-quick cannot express; it is not imported. */
        NOT_IMPORTED(false),
        /** Warning: a key appears twice in a group; the last value counts, as in NetworkManager. */
        REPEATED_KEY(false),
        /** Warning: the connection id is not a valid tunnel name; the tunnel gets another name. */
        NAME_CHANGED(false);

        private final boolean error;

        Reason(boolean error) {
            this.error = error;
        }

        /** True for errors (the file cannot be imported), false for warnings. */
        public boolean isError() {
            return error;
        }
    }

    /** Validates positions and removes secret text. */
    public NmKeyfileProblem {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(detail, "detail");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based");
        }
        if (isSecretKey(key)) {
            text = text.isEmpty() ? text : ConfigError.HIDDEN;
        } else if (!(reason == Reason.INVALID_KEY || reason == Reason.PEER_IS_SELF || reason == Reason.DUPLICATE_PEER)) {
            text = KEY_LIKE.matcher(text).replaceAll(ConfigError.HIDDEN);
        }
        detail = KEY_LIKE.matcher(detail).replaceAll(ConfigError.HIDDEN);
    }

    static boolean isSecretKey(String key) {
        return key.equals("private-key") || key.equals("preshared-key");
    }

    /** True when this is an error rather than a warning. */
    public boolean isError() {
        return reason.isError();
    }

    /**
     * The one-line message: {@code file:line:column: [group] key: "text" sentence (detail)}; parts
     * that are empty are left out.
     */
    public String message() {
        StringBuilder sb = new StringBuilder();
        sb.append(fileName).append(':').append(line).append(':').append(column).append(": ");
        if (!group.isEmpty()) {
            sb.append('[').append(group).append("] ");
        }
        if (!key.isEmpty()) {
            sb.append(key).append(": ");
        }
        if (!text.isEmpty()) {
            sb.append(text.equals(ConfigError.HIDDEN) ? text : '"' + text + '"').append(' ');
        }
        sb.append(sentence());
        if (!detail.isEmpty()) {
            sb.append(" (").append(detail).append(')');
        }
        return sb.toString();
    }

    private String sentence() {
        return switch (reason) {
            case SYNTAX_ERROR -> "is neither a [group] header nor a key=value line";
            case OUTSIDE_GROUP -> "comes before the first [group] header";
            case INVALID_ESCAPE -> "has an invalid backslash escape";
            case NOT_WIREGUARD -> "is not a WireGuard connection";
            case MISSING -> "is missing";
            case SECRET_NOT_IN_FILE -> "is not stored in this file";
            case INVALID_KEY -> "is not a valid key (44 base64 characters)";
            case INVALID_NUMBER -> "is not a valid number";
            case INVALID_PREFIX -> "is not a valid address or prefix";
            case INVALID_ENDPOINT -> "is not a valid endpoint (use host:port or [ipv6]:port)";
            case INVALID_DNS -> "is not a valid DNS server address";
            case INVALID_SEARCH_DOMAIN -> "is not a valid search domain";
            case INVALID_VALUE -> "is not a valid value";
            case PEER_IS_SELF -> "is this interface's own public key";
            case DUPLICATE_PEER -> "is the public key of an earlier peer";
            case NOT_IMPORTED -> "is a NetworkManager setting wg-quick cannot express; not imported";
            case REPEATED_KEY -> "repeats an earlier key; the last value counts";
            case NAME_CHANGED -> "is not a valid tunnel name";
        };
    }

    /** Same as {@link #message()}. */
    @Override
    public String toString() {
        return message();
    }
}
