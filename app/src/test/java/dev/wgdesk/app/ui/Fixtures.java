package dev.wgdesk.app.ui;

import dev.wgdesk.engine.crypto.PrivateKey;

/** Configuration texts with real keys for the UI tests. */
public final class Fixtures {
    private Fixtures() {}

    /** A fresh private key, base64. */
    public static String privateKey() {
        PrivateKey k = PrivateKey.generate();
        try {
            return k.toBase64();
        } finally {
            k.destroy();
        }
    }

    /** A fresh public key, base64. */
    public static String publicKey() {
        PrivateKey k = PrivateKey.generate();
        try {
            return k.publicKey().toBase64();
        } finally {
            k.destroy();
        }
    }

    /** A full-tunnel config: one peer with 0.0.0.0/0 and ::/0, DNS inside the tunnel. */
    public static String fullTunnel() {
        return """
                [Interface]
                PrivateKey = %s
                Address = 10.64.0.2/32, fd00:64::2/128
                DNS = 10.64.0.1

                [Peer]
                PublicKey = %s
                AllowedIPs = 0.0.0.0/0, ::/0
                Endpoint = 198.51.100.7:51820
                PersistentKeepalive = 25
                """.formatted(privateKey(), publicKey());
    }

    /** A split-tunnel config: one peer with a site prefix. */
    public static String siteTunnel() {
        return """
                [Interface]
                PrivateKey = %s
                Address = 10.10.0.5/24
                ListenPort = 51821

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.10.0.0/24, 192.168.50.0/24
                Endpoint = vpn.example.org:51820
                """.formatted(privateKey(), publicKey());
    }
}
