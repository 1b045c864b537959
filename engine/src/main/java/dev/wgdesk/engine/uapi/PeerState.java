package dev.wgdesk.engine.uapi;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * One peer as a UAPI {@code get} reports it. Part of a {@link DeviceState} snapshot.
 *
 * @param publicKey the peer's static public key
 * @param presharedKey the preshared key, or {@code null} or the all-zero key for none; owned by
 *     the snapshot, which destroys it on {@link DeviceState#close()}
 * @param endpoint the current endpoint, resolved (not a bare host name), or {@code null} when
 *     unknown
 * @param lastHandshakeEpochNanos Unix wall-clock time of the last completed handshake in
 *     nanoseconds since 1970, or 0 for never
 * @param txBytes WireGuard UDP payload bytes sent to the peer, handshakes and keepalives
 *     included; printed as an unsigned 64-bit number
 * @param rxBytes the same for bytes received from the peer
 * @param persistentKeepalive the persistent-keepalive interval in seconds, 0..65535, 0 = off
 * @param allowedIps the peer's allowed IPs, in the order they are to be printed
 */
public record PeerState(
        PublicKey publicKey,
        PresharedKey presharedKey,
        InetSocketAddress endpoint,
        long lastHandshakeEpochNanos,
        long txBytes,
        long rxBytes,
        int persistentKeepalive,
        List<IpPrefix> allowedIps) {

    /** Checks the arguments and copies the list. */
    public PeerState {
        Objects.requireNonNull(publicKey, "publicKey");
        if (persistentKeepalive < 0 || persistentKeepalive > 0xffff) {
            throw new IllegalArgumentException("persistent keepalive " + persistentKeepalive + " out of range 0..65535");
        }
        allowedIps = List.copyOf(allowedIps);
    }
}
