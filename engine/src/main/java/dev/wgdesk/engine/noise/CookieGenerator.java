package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.time.Clock;

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
     * @param peerPublic the peer's static public key
     * @param clock monotonic time for the cookie's age
     */
    public CookieGenerator(PublicKey peerPublic, Clock clock) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Writes mac1 and mac2 into the initiation (148) or response (92) {@code msg[off, off+len)}
     * and remembers mac1 for a cookie reply.
     *
     * @throws IllegalArgumentException if {@code len} is not 148 or 92
     */
    public void addMacs(byte[] msg, int off, int len) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Consumes a 64-byte cookie reply routed to this peer (by its receiver index).
     *
     * @return true if it decrypted under the last mac1 we sent and the cookie was stored; false
     *     (nothing changed) if the length or type is wrong, no mac1 is outstanding, it was
     *     already used, or it does not authenticate
     */
    public boolean consumeReply(byte[] reply, int off, int len) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** True if a cookie younger than the mac2 limit is held (mac2 would be non-zero). */
    public boolean hasFreshCookie() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Forgets the cookie and last mac1 (peer removed or keys changed). */
    public void clear() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public String toString() {
        return "CookieGenerator";
    }
}
