package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.i18n.Messages;
import java.util.Locale;

/** Text for numbers, durations and states, from the resource bundle. Pure functions. */
public final class Formats {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Formats() {}

    /**
     * How long ago {@code thenMillis} was at {@code nowMillis}, with the two largest units, e.g.
     * "12 seconds ago", "1 minute, 5 seconds ago", "2 hours, 1 minute ago"; "just now" under a
     * second; "never" for 0.
     */
    public static String ago(long thenMillis, long nowMillis) {
        if (thenMillis <= 0) {
            return Messages.get("time.never");
        }
        long s = Math.max(0, (nowMillis - thenMillis) / 1000);
        if (s == 0) {
            return Messages.get("time.justNow");
        }
        return Messages.get("time.ago", duration(s));
    }

    /** A duration in seconds with its two largest units: "1 day, 3 hours", "12 seconds". */
    public static String duration(long seconds) {
        long[] parts = {seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60};
        String[] keys = {"time.days", "time.hours", "time.minutes", "time.seconds"};
        int f = 0;
        while (f < parts.length - 1 && parts[f] == 0) {
            f++;
        }
        StringBuilder sb = new StringBuilder(Messages.get(keys[f], parts[f]));
        if (f + 1 < parts.length && parts[f + 1] != 0) {
            sb.append(Messages.get("time.separator")).append(Messages.get(keys[f + 1], parts[f + 1]));
        }
        return sb.toString();
    }

    /** A byte count in binary units with two decimals above 1 KiB: "512 B", "1.21 MiB". */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int u = 0;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, UNITS[u]);
    }

    /** The user's word for a tunnel state. */
    public static String state(TunnelState state) {
        return Messages.get("state." + state.name());
    }

    /** The first characters of a base64 public key, as in "abcd…". */
    public static String shortKey(String publicKey) {
        return publicKey.length() <= 8 ? publicKey : publicKey.substring(0, 8) + "\u2026";
    }
}
