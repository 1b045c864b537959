package dev.wgdesk.engine.platform;

import java.io.IOException;

/**
 * Turns a stored configuration's bytes into what is written to disk and back. On Windows the
 * helper seals them with DPAPI in LocalSystem's own scope, as wireguard-windows does; on Linux and macOS the
 * file's mode and its root-only directory protect it and the bytes are stored as they are.
 * Implementations do not keep the plaintext; callers zero their arrays when done.
 */
public interface SecretStore {
    /** Stores bytes unchanged. */
    SecretStore PLAIN = new SecretStore() {
        @Override
        public byte[] seal(byte[] plaintext) {
            return plaintext.clone();
        }

        @Override
        public byte[] open(byte[] sealed) {
            return sealed.clone();
        }
    };

    /** The bytes to write for {@code plaintext}. */
    byte[] seal(byte[] plaintext) throws IOException;

    /**
     * The plaintext of bytes {@link #seal} made.
     *
     * @throws IOException if they cannot be opened (another machine's DPAPI blob, corruption)
     */
    byte[] open(byte[] sealed) throws IOException;
}
