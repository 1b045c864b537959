package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.Blake2s;
import dev.wgdesk.engine.crypto.ChaCha20Poly1305;
import dev.wgdesk.engine.crypto.Kdf;
import dev.wgdesk.engine.crypto.X25519;
import java.util.Arrays;

/**
 * The generic Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake (Noise specification revision 34,
 * sections 5 and 9) with the prologue and payloads as parameters, so that it can be checked
 * byte for byte against the cacophony test vectors. {@link Handshake} wraps it with WireGuard's
 * framing (prologue = IDENTIFIER, a 12-byte TAI64N payload in message 1, an empty payload in
 * message 2).
 * <pre>
 *   IKpsk2:  &lt;- s
 *            ...
 *            -&gt; e, es, s, ss          (message 1: e(32) enc_s(32+16) enc_payload(n+16))
 *            &lt;- e, ee, se, psk       (message 2: e(32) enc_payload(n+16))
 * </pre>
 * An instance is the symmetric state (chaining key {@code ck} and hash {@code h}); the cipher
 * key {@code k} is only ever used once, with nonce 0, right after it is derived, so it lives in a
 * scratch array. As in WireGuard, "e" also mixes the ephemeral into the chaining key (psk modes),
 * and the DH steps whose cipher key is never used derive only the chaining key (KDF1).
 *
 * <p>Message functions return a {@link Status} and leave the state half-updated on failure;
 * callers work on a copy and commit it only on success. Not thread-safe.
 */
final class NoiseCore {
    /** Outcome of a message step. */
    enum Status { OK, LOW_ORDER, DECRYPTION_FAILED }

    static final int KEY = Protocol.KEY_LENGTH;
    static final int TAG = Protocol.AEAD_TAG_LENGTH;

    /** {@code Ci0 = HASH(CONSTRUCTION)}: the initial chaining key (and hash). */
    private static final byte[] INITIAL_CHAIN_KEY = Blake2s.hash(Protocol.CONSTRUCTION);
    /** {@code Hi0 = HASH(Ci0 || IDENTIFIER)}: the initial hash with WireGuard's prologue. */
    private static final byte[] WIREGUARD_INITIAL_HASH = Blake2s.hash(INITIAL_CHAIN_KEY, Protocol.IDENTIFIER);

    private static final ThreadLocal<ChaCha20Poly1305> AEAD = ThreadLocal.withInitial(ChaCha20Poly1305::new);

    final byte[] chainKey = new byte[KEY];
    final byte[] hash = new byte[KEY];
    private final byte[] key = new byte[KEY];

    /** Resets to the state after the responder's static key was mixed, with any prologue. */
    void initialize(byte[] prologue, byte[] responderStatic, int rsOff) {
        System.arraycopy(INITIAL_CHAIN_KEY, 0, chainKey, 0, KEY);
        Blake2s.hashInto(hash, 0, INITIAL_CHAIN_KEY, prologue);
        mixHash(responderStatic, rsOff, KEY);
    }

    /** As {@link #initialize} with WireGuard's prologue (IDENTIFIER), from a precomputed hash. */
    void initializeWireGuard(byte[] responderStatic, int rsOff) {
        System.arraycopy(INITIAL_CHAIN_KEY, 0, chainKey, 0, KEY);
        System.arraycopy(WIREGUARD_INITIAL_HASH, 0, hash, 0, KEY);
        mixHash(responderStatic, rsOff, KEY);
    }

    void copyFrom(NoiseCore other) {
        System.arraycopy(other.chainKey, 0, chainKey, 0, KEY);
        System.arraycopy(other.hash, 0, hash, 0, KEY);
    }

    /** Zeroes chaining key, hash and scratch key. */
    void zero() {
        Arrays.fill(chainKey, (byte) 0);
        Arrays.fill(hash, (byte) 0);
        Arrays.fill(key, (byte) 0);
    }

    /* ---------- Noise operations ---------- */

    /** {@code h = HASH(h || data)}. */
    void mixHash(byte[] data, int off, int len) {
        byte[] in = Arrays.copyOfRange(data, off, off + len);
        Blake2s.hashInto(hash, 0, hash, in);
    }

    /** Token "e" in a psk handshake: {@code h = HASH(h || e.pub); ck = KDF1(ck, e.pub)}. */
    private void mixEphemeral(byte[] pub, int off) {
        byte[] e = Arrays.copyOfRange(pub, off, off + KEY);
        mixHash(e, 0, KEY);
        Kdf.kdf1(chainKey, e, chainKey);
    }

