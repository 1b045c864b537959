package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.Protocol.KEEPALIVE_TIMEOUT_NANOS;
import static dev.wgdesk.engine.Protocol.MAX_TIMER_HANDSHAKES;
import static dev.wgdesk.engine.Protocol.REJECT_AFTER_TIME_NANOS;
import static dev.wgdesk.engine.Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS;
import static dev.wgdesk.engine.Protocol.REKEY_TIMEOUT_NANOS;

import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.time.Timer;
import java.util.random.RandomGenerator;

/**
 * The per-peer timer state machine, following the kernel's {@code timers.c} (and wireguard-go's
 * {@code timers.go}, which is based on it): five timers and the event hooks that arm and cancel
 * them. protocol.md 1.7 tabulates every rule implemented here.
 *
 * <p>Hooks are called from packet threads; expiries run on the {@link Clock}'s timer thread.
 * All work an expiry triggers goes back through {@link Peer}.
 */
final class Timers {
    private final Peer peer;
    private final RandomGenerator random;
    private final Timer retransmitHandshake;
    private final Timer sendKeepalive;
    private final Timer newHandshake;
    private final Timer zeroKeyMaterial;
    private final Timer persistentKeepalive;

    private volatile boolean running;
    private volatile int handshakeAttempts;
    private volatile boolean needAnotherKeepalive;
    private volatile boolean sentLastMinuteHandshake;

    Timers(Peer peer, Clock clock, RandomGenerator random) {
        this.peer = peer;
        this.random = random;
        String p = peer.toString();
        retransmitHandshake = clock.newTimer(p + " retransmit-handshake", guarded("retransmit-handshake", this::expiredRetransmitHandshake));
        sendKeepalive = clock.newTimer(p + " send-keepalive", guarded("send-keepalive", this::expiredSendKeepalive));
        newHandshake = clock.newTimer(p + " new-handshake", guarded("new-handshake", this::expiredNewHandshake));
        zeroKeyMaterial = clock.newTimer(p + " zero-key-material", guarded("zero-key-material", this::expiredZeroKeyMaterial));
        persistentKeepalive = clock.newTimer(p + " persistent-keepalive", guarded("persistent-keepalive", this::expiredPersistentKeepalive));
    }

    /**
     * An expiry that cannot throw: the clock's timer thread serves every peer, so an unexpected
     * exception in one expiry is logged (rate-limited) and costs only that expiry.
     */
    private Runnable guarded(String what, Runnable expiry) {
        String stage = what + " timer";
        return () -> {
            try {
                expiry.run();
            } catch (RuntimeException e) {
                peer.device.errors.unexpected(stage, e);
            }
        };
    }

    void start() {
        handshakeAttempts = 0;
        sentLastMinuteHandshake = false;
        needAnotherKeepalive = false;
        running = true;
    }

    /**
     * Stops every timer; nothing fires after this returns (a running expiry may still finish).
     * The clock keeps no scheduled wake-up, so it no longer refers to the peer: a removed peer
     * can be collected at once rather than when its latest deadline passes.
     */
    void stop() {
        running = false;
        retransmitHandshake.release();
        sendKeepalive.release();
        newHandshake.release();
        zeroKeyMaterial.release();
        persistentKeepalive.release();
    }

    private long jitter() {
        return random.nextLong(REKEY_TIMEOUT_JITTER_MAX_NANOS + 1);
    }

    /* ---------- Expiries ---------- */

    private void expiredRetransmitHandshake() {
        if (!running) {
            return;
        }
        if (handshakeAttempts > MAX_TIMER_HANDSHAKES) {
            peer.device.log.log(System.Logger.Level.INFO, "{0}: handshake did not complete after {1} attempts, giving up"
                    + " until there is traffic for it again", peer, MAX_TIMER_HANDSHAKES + 2);
            sendKeepalive.cancel();
            peer.flushStaged();
            // Drop all key material if no new handshake starts for a while.
            if (!zeroKeyMaterial.isPending()) {
                zeroKeyMaterial.arm(REJECT_AFTER_TIME_NANOS * 3);
            }
        } else {
            handshakeAttempts++;
            // The first retry tells a user why a tunnel is not up yet; the next ones every 5 s
            // would only drown it.
            peer.device.log.log(handshakeAttempts == 1 ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
                    "{0}: handshake did not complete after {1} seconds, retrying (try {2})",
                    peer, REKEY_TIMEOUT_NANOS / 1_000_000_000L, handshakeAttempts + 1);
            peer.clearEndpointSource();
            peer.sendHandshakeInitiation(true);
        }
    }

