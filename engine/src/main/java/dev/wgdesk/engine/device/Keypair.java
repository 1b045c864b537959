package dev.wgdesk.engine.device;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.noise.SessionKeys;
import dev.wgdesk.engine.replay.ReplayWindow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One transport session: the two ChaCha20-Poly1305 keys from a completed handshake, the send
 * counter, and the receive replay window.
 *
 * <p>Threading: {@link #nextNonce()} is atomic and called in packet order by the single thread
 * that stages a peer's packets; {@link #replay} is used only by the inbound sequencer, one
 * packet at a time. {@link #destroy()} zeroes the keys; a destroyed keypair refuses to seal.
 */
final class Keypair {
    final Peer peer;
    final SessionKeys keys;
    final boolean initiator;
    final int localIndex;
    final int remoteIndex;
    final long createdNanos;
    private final AtomicLong sendNonce = new AtomicLong();
    /** Guarded by the inbound sequencer (single thread). */
    final ReplayWindow replay = new ReplayWindow();
    private volatile boolean destroyed;

    Keypair(Peer peer, SessionKeys keys, long createdNanos) {
        this.peer = peer;
        this.keys = keys;
        this.initiator = keys.isInitiator();
        this.localIndex = keys.localIndex();
        this.remoteIndex = keys.remoteIndex();
        this.createdNanos = createdNanos;
    }

    /**
     * Takes the next send counter, or returns -1 once the keypair must not send any more
     * (counter exhausted or destroyed).
     */
    long nextNonce() {
        if (destroyed) {
            return -1;
        }
        long n = sendNonce.getAndIncrement();
        if (Long.compareUnsigned(n, Protocol.REJECT_AFTER_MESSAGES) >= 0) {
            sendNonce.set(Protocol.REJECT_AFTER_MESSAGES); // keep it pinned, never wrap
            return -1;
        }
        return n;
    }

    /** The counter that the next send would use (for the rekey decision). */
    long sendCounter() {
        return sendNonce.get();
    }

    /** True while the keypair may still be used to send, by age and by counter. */
    boolean canSend(long now) {
        return !destroyed
                && now - createdNanos < Protocol.REJECT_AFTER_TIME_NANOS
                && Long.compareUnsigned(sendNonce.get(), Protocol.REJECT_AFTER_MESSAGES) < 0;
    }

    /** True while received packets under this keypair may be accepted (age only; counter per packet). */
    boolean canReceive(long now) {
        return !destroyed && now - createdNanos < Protocol.REJECT_AFTER_TIME_NANOS;
    }

    /** Makes the keypair unusable for sending (after a private key change): a new handshake follows. */
    void expireForSending() {
        sendNonce.set(Protocol.REJECT_AFTER_MESSAGES);
    }

    boolean isDestroyed() {
        return destroyed;
    }

    void destroy() {
        destroyed = true;
        sendNonce.set(Protocol.REJECT_AFTER_MESSAGES);
        keys.destroy();
    }

    @Override
    public String toString() {
        return "Keypair(local " + Integer.toUnsignedString(localIndex) + ", " + (initiator ? "initiator" : "responder") + ")";
    }
}
