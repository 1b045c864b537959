package dev.wgdesk.engine.crypto;

import javax.security.auth.Destroyable;

/**
 * In-place ChaCha20-Poly1305 with WireGuard's nonce ({@code 0x00000000 || le64(counter)}), as
 * the data path uses it. Instances are not thread-safe: one per thread.
 */
public interface Aead extends Destroyable {
    /** Encrypts {@code buf[off, off+len)} in place and writes the 16-byte tag after it. */
    void seal(byte[] key32, long counter, byte[] buf, int off, int len, byte[] ad);

    /** Authenticates, then decrypts {@code buf[off, off+lenWithTag)} in place; false if forged. */
    boolean open(byte[] key32, long counter, byte[] buf, int off, int lenWithTag, byte[] ad);

    /** Zeroes cached key state. */
    @Override
    void destroy();
}
