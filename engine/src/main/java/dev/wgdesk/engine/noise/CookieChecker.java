package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.time.Clock;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * The responder's side of WireGuard's cookie mechanism (whitepaper section 5.4.7): checks mac1
 * and mac2 of incoming handshake messages and builds cookie replies.
 * <ul>
 *   <li>mac1 = {@code MAC(HASH(LABEL_MAC1 || our pub), msg[0, mac1))}: checked on every
 *       initiation and response, in constant time, before any DH.</li>
 *   <li>cookie = {@code MAC(R, src IP || src port)}, R a 32-byte random secret replaced when
 *       older than {@code COOKIE_REFRESH_TIME} (120 s); mac2 = {@code MAC(cookie, msg[0, mac2))}.
 *       The device checks mac2 only while under load.</li>
 *   <li>A cookie reply encrypts the cookie with XChaCha20-Poly1305 under
 *       {@code HASH(LABEL_COOKIE || our pub)}, a random nonce and AD = the message's mac1.</li>
 * </ul>
 *
 * <p>Thread-safe: the secret is guarded by this object's lock. One instance per device and
 * static identity; build a new one when the private key changes.
 */
public final class CookieChecker {
    /**
     * @param identity our static identity (its precomputed mac1 and cookie keys are used)
     * @param clock monotonic time for the secret's age
     * @param random source of the secret and of reply nonces
     */
    public CookieChecker(StaticIdentity identity, Clock clock, SecureRandom random) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * True if {@code msg[off, off+len)} is an initiation (148) or response (92) whose mac1 is
     * correct for our public key. Constant-time in the MAC compare; false for any other length.
     */
    public boolean checkMac1(byte[] msg, int off, int len) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * True if the message's mac2 equals the MAC under the cookie we would currently give
     * {@code src}. False when the secret is older than 120 s (a fresh one is made by the next
     * {@link #createReply}). Call only after {@link #checkMac1} succeeded.
     */
    public boolean checkMac2(byte[] msg, int off, int len, InetSocketAddress src) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Writes a 64-byte cookie reply to {@code out[outOff, outOff+64)} for the initiation or
     * response {@code msg[off, off+len)} received from {@code src}: receiver = the message's
     * sender index, a fresh random nonce, the cookie for {@code src} encrypted with AD = the
     * message's mac1. Rotates the secret first if it is older than 120 s.
     *
     * @throws IllegalArgumentException if {@code len} is not 148 or 92
     */
    public void createReply(byte[] msg, int off, int len, InetSocketAddress src, byte[] out, int outOff) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public String toString() {
        return "CookieChecker";
    }
}
