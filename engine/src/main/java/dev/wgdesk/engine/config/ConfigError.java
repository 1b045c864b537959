package dev.wgdesk.engine.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One problem found in a wg-quick file, as data: where it is, which key it concerns, what is wrong,
 * and the offending text. Instances are immutable. An editor can list these and highlight
 * {@code length} characters at {@code line:column}; {@link #message()} renders the one-line text a
 * user reads, for example {@code home.conf:7:14: AllowedIPs: "10.0.0.0/33" is not a valid prefix}.
 *
 * <p><b>Secrets.</b> The text of a {@code PrivateKey} or {@code PresharedKey} value is never
 * kept: it is replaced by {@link #HIDDEN} (unless it was empty). In every other error except those
 * about a {@code PublicKey}, any run of 40 or more base64 characters (a key pasted on the wrong
 * line) is replaced by {@link #HIDDEN} too. {@code length} still covers the original span.
 *
 * @param fileName the file name given to the parser, used as the message prefix
 * @param section  the section the problem is in ({@link ConfigSection#TOP_LEVEL} before any
 *                 section, or for the file as a whole)
 * @param key      the key concerned, if the problem is about a known key
 * @param reason   what is wrong
 * @param line     1-based line number
 * @param column   1-based column of the offending text, counted in UTF-16 chars after a leading
 *                 byte-order mark is removed; a tab counts as one column
 * @param text     the offending text (a value, a list element, a key name, a line), possibly
 *                 {@linkplain #HIDDEN hidden}; empty when nothing was written
 * @param length   how many chars of the line the offending text spans (0 for something missing)
 */
public record ConfigError(String fileName, ConfigSection section, Optional<ConfigKey> key, Reason reason,
                          int line, int column, String text, int length) {

    /** Stands in for secret text in {@link #text()} and in messages. */
    public static final String HIDDEN = "(hidden)";

    private static final Pattern KEY_LIKE = Pattern.compile("[A-Za-z0-9+/]{40,}={0,2}");

    /** What is wrong. Each reason has a fixed sentence that {@link #message()} uses. */
    public enum Reason {
        /** A key is not 44 base64 characters encoding 32 bytes. */
        INVALID_KEY,
        /** A number is not a number (or, for FwMark and PersistentKeepalive, not {@code off}). */
        INVALID_NUMBER,
        /** A number is outside the key's range (see {@link ConfigKey#minValue()}). */
        NUMBER_OUT_OF_RANGE,
        /** A value that is not a key, number, prefix, endpoint or DNS entry is invalid
         * (SaveConfig not true/false, a bad Table, a hook with a control character). */
        INVALID_VALUE,
        /** An Address or AllowedIPs entry is not {@code ip[/length]}. */
        INVALID_PREFIX,
        /** An Endpoint is not {@code host:port} or {@code [ipv6]:port}. */
        INVALID_ENDPOINT,
        /** A DNS entry is neither an IP address nor a valid search domain. */
        INVALID_DNS,
        /** A DNS entry starting with {@code ~} is not {@code ~} followed by a valid domain or {@code .}. */
        INVALID_ROUTING_DOMAIN,
        /** A required key (PrivateKey, PublicKey) is missing from its section. */
        MISSING_ATTRIBUTE,
        /** The file has no [Interface] section. */
        MISSING_SECTION,
        /** A key that may appear only once in a section appears again. */
        DUPLICATE_ATTRIBUTE,
        /** Two peers have the same public key. */
        DUPLICATE_PEER,
        /** A peer's public key is the interface's own public key. */
        PEER_IS_SELF,
        /** A known key appears in the wrong section (e.g. PublicKey under [Interface]). */
        MISPLACED_ATTRIBUTE,
        /** A {@code Key = value} line comes before the first section header. */
        OUTSIDE_SECTION,
        /** A line is neither blank, a comment, a section header, nor {@code Key = value}. */
        SYNTAX_ERROR,
        /** A key is not a wg-quick key. */
        UNKNOWN_ATTRIBUTE,
        /** A section header is neither [Interface] nor [Peer]. */
        UNKNOWN_SECTION
    }

    /** Validates positions and removes secret text. */
    public ConfigError {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(text, "text");
        if (line < 1 || column < 1 || length < 0) {
            throw new IllegalArgumentException("line and column are 1-based and length is non-negative");
        }
        if (key.isPresent() && key.get().isSecret()) {
            // A missing key's text is its section header, which is no secret.
            text = text.isEmpty() || reason == Reason.MISSING_ATTRIBUTE ? text : HIDDEN;
        } else if (key.isEmpty() || key.get() != ConfigKey.PUBLIC_KEY) {
            text = KEY_LIKE.matcher(text).replaceAll(HIDDEN);
        }
    }

    /**
     * The one-line message a user reads: {@code file:line:column: Key: "text" sentence}. The key
     * part is left out when no known key is concerned; the quoted text is left out when something
     * is missing, or when the text is just the key's name.
     */
    public String message() {
        StringBuilder sb = new StringBuilder();
        sb.append(fileName).append(':').append(line).append(':').append(column).append(": ");
        key.ifPresent(k -> sb.append(k.spelling()).append(": "));
        boolean textIsKeyName = key.isPresent()
                && (reason == Reason.MISPLACED_ATTRIBUTE || reason == Reason.OUTSIDE_SECTION);
        if (reason != Reason.MISSING_ATTRIBUTE && reason != Reason.MISSING_SECTION && !textIsKeyName) {
            sb.append(text.equals(HIDDEN) ? HIDDEN : '"' + text + '"').append(' ');
        }
        sb.append(sentence());
        return sb.toString();
    }

    private String sentence() {
        String here = section == ConfigSection.TOP_LEVEL ? "" : section.header();
        return switch (reason) {
            case INVALID_KEY -> "is not a valid key (44 base64 characters)";
            case INVALID_NUMBER -> switch (key.orElse(null)) {
                case FW_MARK -> "is not a valid number (use a number, 0x followed by hex digits, or off)";
                case PERSISTENT_KEEPALIVE -> "is not a valid number (use seconds, or off)";
                case null, default -> "is not a valid number";
            };
            case NUMBER_OUT_OF_RANGE -> key.filter(ConfigKey::isNumeric)
                    .map(k -> "is out of range (" + k.minValue().getAsLong() + " to " + k.maxValue().getAsLong()
                            + (k == ConfigKey.MTU ? ", the largest packet wgdesk carries" : "")
                            + ")")
                    .orElse("is out of range");
            case INVALID_VALUE -> switch (key.orElse(null)) {
                case SAVE_CONFIG -> "is not a valid value (use true or false)";
                case TABLE -> "is not a valid value (use auto, off, a table number or a table name)";
                case null, default -> "is not a valid value";
            };
            case INVALID_PREFIX -> "is not a valid prefix";
            case INVALID_ENDPOINT -> "is not a valid endpoint (use host:port or [ipv6]:port)";
            case INVALID_DNS -> "is neither an IP address nor a valid search domain";
            case INVALID_ROUTING_DOMAIN -> text.equals("~")
                    ? "is not a valid routing domain (write ~. for all names, or ~ and a domain such as ~corp.example)"
                    : "is not a valid routing domain (use ~ and a domain such as ~corp.example, or ~. for all names)";
            case MISSING_ATTRIBUTE -> "is missing from the " + here + " section";
            case MISSING_SECTION -> "the [Interface] section is missing";
            case DUPLICATE_ATTRIBUTE -> "repeats a key that may appear only once per section";
            case DUPLICATE_PEER -> "is the public key of an earlier peer";
            case PEER_IS_SELF -> "is this interface's own public key";
            case MISPLACED_ATTRIBUTE -> "belongs in " + key.map(k -> k.section().header()).orElse("another section")
                    + ", not in " + here;
            case OUTSIDE_SECTION -> "comes before the first [Interface] or [Peer] section";
            case SYNTAX_ERROR -> "is neither a section header nor a \"Key = value\" line";
            case UNKNOWN_ATTRIBUTE -> "is not a known key in " + here;
            case UNKNOWN_SECTION -> "is not a known section (use [Interface] or [Peer])";
        };
    }

    /** Same as {@link #message()}. */
    @Override
    public String toString() {
        return message();
    }
}
