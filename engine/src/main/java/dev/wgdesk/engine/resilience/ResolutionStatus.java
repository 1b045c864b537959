package dev.wgdesk.engine.resilience;

import java.net.InetAddress;
import java.util.List;

/**
 * What is known about the host name of one peer's endpoint: when it was last looked up, when it
 * last resolved, and to what; for the per-peer diagnosis ({@code dns-failed}: "resolution failed
 * for host X at T, last ok at T0").
 *
 * @param peer              the peer's public key (base64; public, shown by {@code wg show} too)
 * @param host              the name in {@code Endpoint =}
 * @param port              the port in {@code Endpoint =}
 * @param lastAttemptMillis wall-clock time of the latest look-up (epoch ms), 0 if none yet
 * @param lastSuccessMillis wall-clock time of the latest look-up that gave addresses, 0 if none
 * @param addresses         what that look-up gave (empty if none did)
 * @param error             why the latest look-up failed, or null if it succeeded
 */
public record ResolutionStatus(String peer, String host, int port, long lastAttemptMillis, long lastSuccessMillis,
                               List<InetAddress> addresses, String error) {
    public ResolutionStatus {
        addresses = List.copyOf(addresses);
    }

    /** True if the latest look-up failed. */
    public boolean failed() {
        return error != null;
    }
}
