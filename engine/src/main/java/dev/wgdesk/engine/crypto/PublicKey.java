package dev.wgdesk.engine.crypto;

import dev.wgdesk.engine.Protocol;
import java.security.MessageDigest;
import java.util.Arrays;

/** A Curve25519 public key. Immutable; equality is constant-time. */
public final class PublicKey {
    private final byte[] bytes;
    private final int hash;

    private PublicKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Wraps a copy of {@code b} (32 bytes). */
    public static PublicKey fromBytes(byte[] b) {
        if (b.length != Protocol.KEY_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH, "a public key is 32 bytes, not " + b.length);
        }
        return new PublicKey(b.clone());
    }

    /** Decodes the 44-character base64 form; errors as for {@link PrivateKey#fromBase64}. */
    public static PublicKey fromBase64(CharSequence s) {
        return new PublicKey(KeyCodec.fromBase64(s));
    }

    /** Decodes the 64-character hex form (UAPI). */
    public static PublicKey fromHex(CharSequence s) {
        return new PublicKey(KeyCodec.fromHex(s));
    }

    /** A copy of the 32 key bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the key into {@code dst} at {@code off}. */
    public void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, bytes.length);
    }

    public String toBase64() {
        return KeyCodec.toBase64(bytes);
    }

    public String toHex() {
        return KeyCodec.toHex(bytes);
    }

    /** True for the all-zero key, which UAPI uses to mean "none". */
    public boolean isZero() {
        return ConstantTime.isZero(bytes);
    }

    /** Constant-time comparison of the key bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Public keys are not secret: shown as base64, as {@code wg show} does. */
    @Override
    public String toString() {
        return toBase64();
    }
}
