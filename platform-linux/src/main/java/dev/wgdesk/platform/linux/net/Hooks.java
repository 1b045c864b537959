package dev.wgdesk.platform.linux.net;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * PreUp/PostUp/PreDown/PostDown commands. They run as root through {@code bash -c}, with
 * {@code %i} replaced by the interface name as {@code wg-quick} does, one after another, and
 * only when the administrator allowed scripts; otherwise they are skipped and reported as
 * "disabled by policy".
 */
public final class Hooks {
    /** Time limit for one hook command. */
    public static final long TIMEOUT_SECONDS = 60;

    private Hooks() {}

    /** The warning for hooks that were not run. */
    public static String disabledWarning(String kind, int count) {
        return kind + " disabled by policy: " + count + " command(s) not run (an administrator can set"
                + " allow-scripts=true in /etc/wgdesk/helper.conf)";
    }

    /**
     * Runs {@code commands}; the first failure throws.
     *
     * @param log receives one line per command and its output
     */
    static void run(String kind, String dev, List<String> commands, Consumer<String> log) throws CommandException {
        run(kind, dev, commands, log, Command.SYSTEM);
    }

    /** {@link #run(String, String, List, Consumer)} through {@code runner}. */
    static void run(String kind, String dev, List<String> commands, Consumer<String> log, Command.Runner runner)
            throws CommandException {
        for (String c : commands) {
            String cmd = c.replace("%i", dev);
            log.accept(kind + ": " + cmd);
            Command.Result r = runner.run(List.of("/bin/bash", "-c", cmd), null, Map.of("WGDESK_INTERFACE", dev),
                    TIMEOUT_SECONDS);
            String out = (r.stdout() + r.stderr()).strip();
            if (!out.isEmpty()) {
                log.accept(kind + " output: " + out);
            }
            if (r.exitCode() != 0) {
                throw new CommandException(List.of("/bin/bash", "-c", cmd), r);
            }
        }
    }
}
