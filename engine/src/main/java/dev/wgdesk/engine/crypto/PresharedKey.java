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

    public static PresharedKey generate() {
        byte[] k = new byte[Protocol.KEY_LENGTH];
        RANDOM.nextBytes(k);
        return new PresharedKey(k);
    }

    public static PresharedKey fromBytes(byte[] b) {
        if (b.length != Protocol.KEY_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH, "a preshared key is 32 bytes, not " + b.length);
        }
        return new PresharedKey(b.clone());
    }

    public static PresharedKey fromBase64(CharSequence s) {
        return new PresharedKey(KeyCodec.fromBase64(s));
    }

    public static PresharedKey fromHex(CharSequence s) {
        return new PresharedKey(KeyCodec.fromHex(s));
    }

    public boolean isZero() {
        return ConstantTime.isZero(use());
    }

    /** The raw bytes, shared: callers must not modify or retain them. */
    public byte[] rawBytes() {
        return use();
    }

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

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PresharedKey other && MessageDigest.isEqual(use(), other.use());
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
