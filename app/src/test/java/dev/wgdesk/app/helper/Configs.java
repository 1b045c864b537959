package dev.wgdesk.app.helper;

import dev.wgdesk.engine.crypto.PrivateKey;

/** Valid wg-quick texts for tests. */
final class Configs {
    private Configs() {}

    /** A config with {@code peers} peers, each with a /32 allowed IP, and a comment naming {@code tag}. */
    static String valid(String tag, int peers) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(tag).append('\n');
        sb.append("[Interface]\nPrivateKey = ").append(PrivateKey.generate().toBase64()).append('\n');
        sb.append("Address = 10.9.0.1/24\n");
        for (int i = 0; i < peers; i++) {
            sb.append("\n[Peer]\nPublicKey = ").append(PrivateKey.generate().publicKey().toBase64()).append('\n');
            sb.append("AllowedIPs = 10.").append(10 + i / 65536).append('.').append(i / 256 % 256).append('.')
                    .append(i % 256).append("/32\n");
        }
        return sb.toString();
    }
}
