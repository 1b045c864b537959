package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.Blake2s;
import dev.wgdesk.engine.crypto.ConstantTime;
import dev.wgdesk.engine.crypto.XChaCha20Poly1305;
import dev.wgdesk.engine.time.Clock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

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
    private static final int MAC = Protocol.MAC_LENGTH;

    private final StaticIdentity identity;
    private final Clock clock;
    private final SecureRandom random;

    /* Guarded by this. */
    private final byte[] secret = new byte[Protocol.KEY_LENGTH];
    private long secretBirth;
    private boolean haveSecret;

    /**
     * @param identity our static identity (its precomputed mac1 and cookie keys are used)
     * @param clock monotonic time for the secret's age
     * @param random source of the secret and of reply nonces
     */
    public CookieChecker(StaticIdentity identity, Clock clock, SecureRandom random) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * True if {@code msg[off, off+len)} is an initiation (148) or response (92) whose mac1 is
     * correct for our public key. Constant-time in the MAC compare; false for any other length.
     */
    public boolean checkMac1(byte[] msg, int off, int len) {
        if (!isHandshakeMessage(msg, off, len)) {
            return false;
        }
        int mac1 = Messages.mac1Offset(len);
        byte[] expected = new byte[MAC];
        Blake2s.mac(identity.mac1Key(), msg, off, mac1, expected, 0);
        return ConstantTime.equals(expected, 0, msg, off + mac1, MAC);
    }

    /**
     * True if the message's mac2 equals the MAC under the cookie we would currently give
     * {@code src}. False when the secret is older than 120 s (a fresh one is made by the next
     * {@link #createReply}). Call only after {@link #checkMac1} succeeded.
     */
    public boolean checkMac2(byte[] msg, int off, int len, InetSocketAddress src) {
        if (!isHandshakeMessage(msg, off, len)) {
            return false;
        }
        byte[] cookie = new byte[Messages.COOKIE_LENGTH];
        synchronized (this) {
            if (!secretIsFresh()) {
                return false;
            }
            Blake2s.mac(secret, sourceBytes(src), 0, sourceLength(src), cookie, 0);
        }
        int mac2 = Messages.mac2Offset(len);
        byte[] expected = new byte[MAC];
        Blake2s.mac(cookie, msg, off, mac2, expected, 0);
        Arrays.fill(cookie, (byte) 0);
        return ConstantTime.equals(expected, 0, msg, off + mac2, MAC);
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
        if (!isHandshakeMessage(msg, off, len)) {
            throw new IllegalArgumentException("cookie replies answer 148-byte initiations or 92-byte responses, not "
                    + len + " bytes");
        }
        Objects.checkFromIndexSize(outOff, Protocol.MESSAGE_COOKIE_REPLY_SIZE, out.length);
        byte[] cookie = new byte[Messages.COOKIE_LENGTH];
        byte[] nonce = new byte[Protocol.COOKIE_NONCE_LENGTH];
        synchronized (this) {
            if (!secretIsFresh()) {
                random.nextBytes(secret);
                secretBirth = clock.nanoTime();
                haveSecret = true;
            }
            Blake2s.mac(secret, sourceBytes(src), 0, sourceLength(src), cookie, 0);
            random.nextBytes(nonce);
        }
        int mac1 = off + Messages.mac1Offset(len);
        byte[] ad = Arrays.copyOfRange(msg, mac1, mac1 + MAC);
        byte[] sealed = XChaCha20Poly1305.seal(identity.cookieKey(), nonce, cookie, ad);
        Arrays.fill(cookie, (byte) 0);

        Messages.writeU32(out, outOff + Messages.TYPE_OFFSET, Protocol.MESSAGE_COOKIE_REPLY_TYPE);
        Messages.writeU32(out, outOff + Messages.COOKIE_REPLY_RECEIVER, Messages.senderIndex(msg, off));
        System.arraycopy(nonce, 0, out, outOff + Messages.COOKIE_REPLY_NONCE, nonce.length);
        System.arraycopy(sealed, 0, out, outOff + Messages.COOKIE_REPLY_COOKIE, sealed.length);
    }

    /** Caller holds the lock. The kernel's rule: expired once 120 s have passed. */
    private boolean secretIsFresh() {
        return haveSecret && clock.nanoTime() - secretBirth < Protocol.COOKIE_REFRESH_TIME_NANOS;
    }

    private static boolean isHandshakeMessage(byte[] msg, int off, int len) {
        return Messages.isValid(Protocol.MESSAGE_INITIATION_TYPE, msg, off, len)
                || Messages.isValid(Protocol.MESSAGE_RESPONSE_TYPE, msg, off, len);
    }

    /** The cookie input: the raw IP address (4 or 16 bytes) followed by the port, big-endian. */
    private static byte[] sourceBytes(InetSocketAddress src) {
        InetAddress a = src.getAddress();
        if (a == null) {
            throw new IllegalArgumentException("unresolved source address " + src);
        }
        byte[] ip = a.getAddress();
        byte[] b = Arrays.copyOf(ip, ip.length + 2);
        b[ip.length] = (byte) (src.getPort() >>> 8);
        b[ip.length + 1] = (byte) src.getPort();
        return b;
    }

    private static int sourceLength(InetSocketAddress src) {
        return src.getAddress().getAddress().length + 2;
    }

    @Override
    public String toString() {
        return "CookieChecker(" + identity.publicKey() + ")";
    }
}
