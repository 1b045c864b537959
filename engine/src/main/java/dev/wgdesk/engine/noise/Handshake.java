package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.crypto.X25519;
import dev.wgdesk.engine.noise.HandshakeResult.Reason;
import dev.wgdesk.engine.time.Clock;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
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

    private static final int KEY = Protocol.KEY_LENGTH;
    private static final byte[] EMPTY = new byte[0];

    /* Immutable after construction. */
    private final PublicKey remoteStatic;
    private final byte[] remoteStaticBytes;
    private final Clock clock;
    private final SecureRandom random;

    /* Everything below is guarded by this object's lock. */
    private StaticIdentity identity;
    private final byte[] presharedKey = new byte[KEY];
    /** DH(our static, peer static); meaningful only if {@link #staticStaticValid}. */
    private final byte[] precomputedStaticStatic = new byte[KEY];
    private boolean staticStaticValid;
    /**
     * Whether the static-static DH was computed for the current identity. It is computed on first
     * use ({@link #canHandshake()}), not when the peer or key is set: one X25519 per peer made
     * configuring 10,000 peers take seconds (bench/footprint.sh), and most peers of a large
     * interface may never handshake.
     */
    private boolean staticStaticComputed;

    private State state = State.ZEROED;
    private final NoiseCore core = new NoiseCore();
    private final byte[] localEphemeralPrivate = new byte[KEY];
    private final byte[] remoteEphemeral = new byte[KEY];
    private int localIndex;
    private int remoteIndex;
    /** Survives {@link #clear()}, as in the kernel: replay protection spans handshakes. */
    private Tai64n latestTimestamp = Tai64n.ZERO;
    private long lastInitiationConsumed = Long.MIN_VALUE;
    private boolean destroyed;

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
        this.remoteStatic = Objects.requireNonNull(remoteStatic, "remoteStatic");
        this.remoteStaticBytes = remoteStatic.toBytes();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        setPresharedKey(presharedKey);
        setStaticIdentity(identity);
    }

    /** The peer's static public key. */
    public PublicKey remoteStatic() {
        return remoteStatic;
    }

    /**
     * Replaces our static identity ({@code null}: no private key), forgets the static-static DH
     * (computed again on first use) and clears any handshake in progress. The replay timestamp and flood time are kept.
     */
    public synchronized void setStaticIdentity(StaticIdentity identity) {
        if (destroyed) {
            return;
        }
        this.identity = identity;
        Arrays.fill(precomputedStaticStatic, (byte) 0);
        staticStaticValid = false;
        staticStaticComputed = false;
        changeState(State.ZEROED);
    }

    /** Replaces the preshared key (copied); takes effect for the next handshake message. */
    public synchronized void setPresharedKey(PresharedKey presharedKey) {
        if (destroyed) {
            return;
        }
        System.arraycopy(Objects.requireNonNull(presharedKey, "presharedKey").rawBytes(), 0,
                this.presharedKey, 0, KEY);
    }

    /**
     * True if a handshake with this peer is possible: we have a static identity and the
     * static-static DH is not zero (the peer's key is not a low-order point).
     */
    public synchronized boolean canHandshake() {
        if (identity == null) {
            return false;
        }
        if (!staticStaticComputed) {
            staticStaticComputed = true;
            staticStaticValid = X25519.sharedSecret(identity.privateBytes(), remoteStaticBytes, precomputedStaticStatic);
            if (!staticStaticValid) {
                Arrays.fill(precomputedStaticStatic, (byte) 0);
            }
        }
        return staticStaticValid;
    }

    /**
     * Creates a handshake initiation with a fresh ephemeral key and the current timestamp and
     * writes its 148 bytes to {@code out[off, off+148)}, mac1 and mac2 zeroed. State becomes
     * {@link State#INITIATION_CREATED}, replacing any handshake in progress.
     *
     * @param localIndex our sender index for this handshake, chosen by the device
     * @return false (nothing written, state unchanged) if {@link #canHandshake()} is false
     */
    public synchronized boolean createInitiation(int localIndex, byte[] out, int off) {
        Objects.checkFromIndexSize(off, Protocol.MESSAGE_INITIATION_SIZE, out.length);
        if (!canHandshake()) {
            return false;
        }
        byte[] ephemeralPublic = new byte[KEY];
        byte[] timestamp = Tai64n.now(clock).toBytes();
        NoiseCore next = new NoiseCore();
        byte[] ephemeralPrivate = new byte[KEY];
        try {
            X25519.generatePrivateKey(random, ephemeralPrivate);
            X25519.publicKey(ephemeralPrivate, ephemeralPublic);
            next.initializeWireGuard(remoteStaticBytes, 0);
            NoiseCore.Status st = next.writeMessage1(identity.publicBytes(), precomputedStaticStatic,
                    ephemeralPrivate, ephemeralPublic, remoteStaticBytes, timestamp, Tai64n.LENGTH,
                    out, off + Messages.INITIATION_EPHEMERAL);
            if (st != NoiseCore.Status.OK) {
                // Impossible while the static-static DH is non-zero; keep the contract anyway.
                Arrays.fill(out, off, off + Protocol.MESSAGE_INITIATION_SIZE, (byte) 0);
                return false;
            }
            Messages.writeU32(out, off + Messages.TYPE_OFFSET, Protocol.MESSAGE_INITIATION_TYPE);
            Messages.writeU32(out, off + Messages.INITIATION_SENDER, localIndex);
            Arrays.fill(out, off + Messages.INITIATION_MAC1, off + Protocol.MESSAGE_INITIATION_SIZE, (byte) 0);

            changeState(State.INITIATION_CREATED);
            core.copyFrom(next);
            System.arraycopy(ephemeralPrivate, 0, localEphemeralPrivate, 0, KEY);
            this.localIndex = localIndex;
            return true;
        } finally {
            next.zero();
            Arrays.fill(ephemeralPrivate, (byte) 0);
        }
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
        if (identity == null || identity.isDestroyed()) {
            return HandshakeResult.rejected(Reason.NO_IDENTITY);
        }
        if (!Messages.isValid(Protocol.MESSAGE_INITIATION_TYPE, msg, off, len)) {
            return HandshakeResult.rejected(Reason.MALFORMED);
        }
        int body = off + Messages.INITIATION_EPHEMERAL;
        NoiseCore next = new NoiseCore();
        byte[] ephemeral = new byte[KEY];
        byte[] initiatorStatic = new byte[KEY];
        byte[] timestamp = new byte[Tai64n.LENGTH];
        try {
            next.initializeWireGuard(identity.publicBytes(), 0);
            NoiseCore.Status st = next.readMessage1Static(identity.privateBytes(), msg, body, ephemeral, initiatorStatic);
            if (st != NoiseCore.Status.OK) {
                return HandshakeResult.rejected(reasonOf(st));
            }
            PublicKey initiator = PublicKey.fromBytes(initiatorStatic);
            Handshake peer = lookup.apply(initiator);
            if (peer == null || !peer.remoteStatic.equals(initiator)) {
                return HandshakeResult.rejected(Reason.UNKNOWN_PEER);
            }
            synchronized (peer) {
                if (!peer.canHandshake()) {
                    return HandshakeResult.rejected(Reason.PEER_CANNOT_HANDSHAKE);
                }
                st = next.readMessage1Payload(peer.precomputedStaticStatic, msg, body, Tai64n.LENGTH, timestamp);
                if (st != NoiseCore.Status.OK) {
                    return HandshakeResult.rejected(reasonOf(st));
                }
                Tai64n t = Tai64n.fromBytes(timestamp, 0);
                if (!t.isAfter(peer.latestTimestamp)) {
                    return HandshakeResult.rejected(Reason.REPLAYED_TIMESTAMP);
                }
                long now = peer.clock.nanoTime();
                if (peer.lastInitiationConsumed != Long.MIN_VALUE
                        && now - peer.lastInitiationConsumed <= Protocol.HANDSHAKE_INITIATION_RATE_NANOS) {
                    return HandshakeResult.rejected(Reason.FLOOD);
                }
                // Every check passed: commit.
                peer.changeState(State.INITIATION_CONSUMED);
                peer.core.copyFrom(next);
                System.arraycopy(ephemeral, 0, peer.remoteEphemeral, 0, KEY);
                peer.remoteIndex = Messages.senderIndex(msg, off);
                peer.latestTimestamp = t;
                peer.lastInitiationConsumed = now;
                return HandshakeResult.accepted(peer);
            }
        } finally {
            next.zero();
            Arrays.fill(timestamp, (byte) 0);
        }
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
    public synchronized boolean createResponse(int localIndex, byte[] out, int off) {
        Objects.checkFromIndexSize(off, Protocol.MESSAGE_RESPONSE_SIZE, out.length);
        if (state != State.INITIATION_CONSUMED || !canHandshake()) {
            return false;
        }
        byte[] ephemeralPrivate = new byte[KEY];
        byte[] ephemeralPublic = new byte[KEY];
        byte[] scratch = new byte[Protocol.MESSAGE_RESPONSE_SIZE];
        NoiseCore next = new NoiseCore();
        try {
            X25519.generatePrivateKey(random, ephemeralPrivate);
            X25519.publicKey(ephemeralPrivate, ephemeralPublic);
            next.copyFrom(core);
            NoiseCore.Status st = next.writeMessage2(ephemeralPrivate, ephemeralPublic, remoteEphemeral,
                    remoteStaticBytes, presharedKey, EMPTY, 0, scratch, Messages.RESPONSE_EPHEMERAL);
            if (st != NoiseCore.Status.OK) {
                return false;
            }
            Messages.writeU32(scratch, Messages.TYPE_OFFSET, Protocol.MESSAGE_RESPONSE_TYPE);
            Messages.writeU32(scratch, Messages.RESPONSE_SENDER, localIndex);
            Messages.writeU32(scratch, Messages.RESPONSE_RECEIVER, remoteIndex);
            System.arraycopy(scratch, 0, out, off, Protocol.MESSAGE_RESPONSE_SIZE);

            changeState(State.RESPONSE_CREATED);
            core.copyFrom(next);
            this.localIndex = localIndex;
            return true;
        } finally {
            next.zero();
            Arrays.fill(ephemeralPrivate, (byte) 0);
        }
    }

    /**
     * Consumes a handshake response (mac1 already checked). Accepted only in
     * {@link State#INITIATION_CREATED} and only if the receiver index is our initiation's
     * {@link #localIndex()}; on acceptance the state is {@link State#RESPONSE_CONSUMED} with
     * {@link #remoteIndex()} set; call {@link #beginSession()} next. A rejected response changes
     * nothing.
     */
    public synchronized HandshakeResult consumeResponse(byte[] msg, int off, int len) {
        if (!Messages.isValid(Protocol.MESSAGE_RESPONSE_TYPE, msg, off, len)) {
            return HandshakeResult.rejected(Reason.MALFORMED);
        }
        if (state != State.INITIATION_CREATED) {
            return HandshakeResult.rejected(Reason.WRONG_STATE);
        }
        if (Messages.readU32(msg, off + Messages.RESPONSE_RECEIVER) != localIndex) {
            return HandshakeResult.rejected(Reason.WRONG_INDEX);
        }
        if (!canHandshake()) {
            return HandshakeResult.rejected(Reason.PEER_CANNOT_HANDSHAKE);
        }
        NoiseCore next = new NoiseCore();
        byte[] ephemeral = new byte[KEY];
        try {
            next.copyFrom(core);
            NoiseCore.Status st = next.readMessage2(localEphemeralPrivate, identity.privateBytes(), presharedKey,
                    msg, off + Messages.RESPONSE_EPHEMERAL, 0, ephemeral, EMPTY);
            if (st != NoiseCore.Status.OK) {
                return HandshakeResult.rejected(reasonOf(st));
            }
            changeState(State.RESPONSE_CONSUMED);
            core.copyFrom(next);
            System.arraycopy(ephemeral, 0, remoteEphemeral, 0, KEY);
            remoteIndex = Messages.senderIndex(msg, off);
            return HandshakeResult.accepted(this);
        } finally {
            next.zero();
        }
    }

    /**
     * Derives the transport keys of a completed handshake and zeroes the chaining key, hash and
     * ephemeral keys; state becomes {@link State#ZEROED}.
     *
     * @return the session keys, or {@code null} if the state is neither
     *     {@link State#RESPONSE_CREATED} nor {@link State#RESPONSE_CONSUMED} (a concurrent
     *     message replaced the handshake)
     */
    public synchronized SessionKeys beginSession() {
        boolean initiator;
        if (state == State.RESPONSE_CONSUMED) {
            initiator = true;
        } else if (state == State.RESPONSE_CREATED) {
            initiator = false;
        } else {
            return null;
        }
        byte[] t1 = new byte[KEY];
        byte[] t2 = new byte[KEY];
        core.split(t1, t2);
        SessionKeys keys = initiator
                ? new SessionKeys(t1, t2, localIndex, remoteIndex, true)
                : new SessionKeys(t2, t1, localIndex, remoteIndex, false);
        changeState(State.ZEROED);
        return keys;
    }

    /** Zeroes all in-flight handshake state (state becomes {@link State#ZEROED}). */
    public synchronized void clear() {
        changeState(State.ZEROED);
    }

    /**
     * For peer removal: clears the handshake and also zeroes the preshared key and the
     * precomputed static-static DH. Afterwards the handshake can never initiate or accept, and
     * {@link #setStaticIdentity} and {@link #setPresharedKey} are ignored.
     */
    public synchronized void destroy() {
        changeState(State.ZEROED);
        Arrays.fill(presharedKey, (byte) 0);
        Arrays.fill(precomputedStaticStatic, (byte) 0);
        staticStaticValid = false;
        staticStaticComputed = true; // nothing left to compute: identity is null from now on
        identity = null;
        destroyed = true;
    }

    /** The current state. */
    public synchronized State state() {
        return state;
    }

    /** Our index for the in-flight handshake; meaningless in {@link State#ZEROED}. */
    public synchronized int localIndex() {
        return localIndex;
    }

    /** The peer's index from its last consumed initiation or response. */
    public synchronized int remoteIndex() {
        return remoteIndex;
    }

    /** The latest accepted initiation timestamp of this peer ({@link Tai64n#ZERO} if none). */
    public synchronized Tai64n latestTimestamp() {
        return latestTimestamp;
    }

    /**
     * {@link Clock#nanoTime()} when the last initiation from this peer was accepted, or
     * {@link Long#MIN_VALUE} if none has been.
     */
    public synchronized long lastInitiationConsumedNanos() {
        return lastInitiationConsumed;
    }

    /**
     * The single transition function. Allowed: anything to ZEROED, INITIATION_CREATED or
     * INITIATION_CONSUMED (a new handshake replaces the old one); INITIATION_CONSUMED to
     * RESPONSE_CREATED; INITIATION_CREATED to RESPONSE_CONSUMED. Entering ZEROED zeroes the
     * chaining key, hash, ephemeral keys and remote index; leaving for a new handshake zeroes
     * the old ephemeral keys. Callers hold the lock.
     */
    private void changeState(State want) {
        boolean allowed = switch (want) {
            case ZEROED, INITIATION_CREATED, INITIATION_CONSUMED -> true;
            case RESPONSE_CREATED -> state == State.INITIATION_CONSUMED;
            case RESPONSE_CONSUMED -> state == State.INITIATION_CREATED;
        };
        if (!allowed) {
            throw new IllegalStateException("handshake cannot go from " + state + " to " + want);
        }
        switch (want) {
            case ZEROED -> {
                core.zero();
                Arrays.fill(localEphemeralPrivate, (byte) 0);
                Arrays.fill(remoteEphemeral, (byte) 0);
                remoteIndex = 0;
            }
            case INITIATION_CREATED, INITIATION_CONSUMED -> {
                core.zero();
                Arrays.fill(localEphemeralPrivate, (byte) 0);
                Arrays.fill(remoteEphemeral, (byte) 0);
            }
            case RESPONSE_CREATED, RESPONSE_CONSUMED -> {
                Arrays.fill(localEphemeralPrivate, (byte) 0);
            }
        }
        state = want;
    }

    private static Reason reasonOf(NoiseCore.Status st) {
        return st == NoiseCore.Status.LOW_ORDER ? Reason.LOW_ORDER_KEY : Reason.DECRYPTION_FAILED;
    }

    /** Peer public key and state; never key material. */
    @Override
    public synchronized String toString() {
        return "Handshake(peer " + remoteStatic + ", " + (destroyed ? "destroyed" : state) + ")";
    }
}
