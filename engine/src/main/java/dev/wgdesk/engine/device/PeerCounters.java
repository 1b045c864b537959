package dev.wgdesk.engine.device;

/**
 * The activity counters of one peer at the moment of a snapshot, which {@link Diagnosis} turns
 * into a code and a message. Monotonic times are the device clock's {@code nanoTime} (compare them
 * with {@link #atNanos}); {@link #NEVER} means "has not happened".
 *
 * @param atNanos                         when the snapshot was taken
 * @param sessionUp                       a current session exists and can still receive
 * @param initiationsSinceResponse        handshake initiations sent since the peer last answered one
 *                                        (or initiated itself)
 * @param initiationsSent                 handshake initiations sent in all
 * @param firstUnansweredInitiationNanos  the first of the unanswered initiations
 * @param lastInitiationNanos             the latest initiation sent
 * @param badResponses                    handshake responses addressed to one of our handshakes
 *                                        that failed to authenticate (mac1 or AEAD), in all
 * @param lastBadResponseNanos            the latest such response
 * @param lastHandshakeNanos              the latest completed handshake (either role)
 * @param lastReceivedNanos               the latest authenticated packet of any kind from the peer
 * @param lastDataReceivedNanos           the latest data packet (not a keepalive) from the peer
 * @param lastDataSentNanos               the latest data packet (not a keepalive) sent to it
 * @param unansweredDataSinceNanos        the first data packet sent since data last came back
 * @param sendErrors                      sends to this peer that failed, in all
 * @param lastSendErrorNanos              the latest failed send
 * @param lastSendError                   the operating system's error of that send, or null
 * @param lastSendOkNanos                 the latest send that succeeded
 * @param resolution                      the endpoint host name's resolution, or null if not a name
 *                                        (or nobody recorded it)
 */
public record PeerCounters(
        long atNanos,
        boolean sessionUp,
        int initiationsSinceResponse,
        long initiationsSent,
        long firstUnansweredInitiationNanos,
        long lastInitiationNanos,
        long badResponses,
        long lastBadResponseNanos,
        long lastHandshakeNanos,
        long lastReceivedNanos,
        long lastDataReceivedNanos,
        long lastDataSentNanos,
        long unansweredDataSinceNanos,
        long sendErrors,
        long lastSendErrorNanos,
        String lastSendError,
        long lastSendOkNanos,
        EndpointResolution resolution) {
    /** "Has not happened". */
    public static final long NEVER = PeerActivity.NEVER;

    /** Counters of a peer that has done nothing yet, at {@code atNanos}. */
    public static PeerCounters idle(long atNanos) {
        return new PeerCounters(atNanos, false, 0, 0, NEVER, NEVER, 0, NEVER, NEVER, NEVER, NEVER, NEVER, NEVER,
                0, NEVER, null, NEVER, null);
    }
}
