package dev.wgdesk.app.ui.io;

import dev.wgdesk.engine.platform.AtomicTextFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * "Start wgdesk at login", the freedesktop.org way (Desktop Application Autostart
 * Specification): {@code wgdesk-tray.desktop} in an autostart directory runs {@code wgdesk tray}
 * at login. The package installs a system-wide entry in {@code /etc/xdg/autostart}; a user turns
 * it off with a same-named entry in {@code ~/.config/autostart} that says {@code Hidden=true},
 * and back on by removing that override. Without a system entry (a plain directory
 * installation), turning it on writes a user entry that runs this installation's launcher.
 *
 * <p>Files are written atomically (temporary file, fsync, rename). Linux and other
 * freedesktop.org desktops only: elsewhere {@link #state()} is {@link State#UNSUPPORTED}
 * ({@link Autostart#forCurrentUser()} picks the macOS or Windows way there).
 * Blocking file work: call it off the UI thread.
 */
public final class XdgAutostart implements Autostart {
    /** The entry's file name, the same as the package's system-wide entry. */
    public static final String FILE_NAME = "wgdesk-tray.desktop";

    private final Path userDir;
    private final List<Path> systemDirs;
    private final String launcher;
    private final boolean freedesktop;

    /**
     * An autostart setting.
     *
     * @param userDir     the user's autostart directory ({@code $XDG_CONFIG_HOME/autostart})
     * @param systemDirs  system autostart directories, most important first ({@code $XDG_CONFIG_DIRS/autostart})
     * @param launcher    the {@code wgdesk} command to run, or null when unknown
     * @param freedesktop whether this is a desktop that follows the autostart specification
     */
    public XdgAutostart(Path userDir, List<Path> systemDirs, String launcher, boolean freedesktop) {
        this.userDir = Objects.requireNonNull(userDir, "userDir");
        this.systemDirs = List.copyOf(systemDirs);
        this.launcher = launcher;
        this.freedesktop = freedesktop;
    }

    /**
     * The setting of the user running this process, from the XDG environment variables, with
     * the launcher from {@code wgdesk.launcher} (set by the directory distribution's script) or
     * {@code jpackage.app-path} (set by the installed launcher).
     */
    public static XdgAutostart forCurrentUser() {
        String home = System.getProperty("user.home");
        String configHome = System.getenv("XDG_CONFIG_HOME");
        Path user = (configHome == null || configHome.isBlank() ? Path.of(home, ".config") : Path.of(configHome))
                .resolve("autostart");
        String dirs = System.getenv("XDG_CONFIG_DIRS");
        List<Path> system = new ArrayList<>();
        for (String d : (dirs == null || dirs.isBlank() ? "/etc/xdg" : dirs).split(":")) {
            if (!d.isBlank()) {
                system.add(Path.of(d, "autostart"));
            }
        }
        String launcher = System.getProperty("wgdesk.launcher", System.getProperty("jpackage.app-path"));
        boolean freedesktop = DesktopOs.current() == DesktopOs.FREEDESKTOP;
        return new XdgAutostart(user, system, launcher, freedesktop);
    }

    @Override
    public State state() throws IOException {
        if (!freedesktop) {
            return State.UNSUPPORTED;
        }
        Path user = userDir.resolve(FILE_NAME);
        if (Files.isRegularFile(user)) {
            return enabled(Files.readString(user, StandardCharsets.UTF_8)) ? State.ENABLED : State.DISABLED;
        }
        Optional<Path> system = systemEntry();
        if (system.isPresent()) {
            return enabled(Files.readString(system.get(), StandardCharsets.UTF_8)) ? State.ENABLED : State.DISABLED;
        }
        return launcher == null ? State.UNSUPPORTED : State.DISABLED;
    }

    @Override
    public void setEnabled(boolean on) throws IOException {
        if (state() == State.UNSUPPORTED) {
            throw new UnsupportedOperationException("starting at login is not supported here");
        }
        Path user = userDir.resolve(FILE_NAME);
        Optional<Path> system = systemEntry();
        if (system.isPresent() && enabled(Files.readString(system.get(), StandardCharsets.UTF_8))) {
            if (on) {
                Files.deleteIfExists(user); // back to the package's entry
            } else {
                write(user, hidden(Files.readString(system.get(), StandardCharsets.UTF_8)));
            }
        } else if (on) {
            if (launcher == null) {
                throw new UnsupportedOperationException("no wgdesk launcher known to start at login");
            }
            write(user, entry(launcher));
        } else if (Files.isRegularFile(user)) {
            write(user, hidden(Files.readString(user, StandardCharsets.UTF_8)));
        }
    }

    private Optional<Path> systemEntry() {
        return systemDirs.stream().map(d -> d.resolve(FILE_NAME)).filter(Files::isRegularFile).findFirst();
    }

    /** True unless the entry says Hidden=true or X-GNOME-Autostart-enabled=false in its main group. */
    static boolean enabled(String desktopEntry) {
        boolean inMain = false;
        for (String raw : desktopEntry.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                inMain = line.equals("[Desktop Entry]");
            } else if (inMain) {
                String compact = line.replace(" ", "");
                if (compact.equalsIgnoreCase("Hidden=true") || compact.equalsIgnoreCase("X-GNOME-Autostart-enabled=false")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code entry} with Hidden=true and X-GNOME-Autostart-enabled=false set in its main group. */
    static String hidden(String entry) {
        StringBuilder out = new StringBuilder();
        boolean inMain = false;
        boolean added = false;
        for (String raw : entry.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                if (inMain && !added) {
                    out.append("Hidden=true\nX-GNOME-Autostart-enabled=false\n");
                    added = true;
                }
                inMain = line.equals("[Desktop Entry]");
                out.append(raw).append('\n');
            } else if (inMain && (line.startsWith("Hidden") || line.startsWith("X-GNOME-Autostart-enabled"))) {
                continue; // replaced below
            } else if (!raw.isEmpty() || out.length() > 0) {
                out.append(raw).append('\n');
            }
        }
        String s = out.toString().stripTrailing() + "\n";
        if (!added) {
            s += "Hidden=true\nX-GNOME-Autostart-enabled=false\n";
        }
        return s;
    }

    /** A user entry that runs {@code launcher tray}. */
    static String entry(String launcher) {
        return """
                [Desktop Entry]
                Type=Application
                Version=1.0
                Name=wgdesk tray icon
                Comment=Show the wgdesk tray icon at login
                Icon=wgdesk
                Exec=%s tray
                Terminal=false
                NoDisplay=true
                X-GNOME-Autostart-enabled=true
                X-GNOME-Autostart-Delay=2
                X-KDE-autostart-after=panel
                """.formatted(quoteExec(launcher));
    }

    /** Quotes a program path for an Exec key (the specification's rules for reserved characters). */
    static String quoteExec(String path) {
        if (path.chars().noneMatch(c -> " \t\n\"'\\><~|&;$*?#()`".indexOf(c) >= 0)) {
            return path.replace("%", "%%");
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : path.toCharArray()) {
            if (c == '"' || c == '`' || c == '$' || c == '\\') {
                b.append('\\');
            }
            b.append(c == '%' ? "%%" : String.valueOf(c));
        }
        return b.append('"').toString();
    }

    private static void write(Path file, String text) throws IOException {
        AtomicTextFile.write(file, text, PosixFilePermissions.fromString("rw-------"));
    }
}
