package dev.wgdesk.platform.linux.net;

import java.util.List;

/** An external command failed: it could not run, timed out, or exited non-zero. */
public final class CommandException extends java.io.IOException {
    private final transient List<String> argv;
    private final int exitCode;

    CommandException(List<String> argv, Command.Result r) {
        super(String.join(" ", argv) + " exited " + r.exitCode() + describe(r));
        this.argv = List.copyOf(argv);
        this.exitCode = r.exitCode();
    }

    CommandException(List<String> argv, String problem) {
        super(String.join(" ", argv) + ": " + problem);
        this.argv = List.copyOf(argv);
        this.exitCode = -1;
    }

    private static String describe(Command.Result r) {
        String err = r.stderr().strip();
        if (err.isEmpty()) {
            err = r.stdout().strip();
        }
        if (err.length() > 500) {
            err = err.substring(0, 500) + "...";
        }
        return err.isEmpty() ? "" : ": " + err.replace('\n', ' ');
    }

    /** The command line. */
    public List<String> argv() {
        return argv;
    }

    /** The exit code, or -1 if it did not exit by itself. */
    public int exitCode() {
        return exitCode;
    }
}