    /**
     * A DH token: {@code (ck, k) = KDF2(ck, DH(priv, pub))}, or {@code ck = KDF1(...)} when the
     * key is not needed. False, with nothing changed, if the DH result is zero.
     */
    private boolean mixDh(byte[] priv, byte[] pub, boolean needKey) {
        byte[] dh = new byte[KEY];
        try {
            if (!X25519.sharedSecret(priv, pub, dh)) {
                return false;
            }
            mixKey(dh, needKey);
            return true;
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }

    /** {@code (ck, k) = KDF2(ck, ikm)} or {@code ck = KDF1(ck, ikm)}. */
    private void mixKey(byte[] ikm, boolean needKey) {
        if (needKey) {
            Kdf.kdf2(chainKey, ikm, chainKey, key);
        } else {
            Kdf.kdf1(chainKey, ikm, chainKey);
        }
    }

    /** Token "psk": {@code (ck, tau, k) = KDF3(ck, psk); h = HASH(h || tau)}. */
    private void mixPsk(byte[] psk) {
        byte[] tau = new byte[KEY];
        Kdf.kdf3(chainKey, psk, chainKey, tau, key);
        mixHash(tau, 0, KEY);
        Arrays.fill(tau, (byte) 0);
    }

    /**
     * EncryptAndHash with the fresh key and nonce 0: seals {@code buf[off, off+len)} in place
     * (tag appended) with AD = h, then mixes the ciphertext into h.
     */
    private void encryptAndHash(byte[] buf, int off, int len) {
        AEAD.get().seal(key, 0, buf, off, len, hash);
        Arrays.fill(key, (byte) 0);
        mixHash(buf, off, len + TAG);
    }

    /**
     * DecryptAndHash with the fresh key and nonce 0 of {@code msg[off, off+len+16)} into
     * {@code plain[0, len)}, leaving {@code msg} untouched.
     */
    private boolean decryptAndHash(byte[] msg, int off, int len, byte[] plain) {
        byte[] buf = Arrays.copyOfRange(msg, off, off + len + TAG);
        boolean ok = AEAD.get().open(key, 0, buf, 0, len + TAG, hash);
        Arrays.fill(key, (byte) 0);
        if (!ok) {
            Arrays.fill(buf, (byte) 0);
            return false;
        }
        System.arraycopy(buf, 0, plain, 0, len);
        Arrays.fill(buf, (byte) 0);
        mixHash(msg, off, len + TAG);
        return true;
    }

    /** {@code (t1, t2) = KDF2(ck, empty)}: initiator-to-responder and responder-to-initiator keys. */
    void split(byte[] t1, byte[] t2) {
        Kdf.kdf2(chainKey, new byte[0], t1, t2);
    }

    /* ---------- Messages ---------- */

    /** Length of message 1 without framing, for a payload of {@code payloadLen} bytes. */
    static int message1Length(int payloadLen) {
        return KEY + KEY + TAG + payloadLen + TAG;
    }

    /** Length of message 2 without framing, for a payload of {@code payloadLen} bytes. */
    static int message2Length(int payloadLen) {
        return KEY + payloadLen + TAG;
    }

    /**
     * Initiator, message 1 ("e, es, s, ss", payload) written to {@code out[off, ...)}.
     *
     * @param ss the precomputed {@code DH(s_i, s_r)}, known to be non-zero
     */
    Status writeMessage1(byte[] localStaticPub, byte[] ss, byte[] ePriv, byte[] ePub, byte[] remoteStatic,
                         byte[] payload, int payloadLen, byte[] out, int off) {
        System.arraycopy(ePub, 0, out, off, KEY);
        mixEphemeral(ePub, 0);
        if (!mixDh(ePriv, remoteStatic, true)) {
            return Status.LOW_ORDER;
        }
        System.arraycopy(localStaticPub, 0, out, off + KEY, KEY);
        encryptAndHash(out, off + KEY, KEY);
        mixKey(ss, true);
        int p = off + KEY + KEY + TAG;
        System.arraycopy(payload, 0, out, p, payloadLen);
        encryptAndHash(out, p, payloadLen);
        return Status.OK;
    }

    /**
     * Responder, first half of message 1 ("e, es, s"): decrypts the initiator's static key into
     * {@code initiatorStatic} and copies the ephemeral into {@code remoteEphemeral}.
     */
    Status readMessage1Static(byte[] localStaticPriv, byte[] msg, int off,
                              byte[] remoteEphemeral, byte[] initiatorStatic) {
        System.arraycopy(msg, off, remoteEphemeral, 0, KEY);
        mixEphemeral(msg, off);
        if (!mixDh(localStaticPriv, remoteEphemeral, true)) {
            return Status.LOW_ORDER;
        }
        return decryptAndHash(msg, off + KEY, KEY, initiatorStatic) ? Status.OK : Status.DECRYPTION_FAILED;
    }

    /** Responder, second half of message 1 ("ss", payload) into {@code payload[0, payloadLen)}. */
    Status readMessage1Payload(byte[] ss, byte[] msg, int off, int payloadLen, byte[] payload) {
        mixKey(ss, true);
        return decryptAndHash(msg, off + KEY + KEY + TAG, payloadLen, payload) ? Status.OK : Status.DECRYPTION_FAILED;
    }

    /** Responder, message 2 ("e, ee, se, psk", payload) written to {@code out[off, ...)}. */
    Status writeMessage2(byte[] ePriv, byte[] ePub, byte[] remoteEphemeral, byte[] remoteStatic, byte[] psk,
                         byte[] payload, int payloadLen, byte[] out, int off) {
        System.arraycopy(ePub, 0, out, off, KEY);
        mixEphemeral(ePub, 0);
        if (!mixDh(ePriv, remoteEphemeral, false) || !mixDh(ePriv, remoteStatic, false)) {
            return Status.LOW_ORDER;
        }
        mixPsk(psk);
        System.arraycopy(payload, 0, out, off + KEY, payloadLen);
        encryptAndHash(out, off + KEY, payloadLen);
        return Status.OK;
    }

    /**
     * Initiator, message 2: decrypts the payload into {@code payload[0, payloadLen)} and copies
     * the responder's ephemeral into {@code remoteEphemeral}.
     */
    Status readMessage2(byte[] ePriv, byte[] localStaticPriv, byte[] psk, byte[] msg, int off,
                        int payloadLen, byte[] remoteEphemeral, byte[] payload) {
        System.arraycopy(msg, off, remoteEphemeral, 0, KEY);
        mixEphemeral(msg, off);
        if (!mixDh(ePriv, remoteEphemeral, false) || !mixDh(localStaticPriv, remoteEphemeral, false)) {
            return Status.LOW_ORDER;
        }
        mixPsk(psk);
        return decryptAndHash(msg, off + KEY, payloadLen, payload) ? Status.OK : Status.DECRYPTION_FAILED;
    }

    @Override
    public String toString() {
        return "NoiseCore";
    }
}
