package dev.wgdesk.app.helper;

import java.util.List;
import java.util.Objects;

/**
 * A {@link ConfigStore} operation was refused or failed. The message is a sentence for the user;
 * {@link #details()} lists configuration problems ({@code file:line:column: ...}). Never contains
 * key material.
 */
public final class StoreException extends Exception {
    /** What went wrong. */
    public enum Kind {
        /** No tunnel of that name. */
        NOT_FOUND,
        /** A tunnel of that name exists. */
        ALREADY_EXISTS,
        /** The name is not a valid tunnel name. */
        INVALID_NAME,
        /** The text does not parse; see {@link #details()}. */
        INVALID_CONFIG,
        /** Reading or writing failed. */
        IO
    }

    private final Kind kind;
    private final transient List<String> details;

    StoreException(Kind kind, String message) {
        this(kind, message, List.of(), null);
    }

    StoreException(Kind kind, String message, List<String> details, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.details = List.copyOf(details);
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** One line per configuration problem, for {@link Kind#INVALID_CONFIG}; else empty. */
    public List<String> details() {
        return details;
    }
}
