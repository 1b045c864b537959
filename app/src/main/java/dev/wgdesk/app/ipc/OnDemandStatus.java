package dev.wgdesk.app.ipc;

import java.util.Objects;

/**
 * A tunnel's on-demand rule and what on-demand last did with it, as {@code status} reports it.
 * Immutable.
 *
 * @param rule            the rule (never {@link OnDemandRule#OFF}: a tunnel without one has no
 *                        on-demand status)
 * @param decision        what on-demand last decided: {@code "up"}, {@code "down"}, {@code "kept"},
 *                        or null when it has not decided yet (or cannot: see {@code unavailable})
 * @param reason          why, for people ({@code on Wi-Fi "Cafe" (wlan0), not trusted by its rule (...)}),
 *                        or null
 * @param network         the network it decided on ({@code Wi-Fi "Cafe" (wlan0)}), or null
 * @param unavailable     why on-demand cannot work on this computer now (no NetworkManager, an OS
 *                        without a network source), else null
 * @param decidedAtMillis when it decided (epoch ms), 0 if never
 */
public record OnDemandStatus(OnDemandRule rule, String decision, String reason, String network, String unavailable,
                             long decidedAtMillis) {
    public OnDemandStatus {
        Objects.requireNonNull(rule, "rule");
    }

    /** One line for people: what it did and why, or why it cannot. */
    public String describe() {
        if (unavailable != null) {
            return "on-demand unavailable: " + unavailable;
        }
        if (decision == null) {
            return "on-demand: waiting for the network";
        }
        return switch (decision) {
            case "up" -> "brought up by on-demand: " + reason;
            case "down" -> "brought down by on-demand: " + reason;
            default -> "left as it is by on-demand: " + reason;
        };
    }
}
