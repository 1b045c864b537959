package dev.wgdesk.engine.resilience;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.device.PeerSnapshot;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The engine {@link Device} as an {@link EndpointWatcher.Target}, the same on every OS: peers'
 * endpoints and byte counters from a snapshot (its keys destroyed at once), resolution results
 * handed to the device for the {@code dns-failed} diagnosis, a moved endpoint set and a new
 * handshake started with it.
 */
public record DeviceTarget(Device device) implements EndpointWatcher.Target {
    public DeviceTarget {
        Objects.requireNonNull(device, "device");
    }

    @Override
    public Map<PublicKey, EndpointWatcher.PeerState> peers() {
        DeviceSnapshot snap = device.snapshot();
        Map<PublicKey, EndpointWatcher.PeerState> out = new HashMap<>();
        try {
            for (PeerSnapshot p : snap.peers()) {
                out.put(p.publicKey(), new EndpointWatcher.PeerState(p.endpoint(), p.rxBytes(), p.txBytes()));
            }
        } finally {
            if (snap.privateKey() != null) {
                snap.privateKey().destroy();
            }
            for (PeerSnapshot p : snap.peers()) {
                PresharedKey psk = p.presharedKey();
                if (psk != null) {
                    psk.destroy();
                }
            }
        }
        return out;
    }

    @Override
    public void resolved(PublicKey peer, String host) {
        device.recordEndpointResolved(peer, host);
    }

    @Override
    public void resolutionFailed(PublicKey peer, String host, String error) {
        device.recordEndpointResolutionFailed(peer, host, error);
    }

    @Override
    public void moveEndpoint(PublicKey peer, InetSocketAddress endpoint) {
        if (device.hasPeer(peer)) {
            device.setPeerEndpoint(peer, endpoint);
            device.restartHandshake(peer);
        }
    }
}
