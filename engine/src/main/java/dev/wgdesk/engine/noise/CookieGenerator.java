package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.Blake2s;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.crypto.XChaCha20Poly1305;
import dev.wgdesk.engine.time.Clock;
import java.util.Arrays;
import java.util.Objects;

/**
 * The initiator's side of the cookie mechanism, one per peer: adds mac1 and mac2 to the
 * handshake messages we send to that peer and consumes the peer's cookie replies.
 * <ul>
 *   <li>mac1 = {@code MAC(HASH(LABEL_MAC1 || peer pub), msg[0, mac1))}, always.</li>
 *   <li>mac2 = {@code MAC(cookie, msg[0, mac2))} if we hold a cookie received less than
 *       {@code COOKIE_REFRESH_TIME - 5 s} ago (the kernel's stricter margin), else zeros.</li>
 *   <li>A cookie reply is decrypted with AD = the last mac1 we sent, and accepted at most once
 *       per mac1 sent (kernel behaviour).</li>
 * </ul>
 *
 * <p>Thread-safe: all state is guarded by this object's lock.
 */
public final class CookieGenerator {
    /**
     * The kernel's {@code COOKIE_SECRET_LATENCY}: a cookie is used for mac2 only while younger
     * than {@code COOKIE_REFRESH_TIME - COOKIE_SECRET_LATENCY} (115 s), so that it is not
     * presented just as the responder's secret rotates.
     */
    static final long COOKIE_SECRET_LATENCY_NANOS = 5_000_000_000L;

    private static final int MAC = Protocol.MAC_LENGTH;

    private final PublicKey peerPublic;
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final Clock clock;

    /* Guarded by this. */
    private final byte[] lastMac1 = new byte[MAC];
    private boolean haveLastMac1;
    private final byte[] cookie = new byte[Messages.COOKIE_LENGTH];
    private long cookieBirth;
    private boolean haveCookie;

    /**
     * @param peerPublic the peer's static public key
     * @param clock monotonic time for the cookie's age
     */
    public CookieGenerator(PublicKey peerPublic, Clock clock) {
        this.peerPublic = Objects.requireNonNull(peerPublic, "peerPublic");
        this.clock = Objects.requireNonNull(clock, "clock");
        byte[] pub = peerPublic.toBytes();
        this.mac1Key = Blake2s.hash(Protocol.LABEL_MAC1, pub);
        this.cookieKey = Blake2s.hash(Protocol.LABEL_COOKIE, pub);
    }

    /**
     * Writes mac1 and mac2 into the initiation (148) or response (92) {@code msg[off, off+len)}
     * and remembers mac1 for a cookie reply.
     *
     * @throws IllegalArgumentException if {@code len} is not 148 or 92
     */
    public synchronized void addMacs(byte[] msg, int off, int len) {
        if (len != Protocol.MESSAGE_INITIATION_SIZE && len != Protocol.MESSAGE_RESPONSE_SIZE) {
            throw new IllegalArgumentException("macs go on 148-byte initiations or 92-byte responses, not "
                    + len + " bytes");
        }
        Objects.checkFromIndexSize(off, len, msg.length);
        int mac1 = off + Messages.mac1Offset(len);
        int mac2 = off + Messages.mac2Offset(len);
        Blake2s.mac(mac1Key, msg, off, mac1 - off, msg, mac1);
        System.arraycopy(msg, mac1, lastMac1, 0, MAC);
        haveLastMac1 = true;
        if (cookieIsFresh()) {
            Blake2s.mac(cookie, msg, off, mac2 - off, msg, mac2);
        } else {
            Arrays.fill(msg, mac2, mac2 + MAC, (byte) 0);
        }
    }

    /**
     * Consumes a 64-byte cookie reply routed to this peer (by its receiver index).
     *
     * @return true if it decrypted under the last mac1 we sent and the cookie was stored; false
     *     (nothing changed) if the length or type is wrong, no mac1 is outstanding, it was
     *     already used, or it does not authenticate
     */
    public synchronized boolean consumeReply(byte[] reply, int off, int len) {
        if (!Messages.isValid(Protocol.MESSAGE_COOKIE_REPLY_TYPE, reply, off, len) || !haveLastMac1) {
            return false;
        }
        byte[] nonce = Arrays.copyOfRange(reply, off + Messages.COOKIE_REPLY_NONCE,
                off + Messages.COOKIE_REPLY_NONCE + Protocol.COOKIE_NONCE_LENGTH);
        byte[] sealed = Arrays.copyOfRange(reply, off + Messages.COOKIE_REPLY_COOKIE,
                off + Protocol.MESSAGE_COOKIE_REPLY_SIZE);
        byte[] plain = XChaCha20Poly1305.open(cookieKey, nonce, sealed, lastMac1);
        if (plain == null) {
            return false;
        }
        System.arraycopy(plain, 0, cookie, 0, Messages.COOKIE_LENGTH);
        Arrays.fill(plain, (byte) 0);
        cookieBirth = clock.nanoTime();
        haveCookie = true;
        haveLastMac1 = false; // one cookie per mac1 sent
        return true;
    }

    /** True if a cookie younger than the mac2 limit is held (mac2 would be non-zero). */
    public synchronized boolean hasFreshCookie() {
        return cookieIsFresh();
    }

    /** Forgets the cookie and last mac1 (peer removed or keys changed). */
    public synchronized void clear() {
        Arrays.fill(cookie, (byte) 0);
        Arrays.fill(lastMac1, (byte) 0);
        haveCookie = false;
        haveLastMac1 = false;
    }

    private boolean cookieIsFresh() {
        return haveCookie && clock.nanoTime() - cookieBirth
                < Protocol.COOKIE_REFRESH_TIME_NANOS - COOKIE_SECRET_LATENCY_NANOS;
    }

    @Override
    public String toString() {
        return "CookieGenerator(" + peerPublic + ")";
    }
}
