package dev.wgdesk.engine.device;

import dev.wgdesk.engine.crypto.PrivateKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The test topology most device tests share: device {@code a} (10.0.0.1) and device {@code b}
 * (10.0.0.2) as each other's only peer, {@code a} knowing {@code b}'s endpoint and {@code b}
 * learning {@code a}'s from the handshake.
 */
final class DevicePair {
    private DevicePair() {}

    /** Gives both devices fresh keys, makes them peers (a → b at {@code endpointOfB}) and brings them up. */
    static void connect(Device a, Device b, InetSocketAddress endpointOfB) throws Exception {
        PrivateKey ka = PrivateKey.generate();
        PrivateKey kb = PrivateKey.generate();
        a.setPrivateKey(ka);
        b.setPrivateKey(kb);
        a.addPeer(kb.publicKey());
        a.addPeerAllowedIp(kb.publicKey(), InetAddress.getByName("10.0.0.2"), 32);
        a.setPeerEndpoint(kb.publicKey(), endpointOfB);
        b.addPeer(ka.publicKey());
        b.addPeerAllowedIp(ka.publicKey(), InetAddress.getByName("10.0.0.1"), 32);
        a.up();
        b.up();
    }
}
