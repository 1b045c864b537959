package dev.wgdesk.app.cli;

import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ipc.PeerStatus;
import dev.wgdesk.app.ipc.TunnelStatus;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Human-readable renderings for the CLI, in the style of {@code wg show}. */
final class StatusFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private StatusFormat() {}

    static String status(TunnelStatus s, long nowMillis) {
        StringBuilder sb = new StringBuilder();
        sb.append("tunnel: ").append(s.name()).append(" (").append(s.state().name().toLowerCase(Locale.ROOT))
                .append(s.autostart() ? ", starts at boot" : "").append(")\n");
        if (s.error() != null) {
            sb.append("  error: ").append(s.error()).append('\n');
        }
        if (s.publicKey() != null) {
            sb.append("  public key: ").append(s.publicKey()).append('\n');
            sb.append("  listening port: ").append(s.listenPort()).append('\n');
            sb.append("  mtu: ").append(s.mtu()).append('\n');
        }
        for (String w : s.warnings()) {
            sb.append("  warning: ").append(w).append('\n');
        }
        if (s.hooksNotice() != null && !s.warnings().contains(s.hooksNotice())) {
            sb.append("  hooks: ").append(s.hooksNotice()).append('\n');
        }
        if (s.onDemand() != null) {
            sb.append("  on-demand: ").append(s.onDemand().rule().describe()).append('\n');
            sb.append("    ").append(s.onDemand().describe()).append('\n');
        }
        for (PeerStatus p : s.peers()) {
            sb.append("\n  peer: ").append(p.publicKey()).append('\n');
            if (p.endpoint() != null) {
                sb.append("    endpoint: ").append(p.endpoint()).append('\n');
            }
            sb.append("    allowed ips: ").append(p.allowedIps().isEmpty() ? "(none)" : String.join(", ", p.allowedIps()))
                    .append('\n');
            if (p.lastHandshakeMillis() != 0) {
                sb.append("    latest handshake: ").append(ago(nowMillis - p.lastHandshakeMillis())).append('\n');
            }
            if (p.rxBytes() != 0 || p.txBytes() != 0) {
                sb.append("    transfer: ").append(bytes(p.rxBytes())).append(" received, ").append(bytes(p.txBytes()))
                        .append(" sent\n");
            }
            if (p.persistentKeepalive() != 0) {
                sb.append("    persistent keepalive: every ").append(p.persistentKeepalive()).append(" seconds\n");
            }
            if (p.diagnosis() != null) {
                sb.append("    diagnosis: ").append(p.diagnosis().code()).append(": ").append(p.diagnosis().message())
                        .append('\n');
            }
        }
        return sb.toString();
    }

    static String ago(long millis) {
        long s = Math.max(0, millis / 1000);
        if (s < 60) {
            return s + (s == 1 ? " second ago" : " seconds ago");
        }
        long m = s / 60;
        if (m < 60) {
            return m + (m == 1 ? " minute, " : " minutes, ") + (s % 60) + " seconds ago";
        }
        long h = m / 60;
        return h + (h == 1 ? " hour, " : " hours, ") + (m % 60) + " minutes ago";
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    static String log(LogEntry e) {
        return TIME.format(Instant.ofEpochMilli(e.timeMillis())) + " " + e.level()
                + (e.tunnel() == null ? "" : " [" + e.tunnel() + "]") + " " + e.message();
    }
}
