package dev.wgdesk.app.ipc;

import java.util.List;
import java.util.Objects;

/**
 * A request failed, with a typed {@link ErrorCode}, a one-line message a user can act on, and
 * optional details (for {@link ErrorCode#INVALID_CONFIG}: one {@code file:line:column: ...} line per
 * problem). Messages never contain key material.
 */
public final class IpcException extends Exception {
    private final ErrorCode code;
    private final transient List<String> details;

    /** An error without details. */
    public IpcException(ErrorCode code, String message) {
        this(code, message, List.of(), null);
    }

    /** An error with details. */
    public IpcException(ErrorCode code, String message, List<String> details) {
        this(code, message, details, null);
    }

    /** An error with details and a cause. */
    public IpcException(ErrorCode code, String message, List<String> details, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = List.copyOf(details);
    }

    /** What kind of failure this is. */
    public ErrorCode code() {
        return code;
    }

    /** Further lines (e.g. one per configuration problem); possibly empty. */
    public List<String> details() {
        return details;
    }
}
