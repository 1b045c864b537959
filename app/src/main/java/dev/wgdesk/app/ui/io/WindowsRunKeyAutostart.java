package dev.wgdesk.app.ui.io;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Start wgdesk at login" on Windows: the value {@value #VALUE} under the current user's Run key
 * ({@value #RUN_KEY}) holding {@code "<wgdesk.exe>" tray}, written and read with {@code reg.exe}
 * (no native code in the app). Windows' own switch for it (Task Manager's Startup apps, Settings'
 * Startup) lives in {@value #APPROVED_KEY}: a binary value whose first byte is odd means the
 * user turned it off there. That counts as off here, and turning it on here removes it.
 *
 * <p>Written and unit-tested on Linux with a fake {@code reg.exe}; not yet run on Windows.
 */
public final class WindowsRunKeyAutostart implements Autostart {
    /** The per-user Run key. */
    public static final String RUN_KEY = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run";
    /** Where Task Manager records Run entries the user disabled. */
    public static final String APPROVED_KEY =
            "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run";
    /** The value's name. */
    public static final String VALUE = "wgdesk";

    private static final Pattern LINE = Pattern.compile("^\\s*" + VALUE + "\\s+(REG_[A-Z_]+)\\s+(.*?)\\s*$",
            Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

    private final String launcher;
    private final CommandRunner reg;

    /**
     * A Run-key setting.
     *
     * @param launcher the app's wgdesk.exe, or null when unknown
     * @param reg      runs reg.exe
     */
    public WindowsRunKeyAutostart(String launcher, CommandRunner reg) {
        this.launcher = launcher;
        this.reg = Objects.requireNonNull(reg, "reg");
    }

    /** The Run value's data for {@code exe}: the quoted path and {@code tray}. */
    static String command(String exe) {
        return "\"" + exe + "\" tray";
    }

    @Override
    public State state() throws IOException {
        String run = query(RUN_KEY);
        if (run == null || run.isBlank()) {
            return launcher == null ? State.UNSUPPORTED : State.DISABLED;
        }
        String approved = query(APPROVED_KEY);
        return approved != null && turnedOff(approved) ? State.DISABLED : State.ENABLED;
    }

    @Override
    public void setEnabled(boolean on) throws IOException {
        if (state() == State.UNSUPPORTED) {
            throw new UnsupportedOperationException("starting at login is not supported here");
        }
        if (on) {
            if (launcher == null) {
                throw new UnsupportedOperationException("no wgdesk.exe known to start at login");
            }
            check(reg.run(List.of("reg.exe", "add", RUN_KEY, "/v", VALUE, "/t", "REG_SZ", "/d", command(launcher), "/f")),
                    "add");
            if (query(APPROVED_KEY) != null) {
                check(reg.run(List.of("reg.exe", "delete", APPROVED_KEY, "/v", VALUE, "/f")), "delete");
            }
        } else if (query(RUN_KEY) != null) {
            check(reg.run(List.of("reg.exe", "delete", RUN_KEY, "/v", VALUE, "/f")), "delete");
        }
    }

    /** The value's data under {@code key}, or null when reg.exe says there is none. */
    private String query(String key) throws IOException {
        CommandRunner.Result r = reg.run(List.of("reg.exe", "query", key, "/v", VALUE));
        if (r.exitCode() != 0) {
            return null; // 1: "unable to find the specified registry key or value"
        }
        Matcher m = LINE.matcher(r.output());
        if (!m.find()) {
            throw new IOException("reg.exe query " + key + " /v " + VALUE + ": unexpected output: " + r.output().strip());
        }
        return m.group(2);
    }

    /** True when a StartupApproved value (hex bytes, as reg.exe prints REG_BINARY) says "disabled". */
    static boolean turnedOff(String hex) {
        String h = hex.strip();
        if (h.length() < 2) {
            return false;
        }
        try {
            return (HexFormat.fromHexDigits(h.substring(0, 2).toLowerCase(Locale.ROOT)) & 1) == 1;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void check(CommandRunner.Result r, String what) throws IOException {
        if (r.exitCode() != 0) {
            throw new IOException("reg.exe " + what + " failed (exit " + r.exitCode() + "): " + r.output().strip());
        }
    }
}