    private void expiredSendKeepalive() {
        if (!running) {
            return;
        }
        peer.sendKeepalive();
        if (needAnotherKeepalive) {
            needAnotherKeepalive = false;
            sendKeepalive.arm(KEEPALIVE_TIMEOUT_NANOS);
        }
    }

    private void expiredNewHandshake() {
        if (!running) {
            return;
        }
        peer.device.log.log(System.Logger.Level.INFO, "{0}: retrying handshake because we stopped hearing back after {1} seconds",
                peer, (KEEPALIVE_TIMEOUT_NANOS + REKEY_TIMEOUT_NANOS) / 1_000_000_000L);
        peer.clearEndpointSource();
        peer.sendHandshakeInitiation(false);
    }

    private void expiredZeroKeyMaterial() {
        if (!running) {
            return;
        }
        peer.device.log.log(System.Logger.Level.INFO, "{0}: no new handshake for {1} seconds: session closed, keys erased",
                peer, REJECT_AFTER_TIME_NANOS * 3 / 1_000_000_000L);
        peer.zeroKeyMaterial();
    }

    private void expiredPersistentKeepalive() {
        if (!running) {
            return;
        }
        if (peer.persistentKeepaliveSeconds() > 0) {
            peer.sendKeepalive();
        }
    }

    /* ---------- Event hooks ---------- */

    /** Should be called after an authenticated data packet is sent (not a keepalive). */
    void dataSent() {
        if (running && !newHandshake.isPending()) {
            newHandshake.arm(KEEPALIVE_TIMEOUT_NANOS + REKEY_TIMEOUT_NANOS + jitter());
        }
    }

    /** Should be called after an authenticated data packet is received (not a keepalive). */
    void dataReceived() {
        if (!running) {
            return;
        }
        if (!sendKeepalive.isPending()) {
            sendKeepalive.arm(KEEPALIVE_TIMEOUT_NANOS);
        } else {
            needAnotherKeepalive = true;
        }
    }

    /** Should be called after any type of authenticated packet is sent: keepalive, data, or handshake. */
    void anyAuthenticatedPacketSent() {
        if (running) {
            sendKeepalive.cancel();
        }
    }

    /** Should be called after any type of authenticated packet is received: keepalive, data, or handshake. */
    void anyAuthenticatedPacketReceived() {
        if (running) {
            newHandshake.cancel();
        }
    }

    /** Should be called after a handshake initiation message is sent. */
    void handshakeInitiated() {
        if (running) {
            retransmitHandshake.arm(REKEY_TIMEOUT_NANOS + jitter());
        }
    }

    /**
     * Should be called after a handshake response is consumed, or after the first data packet
     * arrives on the responder's new keypair.
     */
    void handshakeComplete() {
        if (running) {
            retransmitHandshake.cancel();
        }
        handshakeAttempts = 0;
        sentLastMinuteHandshake = false;
        peer.recordHandshakeTime();
    }

    /** Should be called after a handshake response is created or consumed (a session was derived). */
    void sessionDerived() {
        if (running) {
            zeroKeyMaterial.arm(REJECT_AFTER_TIME_NANOS * 3);
        }
    }

    /** Should be called before a packet of any kind is sent and after one is received and authenticated. */
    void anyAuthenticatedPacketTraversal() {
        int pka = peer.persistentKeepaliveSeconds();
        if (running && pka > 0) {
            persistentKeepalive.arm(pka * 1_000_000_000L);
        }
    }

    /** The receive-side "last minute" rekey happens once per session; see {@link Peer#keepKeyFreshReceiving}. */
    boolean takeLastMinuteHandshake() {
        if (sentLastMinuteHandshake) {
            return false;
        }
        sentLastMinuteHandshake = true;
        return true;
    }

    void resetHandshakeAttempts() {
        handshakeAttempts = 0;
    }

    int handshakeAttempts() {
        return handshakeAttempts;
    }

    boolean isRunning() {
        return running;
    }

    boolean isRetransmitPending() {
        return retransmitHandshake.isPending();
    }

    boolean isZeroKeyMaterialPending() {
        return zeroKeyMaterial.isPending();
    }

    boolean isNewHandshakePending() {
        return newHandshake.isPending();
    }

    boolean isSendKeepalivePending() {
        return sendKeepalive.isPending();
    }
}
