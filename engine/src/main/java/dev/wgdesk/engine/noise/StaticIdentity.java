package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.Blake2s;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The device's static key pair plus the two keys derived from its public key that the
 * responder side needs: the mac1 key {@code HASH(LABEL_MAC1 || pub)} (to check mac1 of messages
 * sent to us) and the cookie key {@code HASH(LABEL_COOKIE || pub)} (to encrypt cookie replies).
 *
 * <p>Immutable until {@link #destroy()} and thread-safe. It holds its own copy of the private
 * key, so the caller may destroy the {@link PrivateKey} it passed in. When the device's private
 * key changes, build a new identity and hand it to every {@link Handshake} and a new
 * {@link CookieChecker}; destroy the old one only after that (a handshake still holding a
 * destroyed identity throws {@link IllegalStateException} when it next needs the key).
 */
public final class StaticIdentity implements Destroyable {
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final byte[] publicBytes;
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private volatile boolean destroyed;

    /**
     * Derives the identity of {@code privateKey} (copied).
     *
     * @throws IllegalArgumentException if the key is all zero ("no key" in UAPI)
     */
    public StaticIdentity(PrivateKey privateKey) {
        if (privateKey.isZero()) {
            throw new IllegalArgumentException("the all-zero private key means 'no key' and has no identity");
        }
        this.privateKey = PrivateKey.fromBytes(privateKey.rawBytes());
        this.publicKey = this.privateKey.publicKey();
        this.publicBytes = publicKey.toBytes();
        this.mac1Key = Blake2s.hash(Protocol.LABEL_MAC1, publicBytes);
        this.cookieKey = Blake2s.hash(Protocol.LABEL_COOKIE, publicBytes);
    }

    /** Our public key. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** Our private key (this identity's copy; do not destroy it, destroy the identity). */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** Raw private key bytes, shared: callers in this package must not modify or retain them. */
    byte[] privateBytes() {
        return privateKey.rawBytes();
    }

    /** Raw public key bytes, shared: must not be modified. */
    byte[] publicBytes() {
        return publicBytes;
    }

    /** {@code HASH(LABEL_MAC1 || our pub)}, shared: must not be modified. */
    byte[] mac1Key() {
        checkLive();
        return mac1Key;
    }

    /** {@code HASH(LABEL_COOKIE || our pub)}, shared: must not be modified. */
    byte[] cookieKey() {
        checkLive();
        return cookieKey;
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("static identity was destroyed");
        }
    }

    /** Zeroes the private key and derived keys; any later use throws. */
    @Override
    public void destroy() {
        destroyed = true;
        privateKey.destroy();
        Arrays.fill(mac1Key, (byte) 0);
        Arrays.fill(cookieKey, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Shows only the public key. */
    @Override
    public String toString() {
        return destroyed ? "StaticIdentity(destroyed)" : "StaticIdentity(public " + publicKey + ")";
    }
}
