package dev.wgdesk.engine.routing;

/**
 * A prefix (or a bare address) could not be parsed or is out of range. Carries a machine-readable
 * {@link Reason} plus a message naming the offending text, which is never secret.
 */
public final class PrefixFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Reason {
        /** The text is empty, or has no address before the {@code /}. */
        EMPTY,
        /** There is no {@code /length} part. */
        MISSING_LENGTH,
        /** The part after {@code /} is not a decimal number in 0..32 (IPv4) or 0..128 (IPv6). */
        BAD_LENGTH,
        /** The address is neither dotted-quad IPv4 nor RFC 4291 IPv6 text. */
        BAD_ADDRESS,
        /** The address has an IPv6 zone ({@code %eth0}), which has no meaning in a prefix. */
        ZONE_NOT_ALLOWED,
        /** Raw address bytes are neither 4 nor 16 long. */
        BAD_ADDRESS_LENGTH,
    }

    private final Reason reason;

    public PrefixFormatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** What was wrong with the input. */
    public Reason reason() {
        return reason;
    }
}
