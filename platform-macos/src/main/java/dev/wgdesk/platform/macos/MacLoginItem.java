package dev.wgdesk.platform.macos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * "Start wgdesk at login" on macOS: a per-user LaunchAgent,
 * {@code ~/Library/LaunchAgents/dev.wgdesk.tray.plist}, that starts the app in the menu bar
 * ({@code wgdesk tray}) when the user logs in to the graphical session (Aqua). launchd reads the
 * directory at login; nothing needs to be loaded now. Removing the file turns it off.
 */
public final class MacLoginItem {
    /** The agent's launchd label, also its file name without {@code .plist}. */
    public static final String LABEL = "dev.wgdesk.tray";

    private MacLoginItem() {}

    /** The agent file of the user whose home is {@code home}. */
    public static Path file(Path home) {
        return home.resolve("Library/LaunchAgents").resolve(LABEL + ".plist");
    }

    /**
     * The plist: {@code launcher tray}, at load, in the Aqua session only, not restarted after the
     * user quits.
     *
     * @param launcher the app's executable, e.g. {@code /Applications/wgdesk.app/Contents/MacOS/wgdesk}
     */
    public static String plist(String launcher) {
        StringBuilder args = new StringBuilder();
        for (String a : List.of(launcher, "tray")) {
            args.append("    <string>").append(xml(a)).append("</string>\n");
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>Label</key>
                  <string>%s</string>
                  <key>ProgramArguments</key>
                  <array>
                %s  </array>
                  <key>RunAtLoad</key>
                  <true/>
                  <key>KeepAlive</key>
                  <false/>
                  <key>LimitLoadToSessionType</key>
                  <string>Aqua</string>
                  <key>ProcessType</key>
                  <string>Interactive</string>
                </dict>
                </plist>
                """.formatted(LABEL, args);
    }

    /** Turns login start on (writes the agent, atomically) or off (removes it). */
    public static void set(Path home, String launcher, boolean on) throws IOException {
        Path f = file(home);
        if (!on) {
            Files.deleteIfExists(f);
            return;
        }
        Files.createDirectories(f.getParent());
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, plist(launcher), StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether login start is on. */
    public static boolean isSet(Path home) {
        return Files.isRegularFile(file(home));
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
