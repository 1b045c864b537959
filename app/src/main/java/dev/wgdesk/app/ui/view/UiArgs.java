package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ipc.IpcProtocol;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tray app's command line: {@code --demo} (an in-process fake helper with two tunnels),
 * {@code --socket PATH}, {@code --theme light|dark|system}, {@code --no-tray}, {@code --hidden}
 * (start in the tray; the window shows anyway when there is no tray), {@code --lang TAG} (the
 * language of the texts instead of the OS locale's, e.g. {@code de} or {@code en}), and paths of
 * .conf/.zip files to open. Mistakes are reported and skipped, never fatal.
 *
 * @param demo   use the demo helper
 * @param socket the helper's socket
 * @param theme  light, dark, or follow the OS
 * @param tray   try to install a tray icon
 * @param hidden start without the window
 * @param open   files to open
 * @param lang   the --lang value, null when not given
 */
public record UiArgs(boolean demo, Path socket, Theme.Mode theme, boolean tray, boolean hidden, List<Path> open,
                     String lang) {
    /** Copies the list. */
    public UiArgs {
        open = List.copyOf(open);
    }

    /** Parses {@code args}, reporting mistakes on {@code err}. */
    public static UiArgs parse(List<String> args, PrintStream err) {
        boolean demo = false;
        boolean tray = true;
        boolean hidden = false;
        Path socket = IpcProtocol.defaultSocket();
        Theme.Mode theme = Theme.Mode.SYSTEM;
        List<Path> open = new ArrayList<>();
        String lang = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--demo" -> demo = true;
                case "--no-tray" -> tray = false;
                case "--hidden" -> hidden = true;
                case "--socket" -> {
                    if (i + 1 < args.size()) {
                        socket = Path.of(args.get(++i));
                    } else {
                        err.println("wgdesk: --socket needs a path; using " + socket);
                    }
                }
                case "--lang" -> {
                    if (i + 1 < args.size()) {
                        lang = args.get(++i);
                    } else {
                        err.println("wgdesk: --lang needs a language (de, en); following the OS");
                    }
                }
                case "--theme" -> {
                    String v = i + 1 < args.size() ? args.get(++i) : "";
                    try {
                        theme = Theme.Mode.valueOf(v.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        err.println("wgdesk: --theme " + v + ": expected light, dark or system; following the OS");
                    }
                }
                default -> {
                    if (!a.startsWith("--")) {
                        open.add(Path.of(a));
                    } else {
                        err.println("wgdesk: unknown option " + a + " (ignored)");
                    }
                }
            }
        }
        return new UiArgs(demo, socket, theme, tray, hidden, open, lang);
    }

    /**
     * True when {@code args} are only paths of .conf or .zip files: how Windows starts the app for
     * a double-clicked file (the MSI's association runs {@code wgdesk.exe "%1"}), and how a user
     * may open one from a shell. Such a start is the tray app showing the import preview, not a
     * command-line verb.
     */
    public static boolean opensFilesOnly(List<String> args) {
        return !args.isEmpty() && args.stream().allMatch(a -> {
            String lower = a.toLowerCase(Locale.ROOT);
            return !a.startsWith("-") && (lower.endsWith(".conf") || lower.endsWith(".zip"));
        });
    }

    /** What identifies "the same app" for {@link dev.wgdesk.app.ui.io.SingleInstance}: the helper it shows. */
    public String instanceKey() {
        return demo ? "demo" : socket.toAbsolutePath().normalize().toString();
    }
}
