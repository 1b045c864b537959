package dev.wgdesk.engine.device;

import dev.wgdesk.engine.crypto.ChaCha20Poly1305;

/**
 * The transport AEAD as the data path uses it: in place, one instance per thread. The real one
 * is {@link ChaCha20Poly1305}; tests substitute others to measure the engine's own costs.
 */
interface PacketCipher {
    /** Encrypts {@code buf[off, off+len)} in place and writes the 16-byte tag after it. */
    void seal(byte[] key, long counter, byte[] buf, int off, int len);

    /** Authenticates and decrypts {@code buf[off, off+lenWithTag)} in place; false if forged. */
    boolean open(byte[] key, long counter, byte[] buf, int off, int lenWithTag);

    /** ChaCha20-Poly1305 through the JDK (with its intrinsics). */
    static PacketCipher jce() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        return new PacketCipher() {
            @Override
            public void seal(byte[] key, long counter, byte[] buf, int off, int len) {
                aead.seal(key, counter, buf, off, len, null);
            }

            @Override
            public boolean open(byte[] key, long counter, byte[] buf, int off, int lenWithTag) {
                return aead.open(key, counter, buf, off, lenWithTag, null);
            }
        };
    }
}
