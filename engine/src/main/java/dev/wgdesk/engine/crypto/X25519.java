package dev.wgdesk.engine.crypto;

import dev.wgdesk.engine.Protocol;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Curve25519 Diffie-Hellman (RFC 7748), backed by Bouncy Castle's constant-time
 * {@code org.bouncycastle.math.ec.rfc7748.X25519}. Scalars are clamped as RFC 7748 requires
 * (also when the caller passes an unclamped one), and the top bit of a u-coordinate is ignored.
 *
 * <p>Stateless and thread-safe. All arrays are 32 bytes; methods throw
 * {@link IllegalArgumentException} for any other length.
 */
public final class X25519 {
    private X25519() {}

    /** Length of scalars, u-coordinates and shared secrets. */
    public static final int KEY_LENGTH = Protocol.KEY_LENGTH;

    static {
        org.bouncycastle.math.ec.rfc7748.X25519.precompute();
    }

    /**
     * Computes the shared secret {@code X25519(priv, pub)} into {@code out32}.
     *
     * @return false, with {@code out32} zeroed, when the result is all zero (the public key was
     *     a low-order point); the check runs in constant time. WireGuard must drop the message.
     */
    public static boolean sharedSecret(byte[] priv, byte[] pub, byte[] out32) {
        check(priv, "private key");
        check(pub, "public key");
        check(out32, "output");
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(priv, 0, pub, 0, out32, 0);
        if (ConstantTime.isZero(out32)) {
            Arrays.fill(out32, (byte) 0);
            return false;
        }
        return true;
    }

    /** Computes the public key {@code X25519(priv, 9)} into {@code out32}. */
    public static void publicKey(byte[] priv, byte[] out32) {
        check(priv, "private key");
        check(out32, "output");
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(priv, 0, out32, 0);
    }

    /** Fills {@code out32} with a fresh random private key from {@code random}, clamped. */
    public static void generatePrivateKey(SecureRandom random, byte[] out32) {
        check(out32, "output");
        random.nextBytes(out32);
        clamp(out32);
    }

    /** Clamps a Curve25519 scalar in place: clear bits 0-2 and 255, set bit 254. */
    public static void clamp(byte[] k) {
        check(k, "scalar");
        k[0] &= (byte) 248;
        k[31] = (byte) ((k[31] & 127) | 64);
    }

    private static void check(byte[] b, String what) {
        if (b.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 " + what + " must be 32 bytes, not " + b.length);
        }
    }
}
