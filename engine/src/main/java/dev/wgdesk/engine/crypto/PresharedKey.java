package dev.wgdesk.engine.crypto;

import dev.wgdesk.engine.Protocol;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * A 32-byte symmetric preshared key, mixed into the handshake (Noise psk2). The all-zero key is
 * the same as having none. Never printed.
 */
public final class PresharedKey implements Destroyable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;
    private volatile boolean destroyed;

    private PresharedKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The all-zero key: "no preshared key". */
    public static PresharedKey none() {
        return new PresharedKey(new byte[Protocol.KEY_LENGTH]);
    }

    /** A fresh random key ({@code wg genpsk}). */
    public static PresharedKey generate() {
        byte[] k = new byte[Protocol.KEY_LENGTH];
        RANDOM.nextBytes(k);
        return new PresharedKey(k);
    }

    /** Wraps a copy of {@code b} (32 bytes). */
    public static PresharedKey fromBytes(byte[] b) {
        if (b.length != Protocol.KEY_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH, "a preshared key is 32 bytes, not " + b.length);
        }
        return new PresharedKey(b.clone());
    }

    /** Decodes the base64 form; errors as for {@link PrivateKey#fromBase64}. */
    public static PresharedKey fromBase64(CharSequence s) {
        return new PresharedKey(KeyCodec.fromBase64(s));
    }

    /** Decodes the hex form (UAPI); errors as for {@link PrivateKey#fromBase64}. */
    public static PresharedKey fromHex(CharSequence s) {
        return new PresharedKey(KeyCodec.fromHex(s));
    }

    /** True for the all-zero key, i.e. no preshared key (constant-time). */
    public boolean isZero() {
        return ConstantTime.isZero(use());
    }

    /** The raw bytes, shared: callers must not modify or retain them. */
    public byte[] rawBytes() {
        return use();
    }

    /** A copy of the 32 key bytes; the caller should zero it when done. */
    public byte[] toBytes() {
        return use().clone();
    }

    public String toBase64() {
        return KeyCodec.toBase64(use());
    }

    public String toHex() {
        return KeyCodec.toHex(use());
    }

    private byte[] use() {
        if (destroyed) {
            throw new IllegalStateException("preshared key was destroyed");
        }
        return bytes;
    }

    /** Zeroes the key; later use throws (as {@link PrivateKey#destroy()}). */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Constant-time; a destroyed key equals only itself. */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        return o instanceof PresharedKey other && !destroyed && !other.destroyed
                && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 0x95c;
    }

    @Override
    public String toString() {
        return destroyed ? "PresharedKey(destroyed)" : "PresharedKey(redacted)";
    }
}
