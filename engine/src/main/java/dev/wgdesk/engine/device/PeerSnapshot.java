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
 * @param counters what the peer's traffic looked like, for {@link Diagnosis}
 */
public record PeerSnapshot(
        PublicKey publicKey,
        PresharedKey presharedKey,
        InetSocketAddress endpoint,
        long lastHandshakeEpochNanos,
        long rxBytes,
        long txBytes,
        int persistentKeepaliveSeconds,
        List<Prefix> allowedIps,
        PeerCounters counters) {
    public PeerSnapshot {
        java.util.Objects.requireNonNull(counters, "counters");
    }

    /** A snapshot without activity (counters of a peer that has done nothing, at time 0). */
    public PeerSnapshot(PublicKey publicKey, PresharedKey presharedKey, InetSocketAddress endpoint,
            long lastHandshakeEpochNanos, long rxBytes, long txBytes, int persistentKeepaliveSeconds,
            List<Prefix> allowedIps) {
        this(publicKey, presharedKey, endpoint, lastHandshakeEpochNanos, rxBytes, txBytes, persistentKeepaliveSeconds,
                allowedIps, PeerCounters.idle(0));
    }

    /** What is wrong with this peer, if anything, as of this snapshot. */
    public Diagnosis diagnosis() {
        return Diagnosis.of(this);
    }

    @Override
    public String toString() {
        return "PeerSnapshot(" + publicKey + " @" + endpoint + ", rx " + rxBytes + ", tx " + txBytes + ")";
    }
}
