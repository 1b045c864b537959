package dev.wgdesk.engine.uapi;

import dev.wgdesk.engine.crypto.PrivateKey;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a device for one UAPI {@code get}, taken atomically by
 * {@link UapiTarget#snapshot()}.
 *
 * <p>The snapshot owns its secrets: {@code privateKey} and each peer's preshared key must be
 * copies that the device does not keep, because {@link #close()} destroys them once the reply is
 * written. Use it in a try-with-resources block.
 *
 * @param privateKey the interface's private key, or {@code null} (or the all-zero key) when
 *     none is set
 * @param listenPort the UDP port the device listens on, 0..65535; 0 when not bound
 * @param fwmark the firewall mark applied to outgoing packets, an unsigned 32-bit value; 0 = none
 * @param peers the peers, in the order they are to be printed
 */
public record DeviceState(PrivateKey privateKey, int listenPort, int fwmark, List<PeerState> peers)
        implements AutoCloseable {

    /** Checks the arguments and copies the list. */
    public DeviceState {
        if (listenPort < 0 || listenPort > 0xffff) {
            throw new IllegalArgumentException("listen port " + listenPort + " out of range 0..65535");
        }
        peers = List.copyOf(Objects.requireNonNull(peers, "peers"));
    }

    /** Destroys the private key and every preshared key of the snapshot. Idempotent. */
    @Override
    public void close() {
        if (privateKey != null && !privateKey.isDestroyed()) {
            privateKey.destroy();
        }
        for (PeerState p : peers) {
            if (p.presharedKey() != null && !p.presharedKey().isDestroyed()) {
                p.presharedKey().destroy();
            }
        }
    }
}
