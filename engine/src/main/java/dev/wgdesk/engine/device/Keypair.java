package dev.wgdesk.engine.device;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.noise.SessionKeys;
import dev.wgdesk.engine.replay.ReplayWindow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One transport session: the two ChaCha20-Poly1305 keys from a completed handshake, the send
 * counter, and the receive replay window.
 *
 * <p>Threading: {@link #nextNonce()} is atomic and called in packet order by the single thread
 * that stages a peer's packets; {@link #replay} is used only by the inbound sequencer, one
 * packet at a time.
 *
 * <p><b>Lifetime: reference counts, as the kernel's {@code noise_keypair} has.</b> The keys are
 * zeroed in place, and crypto workers read them without a lock, so zeroing must wait until no
 * packet can still be sealed or opened under them. A keypair starts with one reference, its
 * owner's (the peer's previous/current/next slot). Every packet that will be sealed or opened
 * under it takes a reference with {@link #acquire()} before it is handed to the crypto stage
 * ({@link Peer#sendStaged()} for outbound packets, the receive path's classification for inbound
 * ones) and gives it back when the packet returns to its {@link PacketPool}, whichever way it
 * goes there (sent, dropped, or flushed when a pipeline stops); while {@link Packet#keypair} is
 * set, the packet holds a reference. {@link #destroy()} marks the keypair dead and drops the
 * owner's reference; the keys are zeroed by whoever drops the last reference, so at once when
 * nothing is in flight. Once dead, {@link #acquire()} fails, so no new packet starts using it,
 * and a dead keypair neither sends nor receives. The count and the dead mark are one atomic int
 * (the mark is the sign bit), so acquire-versus-destroy has no window: an acquire either happens
 * before the mark, and its packet delays the zeroing, or it fails. Acquiring and releasing are
 * one atomic update each and allocate nothing. The atomic updates order the workers' reads of
 * the keys before the zeroing.
 */
final class Keypair {
    /** Sign bit of {@link #refs}: the keypair was destroyed and takes no new references. */
    private static final int DEAD = Integer.MIN_VALUE;

    final Peer peer;
    final SessionKeys keys;
    final boolean initiator;
    final int localIndex;
    final int remoteIndex;
    final long createdNanos;
    private final AtomicLong sendNonce = new AtomicLong();
    /** Guarded by the inbound sequencer (single thread). */
    final ReplayWindow replay = new ReplayWindow();
    /** The reference count (low 31 bits) and {@link #DEAD}; starts with the owner's reference. */
    private final AtomicInteger refs = new AtomicInteger(1);

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
        if (isDestroyed()) {
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
        return !isDestroyed()
                && now - createdNanos < Protocol.REJECT_AFTER_TIME_NANOS
                && Long.compareUnsigned(sendNonce.get(), Protocol.REJECT_AFTER_MESSAGES) < 0;
    }

    /** True while received packets under this keypair may be accepted (age only; counter per packet). */
    boolean canReceive(long now) {
        return !isDestroyed() && now - createdNanos < Protocol.REJECT_AFTER_TIME_NANOS;
    }

    /** Makes the keypair unusable for sending (after a private key change): a new handshake follows. */
    void expireForSending() {
        sendNonce.set(Protocol.REJECT_AFTER_MESSAGES);
    }

    /**
     * Takes a reference for one packet that will be sealed or opened under this keypair; the
     * packet gives it back through {@link #release()}. False once the keypair was destroyed: the
     * packet must not use it.
     */
    boolean acquire() {
        while (true) {
            int r = refs.get();
            if (r < 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Gives back a reference from {@link #acquire()}; the last one after {@link #destroy()} zeroes the keys. */
    void release() {
        int r = refs.decrementAndGet();
        assert r != 0 && r != Integer.MAX_VALUE : "keypair released more often than acquired";
        if (r == DEAD) {
            keys.destroy();
        }
    }

    /** True once {@link #destroy()} was called (the keys may live on until the last packet lets go). */
    boolean isDestroyed() {
        return refs.get() < 0;
    }

    /** References held, not counting the owner's (for tests). */
    int packetReferences() {
        int r = refs.get();
        return r < 0 ? r & ~DEAD : r - 1;
    }

    /**
     * The owner retires the keypair: no packet may start using it any more, and its keys are
     * zeroed as soon as no packet is using them (at once if none is). Idempotent.
     */
    void destroy() {
        sendNonce.set(Protocol.REJECT_AFTER_MESSAGES);
        while (true) {
            int r = refs.get();
            if (r < 0) {
                return;
            }
            int dead = (r - 1) | DEAD;
            if (refs.compareAndSet(r, dead)) {
                if (dead == DEAD) {
                    keys.destroy();
                }
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "Keypair(local " + Integer.toUnsignedString(localIndex) + ", " + (initiator ? "initiator" : "responder") + ")";
    }
}
