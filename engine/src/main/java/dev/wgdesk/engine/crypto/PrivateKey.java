package dev.wgdesk.engine.crypto;

import dev.wgdesk.engine.Protocol;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;

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
        X25519.generatePrivateKey(RANDOM, k);
        return new PrivateKey(k);
    }

    /** Wraps a copy of {@code b}. The caller keeps (and should zero) its own array. */
    public static PrivateKey fromBytes(byte[] b) {
        if (b.length != Protocol.KEY_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH, "a private key is 32 bytes, not " + b.length);
        }
        return new PrivateKey(b.clone());
    }

    /**
     * Decodes the 44-character base64 form ({@code wg genkey}).
     *
     * @throws KeyFormatException with {@link KeyFormatException.Reason#LENGTH} or
     *     {@link KeyFormatException.Reason#CHARACTERS}; the message never contains the text
     */
    public static PrivateKey fromBase64(CharSequence s) {
        return new PrivateKey(KeyCodec.fromBase64(s));
    }

    /** Decodes the 64-character hex form (UAPI); errors as for {@link #fromBase64}. */
    public static PrivateKey fromHex(CharSequence s) {
        return new PrivateKey(KeyCodec.fromHex(s));
    }

    /**
     * Clamps a Curve25519 scalar in place (see {@link X25519#clamp}).
     *
     * @throws IllegalArgumentException if {@code k} is not 32 bytes
     */
    public static void clamp(byte[] k) {
        X25519.clamp(k);
    }

    /** The matching public key (X25519 of the base point). */
    public PublicKey publicKey() {
        byte[] pub = new byte[Protocol.KEY_LENGTH];
        X25519.publicKey(use(), pub);
        return PublicKey.fromBytes(pub);
    }

    /** True for the all-zero key, which UAPI uses to mean "no key" (constant-time). */
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
            throw new IllegalStateException("private key was destroyed");
        }
        return bytes;
    }

    /**
     * Zeroes the key; every later use except {@link #isDestroyed}, {@link #equals} and
     * {@link #toString} throws {@link IllegalStateException}. Copies handed out earlier
     * ({@link #toBytes}, strings) are the caller's to wipe; Java cannot guarantee that no other
     * copy exists (the garbage collector may have moved the array).
     */
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
        return o instanceof PrivateKey other && !destroyed && !other.destroyed
                && MessageDigest.isEqual(bytes, other.bytes);
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
