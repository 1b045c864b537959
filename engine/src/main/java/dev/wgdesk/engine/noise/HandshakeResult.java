package dev.wgdesk.engine.noise;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Outcome of consuming a handshake message: either accepted, with the peer's {@link Handshake}
 * (now updated), or rejected with a typed {@link Reason}. A rejected message changed no state
 * and must be dropped silently (no reply; the device may count it).
 *
 * <p>Immutable. Rejections are shared constants, so rejecting costs no allocation.
 */
public final class HandshakeResult {
    /** Why a handshake message was dropped. */
    public enum Reason {
        /** Wrong length or type field (including non-zero reserved bytes). */
        MALFORMED,
        /** No local private key is configured. */
        NO_IDENTITY,
        /** A Diffie-Hellman result was all zero: the ephemeral (or static) key was low-order. */
        LOW_ORDER_KEY,
        /** An AEAD field did not authenticate. */
        DECRYPTION_FAILED,
        /** The initiator's static key belongs to no configured peer. */
        UNKNOWN_PEER,
        /** The peer's static-static DH is zero (low-order public key): it may never handshake. */
        PEER_CANNOT_HANDSHAKE,
        /** The initiation's timestamp is not later than the last accepted one (replay). */
        REPLAYED_TIMESTAMP,
        /** The initiation came within {@code HANDSHAKE_INITIATION_RATE} of the previous one. */
        FLOOD,
        /** A response arrived while no initiation of ours was outstanding. */
        WRONG_STATE,
        /** A response's receiver index is not our outstanding initiation's index. */
        WRONG_INDEX
    }

    private static final Map<Reason, HandshakeResult> REJECTIONS = new EnumMap<>(Reason.class);

    static {
        for (Reason r : Reason.values()) {
            REJECTIONS.put(r, new HandshakeResult(null, r));
        }
    }

    private final Handshake handshake;
    private final Reason reason;

    private HandshakeResult(Handshake handshake, Reason reason) {
        this.handshake = handshake;
        this.reason = reason;
    }

    static HandshakeResult accepted(Handshake handshake) {
        return new HandshakeResult(Objects.requireNonNull(handshake), null);
    }

    static HandshakeResult rejected(Reason reason) {
        return REJECTIONS.get(reason);
    }

    /** True if the message was accepted. */
    public boolean isAccepted() {
        return handshake != null;
    }

    /**
     * The peer's handshake, updated by the message.
     *
     * @throws IllegalStateException if the message was rejected
     */
    public Handshake handshake() {
        if (handshake == null) {
            throw new IllegalStateException("handshake message was rejected: " + reason);
        }
        return handshake;
    }

    /** Why the message was rejected, or {@code null} if it was accepted. */
    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return handshake != null ? "HandshakeResult(accepted)" : "HandshakeResult(rejected " + reason + ")";
    }
}
