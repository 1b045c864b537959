package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.time.Clock;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * The Noise_IKpsk2 handshake state for one peer (whitepaper section 5.4), with WireGuard's
 * framing: 148-byte initiations carrying a TAI64N timestamp and 92-byte responses with an empty
 * payload. One instance per peer, created when the peer is configured.
 *
 * <h2>States</h2>
 * <pre>
 *            createInitiation                  consumeResponse
 *   ZEROED ─────────────────▶ INITIATION_CREATED ────────────────▶ RESPONSE_CONSUMED ─┐
 *     ▲  │ consumeInitiation                                                          │
 *     │  └──────────────────▶ INITIATION_CONSUMED ───────────────▶ RESPONSE_CREATED ──┤
 *     │                                          createResponse                       │
 *     └──────────────────────── beginSession / clear ◀────────────────────────────────┘
 * </pre>
 * A new initiation (created or consumed) may replace the state at any point, as in the kernel
 * and wireguard-go. All transitions go through one private method.
 *
 * <h2>Indices</h2>
 * The device chooses local indices (its index table) and passes them in; this class only
 * remembers them. {@link #localIndex()} is the index of the current in-flight handshake, so the
 * device can remove the old index from its table before creating a new initiation or response.
 *
 * <h2>mac1 / mac2</h2>
 * Created messages have mac1 and mac2 zeroed; the device fills them with the peer's
 * {@link CookieGenerator#addMacs}. Received messages must pass {@link CookieChecker#checkMac1}
 * (and under load {@link CookieChecker#checkMac2}) <em>before</em> they are consumed here.
 *
 * <h2>Thread safety</h2>
 * Thread-safe: every method that reads or changes the handshake state holds this object's lock
 * for its whole duration, so check-then-commit steps (replay and flood checks, the state check of
 * a response) are atomic. The remote static key is immutable; the static identity and preshared
 * key can be replaced with {@link #setStaticIdentity} and {@link #setPresharedKey}.
 */
public final class Handshake {
    /** Handshake states, in the kernel's order. */
    public enum State {
        ZEROED, INITIATION_CREATED, INITIATION_CONSUMED, RESPONSE_CREATED, RESPONSE_CONSUMED
    }

    /**
     * Creates the handshake state for a peer.
     *
     * @param identity our static identity, or {@code null} while the device has no private key
     * @param remoteStatic the peer's static public key
     * @param presharedKey the peer's preshared key ({@link PresharedKey#none()} for none);
     *     copied
     * @param clock wall time for timestamps, monotonic time for the flood check
     * @param random source of ephemeral keys
     */
    public Handshake(StaticIdentity identity, PublicKey remoteStatic, PresharedKey presharedKey,
                     Clock clock, SecureRandom random) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The peer's static public key. */
    public PublicKey remoteStatic() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Replaces our static identity ({@code null}: no private key), recomputes the static-static
     * DH and clears any handshake in progress. The replay timestamp and flood time are kept.
     */
    public void setStaticIdentity(StaticIdentity identity) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Replaces the preshared key (copied); takes effect for the next handshake message. */
    public void setPresharedKey(PresharedKey presharedKey) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * True if a handshake with this peer is possible: we have a static identity and the
     * static-static DH is not zero (the peer's key is not a low-order point).
     */
    public boolean canHandshake() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Creates a handshake initiation with a fresh ephemeral key and the current timestamp and
     * writes its 148 bytes to {@code out[off, off+148)}, mac1 and mac2 zeroed. State becomes
     * {@link State#INITIATION_CREATED}, replacing any handshake in progress.
     *
     * @param localIndex our sender index for this handshake, chosen by the device
     * @return false (nothing written, state unchanged) if {@link #canHandshake()} is false
     */
    public boolean createInitiation(int localIndex, byte[] out, int off) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Consumes a handshake initiation addressed to us (mac1 already checked). Decrypts the
     * initiator's static key, finds its handshake with {@code lookup}, decrypts the timestamp
     * and, before committing any state, rejects a timestamp not strictly later than the last
     * accepted one and an initiation within {@code Protocol.HANDSHAKE_INITIATION_RATE_NANOS} of
     * the last accepted one. On acceptance the peer's handshake is in
     * {@link State#INITIATION_CONSUMED} with {@link #remoteIndex()} set to the message's sender
     * index; the caller then normally calls {@link #createResponse}.
     *
     * @param identity our static identity
     * @param msg buffer holding the message at {@code off}
     * @param len message length; anything but a 148-byte type-1 message is rejected
     * @param lookup maps a static public key to that peer's handshake, or {@code null} if no
     *     such peer is configured
     */
    public static HandshakeResult consumeInitiation(StaticIdentity identity, byte[] msg, int off, int len,
                                                    Function<PublicKey, Handshake> lookup) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Creates the response to the initiation consumed last and writes its 92 bytes to
     * {@code out[off, off+92)}, mac1 and mac2 zeroed. State becomes
     * {@link State#RESPONSE_CREATED}; call {@link #beginSession()} next.
     *
     * @param localIndex our sender index for the new session, chosen by the device
     * @return false (nothing written) if the state is not {@link State#INITIATION_CONSUMED} or a
     *     DH result is zero
     */
    public boolean createResponse(int localIndex, byte[] out, int off) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Consumes a handshake response (mac1 already checked). Accepted only in
     * {@link State#INITIATION_CREATED} and only if the receiver index is our initiation's
     * {@link #localIndex()}; on acceptance the state is {@link State#RESPONSE_CONSUMED} with
     * {@link #remoteIndex()} set; call {@link #beginSession()} next. A rejected response changes
     * nothing.
     */
    public HandshakeResult consumeResponse(byte[] msg, int off, int len) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Derives the transport keys of a completed handshake and zeroes the chaining key, hash and
     * ephemeral keys; state becomes {@link State#ZEROED}.
     *
     * @return the session keys, or {@code null} if the state is neither
     *     {@link State#RESPONSE_CREATED} nor {@link State#RESPONSE_CONSUMED} (a concurrent
     *     message replaced the handshake)
     */
    public SessionKeys beginSession() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Zeroes all in-flight handshake state (state becomes {@link State#ZEROED}). */
    public void clear() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The current state. */
    public State state() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Our index for the in-flight handshake; meaningless in {@link State#ZEROED}. */
    public int localIndex() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The peer's index from its last consumed initiation or response. */
    public int remoteIndex() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The latest accepted initiation timestamp of this peer ({@link Tai64n#ZERO} if none). */
    public Tai64n latestTimestamp() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * {@link Clock#nanoTime()} when the last initiation from this peer was accepted, or
     * {@link Long#MIN_VALUE} if none has been.
     */
    public long lastInitiationConsumedNanos() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Peer public key and state; never key material. */
    @Override
    public String toString() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
