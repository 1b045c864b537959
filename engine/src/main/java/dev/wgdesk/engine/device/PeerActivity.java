package dev.wgdesk.engine.device;

/**
 * What one peer's traffic looked like recently, for {@link Diagnosis}: handshakes tried and
 * answered, responses that failed to authenticate, when data last went each way, send errors and
 * the endpoint's name resolution. Written by the packet threads with plain volatile stores of
 * primitives (no allocation on the data path: a string is stored only when a send fails or a
 * resolution is recorded); read by {@link Device#snapshot()}. Times are the device clock's
 * {@code nanoTime}, {@link #NEVER} when it has not happened. Nothing here affects the protocol.
 */
final class PeerActivity {
    /** "Has not happened": no monotonic time the clock returns is this small. */
    static final long NEVER = Long.MIN_VALUE;

    /** Initiations sent since a handshake last completed (or the peer last reached us). */
    volatile int initiationsSinceResponse;
    volatile long initiationsSent;
    volatile long firstUnansweredInitiationNanos = NEVER;
    volatile long lastInitiationNanos = NEVER;
    /** Handshake responses addressed to one of our handshakes whose mac1 or AEAD failed. */
    volatile long badResponses;
    volatile long lastBadResponseNanos = NEVER;
    /** A handshake completed (either role), monotonic. */
    volatile long lastHandshakeNanos = NEVER;
    /** Any authenticated packet from the peer: handshake, keepalive or data. */
    volatile long lastReceivedNanos = NEVER;
    volatile long lastDataReceivedNanos = NEVER;
    volatile long lastDataSentNanos = NEVER;
    /** First data packet sent since data last came back; NEVER once data came back. */
    volatile long unansweredDataSinceNanos = NEVER;
    volatile long sendErrors;
    volatile long lastSendErrorNanos = NEVER;
    volatile String lastSendError;
    volatile long lastSendOkNanos = NEVER;
    volatile EndpointResolution resolution;

    /* ---------- recorders (called on the packet threads) ---------- */

    void initiationSent(long now) {
        if (initiationsSinceResponse == 0) {
            firstUnansweredInitiationNanos = now;
        }
        initiationsSinceResponse++; // single writer: the handshake-send lock is held
        initiationsSent++;
        lastInitiationNanos = now;
    }

    /** The peer reached us: a response we accepted, or an initiation from it. */
    void handshakeAnswered(long now) {
        initiationsSinceResponse = 0;
        firstUnansweredInitiationNanos = NEVER;
        lastReceivedNanos = now;
    }

    void handshakeCompleted(long now) {
        lastHandshakeNanos = now;
    }

    void badResponse(long now) {
        badResponses++; // the handshake thread is the only writer
        lastBadResponseNanos = now;
    }

    /** An authenticated transport packet came in; {@code data} false for a keepalive. */
    void received(long now, boolean data) {
        lastReceivedNanos = now;
        if (data) {
            lastDataReceivedNanos = now;
            if (unansweredDataSinceNanos != NEVER) {
                unansweredDataSinceNanos = NEVER;
            }
        }
    }

    /** Packets went out; {@code data} true if at least one carried data (not only keepalives). */
    void sent(long now, boolean data) {
        lastSendOkNanos = now;
        if (data) {
            lastDataSentNanos = now;
            if (unansweredDataSinceNanos == NEVER) {
                unansweredDataSinceNanos = now;
            }
        }
    }

    void sendFailed(long now, String error) {
        sendErrors++;
        lastSendErrorNanos = now;
        lastSendError = error;
    }
}
