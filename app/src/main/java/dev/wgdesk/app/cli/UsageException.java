package dev.wgdesk.app.cli;

/** The command line is wrong; the message says how. Exit code {@link Main#EXIT_USAGE}. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
