package dev.wgdesk.engine.device;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.routing.Prefix;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A consistent-enough view of one peer for {@code wg show} and the UI.
 *
 * @param presharedKey a copy the caller should {@link PresharedKey#destroy()} when done
 * @param endpoint null when unknown
 * @param lastHandshakeEpochNanos wall-clock time of the last completed handshake, 0 if none
 * @param rxBytes UDP payload bytes received from this peer, handshakes included
 * @param txBytes UDP payload bytes sent to this peer, handshakes included
 */
public record PeerSnapshot(
        PublicKey publicKey,
        PresharedKey presharedKey,
        InetSocketAddress endpoint,
        long lastHandshakeEpochNanos,
        long rxBytes,
        long txBytes,
        int persistentKeepaliveSeconds,
        List<Prefix> allowedIps) {
    @Override
    public String toString() {
        return "PeerSnapshot(" + publicKey + " @" + endpoint + ", rx " + rxBytes + ", tx " + txBytes + ")";
    }
}
