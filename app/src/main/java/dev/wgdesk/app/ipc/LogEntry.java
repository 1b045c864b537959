package dev.wgdesk.app.ipc;

import java.util.Objects;

/**
 * One line of the helper's log. Immutable. The helper never logs key material.
 *
 * @param timeMillis when it was logged (epoch ms)
 * @param level      {@code ERROR}, {@code WARNING}, {@code INFO} or {@code DEBUG}
 * @param tunnel     the tunnel it concerns, or null
 * @param message    the text
 */
public record LogEntry(long timeMillis, String level, String tunnel, String message) {
    public LogEntry {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
    }
}
