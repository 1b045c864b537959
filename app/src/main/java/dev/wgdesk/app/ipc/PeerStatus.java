package dev.wgdesk.app.ipc;

import java.util.List;
import java.util.Objects;

/**
 * Runtime state of one peer of an active tunnel. Immutable. Never contains a preshared key.
 *
 * @param publicKey           the peer's public key, base64
 * @param endpoint            the current endpoint ({@code ip:port} or {@code [ipv6]:port}), or null if unknown
 * @param lastHandshakeMillis wall-clock time of the latest completed handshake (epoch ms), 0 if none
 * @param rxBytes             bytes received from the peer
 * @param txBytes             bytes sent to the peer
 * @param persistentKeepalive persistent keepalive interval in seconds, 0 if off
 * @param allowedIps          the peer's allowed IPs, as prefixes
 * @param diagnosis           what is wrong with the peer, if anything; null from a helper that does not diagnose
 */
public record PeerStatus(String publicKey, String endpoint, long lastHandshakeMillis, long rxBytes, long txBytes,
                         int persistentKeepalive, List<String> allowedIps, PeerDiagnosis diagnosis) {
    public PeerStatus {
        Objects.requireNonNull(publicKey, "publicKey");
        allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
    }

    /** A status without a diagnosis. */
    public PeerStatus(String publicKey, String endpoint, long lastHandshakeMillis, long rxBytes, long txBytes,
                      int persistentKeepalive, List<String> allowedIps) {
        this(publicKey, endpoint, lastHandshakeMillis, rxBytes, txBytes, persistentKeepalive, allowedIps, null);
    }
}
