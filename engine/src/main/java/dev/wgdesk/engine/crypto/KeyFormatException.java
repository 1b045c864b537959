package dev.wgdesk.engine.crypto;

/** A key string could not be decoded. Carries what was wrong, never the key text itself. */
public final class KeyFormatException extends IllegalArgumentException {
    /** What was wrong with the encoded key. */
    public enum Reason { LENGTH, CHARACTERS }

    private final Reason reason;

    public KeyFormatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
