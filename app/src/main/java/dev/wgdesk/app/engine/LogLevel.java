package dev.wgdesk.app.engine;

import java.util.logging.Level;

/**
 * The log levels of {@code wireguard-go}, chosen with the {@code LOG_LEVEL} environment variable:
 * {@code verbose} (or {@code debug}) logs everything, {@code error} only errors, {@code silent}
 * nothing. Unset or unknown values mean {@code error}, as in wireguard-go.
 */
public enum LogLevel {
    /** Errors and debugging messages. */
    VERBOSE(Level.ALL),
    /** Errors only (the default). */
    ERROR(Level.WARNING),
    /** Nothing. */
    SILENT(Level.OFF);

    private final Level threshold;

    LogLevel(Level threshold) {
        this.threshold = threshold;
    }

    /** The lowest java.util.logging level that is printed. */
    Level threshold() {
        return threshold;
    }

    /** The level named by a {@code LOG_LEVEL} value; null or unknown values give {@link #ERROR}. */
    public static LogLevel fromEnvironment(String value) {
        if (value == null) {
            return ERROR;
        }
        return switch (value) {
            case "verbose", "debug" -> VERBOSE;
            case "silent" -> SILENT;
            default -> ERROR;
        };
    }
}
