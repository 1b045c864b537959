package dev.wgdesk.engine.uapi;

import java.util.Objects;

/**
 * A UAPI operation failed. Carries the {@link UapiError} that decides the errno of the reply.
 * Thrown by the request parser and by {@link UapiTarget} implementations (for example
 * {@link UapiError#PORT_IN_USE} when the listen port cannot be bound).
 *
 * <p>Messages name keys and reasons only: they must never contain key material or the text of a
 * request line, which may hold a key.
 */
public final class UapiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final UapiError error;

    /** An error of class {@code error} with a message that contains no secret. */
    public UapiException(UapiError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** An error of class {@code error} caused by {@code cause}; the message must contain no secret. */
    public UapiException(UapiError error, String message, Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** What kind of failure this is; decides the errno of the reply. */
    public UapiError error() {
        return error;
    }
}
