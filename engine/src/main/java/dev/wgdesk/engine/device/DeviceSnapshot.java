package dev.wgdesk.engine.device;

import dev.wgdesk.engine.crypto.PrivateKey;
import java.util.List;

/**
 * A view of the device's configuration and per-peer state.
 *
 * @param privateKey a copy, or null when none is set; the caller should destroy it when done
 */
public record DeviceSnapshot(PrivateKey privateKey, int listenPort, int fwmark, List<PeerSnapshot> peers) {
    @Override
    public String toString() {
        return "DeviceSnapshot(port " + listenPort + ", " + peers.size() + " peers)";
    }
}
