package dev.wgdesk.app.ipc;

/**
 * Why a request failed: the {@code error.code} of a response (spelled as the constant's name), or
 * a failure on the client side of the connection.
 */
public enum ErrorCode {
    /** The line is not a JSON object, or a field has the wrong type or is missing. */
    BAD_REQUEST,
    /** The request line is longer than {@link IpcProtocol#MAX_REQUEST_BYTES}. */
    TOO_LARGE,
    /** The request names a protocol version the server does not speak. */
    UNSUPPORTED_VERSION,
    /** The method is not one the server knows. */
    UNKNOWN_METHOD,
    /** The connecting user may not use the helper (only root and group {@code wgdesk} may). */
    NOT_AUTHORISED,
    /** The server already serves as many clients as it allows. */
    TOO_MANY_CLIENTS,
    /** No tunnel of that name exists. */
    NOT_FOUND,
    /** A tunnel of that name exists already. */
    ALREADY_EXISTS,
    /** The tunnel name is not a valid interface name. */
    INVALID_NAME,
    /** The configuration text does not parse; {@code details} holds one message per problem. */
    INVALID_CONFIG,
    /** The tunnel is in a state that does not allow the request (e.g. renaming an active tunnel). */
    INVALID_STATE,
    /** Activating the tunnel failed at some step; what was done has been rolled back. */
    ACTIVATION_FAILED,
    /**
     * The user may use the helper but not do this to this tunnel: it belongs to someone else
     * (only its owner and root may read its keys, change or remove it; others may switch it only
     * when it is shared).
     */
    NOT_PERMITTED,
    /** A limit was reached: tunnels stored in all or per user. */
    LIMIT_REACHED,
    /** Reading or writing the configuration store failed. */
    STORAGE_FAILED,
    /** An unexpected failure in the server; the server keeps running. */
    INTERNAL,
    /** Not possible on this computer: not implemented on this OS, or a prerequisite is missing (the message says which). */
    NOT_SUPPORTED,
    /** Running an app outside the tunnel failed: moving the process or installing the rules (the message says why). */
    EXCLUSION_FAILED,

    /* ---- client-side conditions, never sent by a server ---- */

    /** The helper's socket does not exist or nobody listens on it. */
    UNREACHABLE,
    /** The connection broke, or the server closed it, before the response arrived. */
    DISCONNECTED,
    /** The server did not answer in time. */
    TIMEOUT,
    /** The server sent something that does not follow this protocol. */
    PROTOCOL_ERROR;

    /** The code for a wire spelling, or {@link #INTERNAL} for one this version does not know. */
    public static ErrorCode fromWire(String code) {
        if (code != null) {
            for (ErrorCode c : values()) {
                if (c.name().equals(code)) {
                    return c;
                }
            }
        }
        return INTERNAL;
    }
}
