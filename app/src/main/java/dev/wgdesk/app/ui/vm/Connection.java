package dev.wgdesk.app.ui.vm;

/** Where the app stands with the helper. */
public enum Connection {
    /** Trying to reach the helper (at start, or after it went away). */
    CONNECTING,
    /** Connected and subscribed to events. */
    CONNECTED,
    /** No helper answers; the app retries by itself. */
    UNREACHABLE,
    /** A helper runs, but this user may not use it (not in the {@code wgdesk} group). */
    NOT_AUTHORISED
}
