package dev.wgdesk.engine.interop;

import java.util.ArrayList;
import java.util.List;

/**
 * The peer lines of {@code wg show IFNAME dump}: tab-separated public key, preshared key,
 * endpoint, allowed IPs, latest handshake (Unix seconds), transfer rx, transfer tx, persistent
 * keepalive. The interface line (which holds the private key) is skipped.
 */
record WgDump(List<Peer> peers) {
    /** One peer line. The preshared key is kept only to compare; {@link #toString} never shows it. */
    record Peer(String publicKey, String presharedKey, String endpoint, String allowedIps,
                long latestHandshakeSeconds, long rxBytes, long txBytes, String persistentKeepalive) {
        boolean hasPresharedKey() {
            return !"(none)".equals(presharedKey);
        }

        @Override
        public String toString() {
            return "peer " + publicKey + " psk " + (hasPresharedKey() ? "set" : "none") + " endpoint " + endpoint
                    + " allowed " + allowedIps + " handshake " + latestHandshakeSeconds + " rx " + rxBytes
                    + " tx " + txBytes + " keepalive " + persistentKeepalive;
        }
    }

    static WgDump parse(String output) {
        String[] lines = output.strip().split("\n");
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            if (f.length != 8) {
                throw new IllegalArgumentException("unexpected wg dump peer line with " + f.length + " fields");
            }
            peers.add(new Peer(f[0], f[1], f[2], f[3], Long.parseLong(f[4]), Long.parseLong(f[5]),
                    Long.parseLong(f[6]), f[7]));
        }
        return new WgDump(List.copyOf(peers));
    }

    /** The line for {@code publicKeyBase64}, or null. */
    Peer peer(String publicKeyBase64) {
        for (Peer p : peers) {
            if (p.publicKey().equals(publicKeyBase64)) {
                return p;
            }
        }
        return null;
    }
}
