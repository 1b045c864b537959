package dev.wgdesk.engine.crypto;

import dev.wgdesk.engine.Protocol;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A Curve25519 private key. Immutable until {@link #destroy()}, which zeroes it; any use after
 * that throws. Never printed: {@link #toString()} shows only the public key.
 */
public final class PrivateKey implements Destroyable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;
    private volatile boolean destroyed;

    private PrivateKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A fresh random key, clamped as RFC 7748 requires. */
    public static PrivateKey generate() {
        byte[] k = new byte[Protocol.KEY_LENGTH];
        RANDOM.nextBytes(k);
        clamp(k);
        return new PrivateKey(k);
    }

    /** Wraps a copy of {@code b}. The caller keeps (and should zero) its own array. */
    public static PrivateKey fromBytes(byte[] b) {
        if (b.length != Protocol.KEY_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH, "a private key is 32 bytes, not " + b.length);
        }
        return new PrivateKey(b.clone());
    }

    public static PrivateKey fromBase64(CharSequence s) {
        return new PrivateKey(KeyCodec.fromBase64(s));
    }

    public static PrivateKey fromHex(CharSequence s) {
        return new PrivateKey(KeyCodec.fromHex(s));
    }

    /** Clamps a Curve25519 scalar in place. */
    public static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] = (byte) ((k[31] & 127) | 64);
    }

    /** The matching public key (X25519 of the base point). */
    public PublicKey publicKey() {
        byte[] pub = new byte[Protocol.KEY_LENGTH];
        X25519.scalarMultBase(use(), 0, pub, 0);
        return PublicKey.fromBytes(pub);
    }

    /** True for the all-zero key, which UAPI uses to mean "no key". */
    public boolean isZero() {
        return ConstantTime.isZero(use());
    }

    /**
     * The raw bytes, shared with this object for the crypto code: callers must not modify or
     * retain them.
     */
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
            throw new IllegalStateException("private key was destroyed");
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
        return o instanceof PrivateKey other && MessageDigest.isEqual(use(), other.use());
    }

    @Override
    public int hashCode() {
        return 0x5ec; // no hash derived from secret material
    }

    @Override
    public String toString() {
        return destroyed ? "PrivateKey(destroyed)" : "PrivateKey(public " + publicKey() + ")";
    }
}
