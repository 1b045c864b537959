package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.Protocol.KEEPALIVE_TIMEOUT_NANOS;
import static dev.wgdesk.engine.Protocol.MAX_STAGED_PACKETS;
import static dev.wgdesk.engine.Protocol.MESSAGE_INITIATION_SIZE;
import static dev.wgdesk.engine.Protocol.REJECT_AFTER_TIME_NANOS;
import static dev.wgdesk.engine.Protocol.REKEY_AFTER_MESSAGES;
import static dev.wgdesk.engine.Protocol.REKEY_AFTER_TIME_NANOS;
import static dev.wgdesk.engine.Protocol.REKEY_TIMEOUT_NANOS;

import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.noise.CookieGenerator;
import dev.wgdesk.engine.noise.Handshake;
import dev.wgdesk.engine.noise.SessionKeys;
import dev.wgdesk.engine.uapi.IpText;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One remote peer: its handshake, its three keypairs (previous, current, next), the packets
 * staged while no session exists, its timers and its statistics.
 *
 * <p>Locking: {@link #keypairLock} guards the keypair slots; the staged queue is guarded by
 * {@link #staged}'s monitor, which is also held while a peer's packets get their nonces and
 * enter the outbound pipeline, so nonce order is send order. Never take {@code staged} while
 * holding {@code keypairLock}. {@code handshakeSendLock} may be taken inside
 * {@code keypairLock}, never the other way round.
 */
final class Peer {
    final Device device;
    final PublicKey publicKey;
    final Handshake handshake;
    final CookieGenerator cookieGenerator;
    final Timers timers;

    private final Object keypairLock = new Object();
    private Keypair previous; // guarded by keypairLock
    private Keypair current; // guarded by keypairLock
    private Keypair next; // guarded by keypairLock

    private final ArrayDeque<Packet> staged = new ArrayDeque<>(MAX_STAGED_PACKETS);
    /**
     * How many of the staged packets are charged to the device's staging budget (guarded by
     * {@link #staged}); never more than {@code staged.size()}. Packets staged only for the moment
     * it takes to send them are not charged; those left waiting for a handshake are.
     */
    private int charged;

    private PresharedKey presharedKey = PresharedKey.none(); // guarded by keypairLock; for snapshots
    /** Null when unknown. Replaced as a whole (roaming, configuration, forgetting the source). */
    private final AtomicReference<UdpEndpoint> endpoint = new AtomicReference<>();
    private volatile int persistentKeepaliveSeconds;
    private volatile long lastHandshakeEpochNanos;
    private volatile boolean running;
    /** A session has been established and its keys not yet erased (for the log only). */
    private volatile boolean sessionUp;

    private final Object handshakeSendLock = new Object();
    private long lastSentHandshakeNanos; // guarded by handshakeSendLock
    private int handshakeIndex; // guarded by handshakeSendLock; 0 = none
    private boolean hasHandshakeIndex; // guarded by handshakeSendLock

    final AtomicLong rxBytes = new AtomicLong();
    final AtomicLong txBytes = new AtomicLong();
    /** Counters for {@link Diagnosis}; nothing reads them on the data path. */
    final PeerActivity activity = new PeerActivity();

    /** Roaming lines at INFO: at most one per this interval per peer. */
    static final long ROAMING_LOG_INTERVAL_NANOS = 10_000_000_000L;
    private final LogLimiter roamingLog;

    Peer(Device device, PublicKey publicKey, Handshake handshake) {
        this.device = device;
        this.publicKey = publicKey;
        this.handshake = handshake;
        this.cookieGenerator = new CookieGenerator(publicKey, device.clock);
        this.timers = new Timers(this, device.clock, device.jitterRandom);
        this.roamingLog = new LogLimiter(device.clock, ROAMING_LOG_INTERVAL_NANOS);
        this.lastSentHandshakeNanos = device.clock.nanoTime() - REKEY_TIMEOUT_NANOS - 1;
    }

    /* ---------- Lifecycle ---------- */

    void start() {
        if (running) {
            return;
        }
        synchronized (handshakeSendLock) {
            lastSentHandshakeNanos = device.clock.nanoTime() - REKEY_TIMEOUT_NANOS - 1;
        }
        timers.start();
        running = true;
        // "Interface up: sends a keepalive to PKA peers" (protocol.md 1.7).
        if (persistentKeepaliveSeconds > 0) {
            sendKeepalive();
        }
    }

    /** Stops the timers, zeroes keys and handshake state, and drops staged packets. */
    void stop() {
        running = false;
        timers.stop();
        zeroKeyMaterial();
        cookieGenerator.clear();
        flushStaged();
    }

    boolean isRunning() {
        return running;
    }

    /* ---------- Configuration ---------- */

    /** The endpoint to send to, with its sticky source if one is cached; null when unknown. */
    UdpEndpoint endpoint() {
        return endpoint.get();
    }

    /** Configuration: a new remote address, with no source (null forgets the endpoint). */
    void setEndpoint(InetSocketAddress ep) {
        endpoint.set(ep == null ? null : UdpEndpoint.of(ep));
    }

    /**
     * Roaming: called for every authenticated packet with where it came from, which includes
     * our local address it arrived on (the sticky source). Binds hand out one instance per
     * address pair, so the steady state is one identity comparison and no write.
     */
    void setEndpointFromPacket(UdpEndpoint from) {
        if (from == null) {
            return;
        }
        UdpEndpoint cur = endpoint.get();
        if (from != cur && !from.equals(cur)) {
            endpoint.set(from);
            if (cur != null && !cur.remote().equals(from.remote())) {
                logRoaming(cur, from);
            }
        }
    }

    /**
     * At most one INFO line per {@link #ROAMING_LOG_INTERVAL_NANOS}: an on-path attacker can
     * replay authentic packets from changing sources (each one moves the endpoint, as the
     * protocol wants) and must not be able to flood the log. The others go to DEBUG and are
     * counted in the next INFO line.
     */
    private void logRoaming(UdpEndpoint cur, UdpEndpoint from) {
        long unlogged = roamingLog.tryAcquire();
        if (unlogged < 0) {
            device.log.log(System.Logger.Level.DEBUG, "{0}: endpoint changed from {1} to {2} (roaming)", this,
                    IpText.formatEndpoint(cur.remote()), IpText.formatEndpoint(from.remote()));
        } else if (unlogged == 0) {
            device.log.log(System.Logger.Level.INFO, "{0}: endpoint changed from {1} to {2} (roaming)", this,
                    IpText.formatEndpoint(cur.remote()), IpText.formatEndpoint(from.remote()));
        } else {
            device.log.log(System.Logger.Level.INFO, "{0}: endpoint changed from {1} to {2} (roaming; {3} more changes"
                            + " since the last such line)", this, IpText.formatEndpoint(cur.remote()),
                    IpText.formatEndpoint(from.remote()), Long.toString(unlogged));
        }
    }

    /**
     * Forgets the cached local source address, so the next send lets the system choose one
     * (handshake retransmit, the new-handshake timer, fwmark and port changes: protocol.md 1.11).
     * An endpoint that roams in at the same moment is kept.
     */
    void clearEndpointSource() {
        while (true) {
            UdpEndpoint cur = endpoint.get();
            if (cur == null || !cur.hasSource() || endpoint.compareAndSet(cur, cur.withoutSource())) {
                return;
            }
        }
    }

    /**
     * Forgets the source of {@code stale} after the system refused it, if the peer still uses that
     * endpoint (it may have roamed meanwhile).
     */
    void clearEndpointSource(UdpEndpoint stale) {
        UdpEndpoint cur = endpoint.get();
        if (cur != null && cur.hasSource() && cur.equals(stale)) {
            endpoint.compareAndSet(cur, cur.withoutSource());
        }
    }

    int persistentKeepaliveSeconds() {
        return persistentKeepaliveSeconds;
    }

    /** Sets the interval and returns the previous one; the caller decides whether to send at once. */
    int setPersistentKeepalive(int seconds) {
        int old = persistentKeepaliveSeconds;
        persistentKeepaliveSeconds = seconds;
        return old;
    }

    void setPresharedKey(PresharedKey psk) {
        synchronized (keypairLock) {
            if (presharedKey.isDestroyed()) {
                return; // the peer was removed
            }
            presharedKey.destroy();
            presharedKey = PresharedKey.fromBytes(psk.rawBytes());
        }
        handshake.setPresharedKey(psk);
    }

    /** A copy for a snapshot (the caller destroys it); no key once the peer was removed. */
    PresharedKey presharedKeyCopy() {
        synchronized (keypairLock) {
            return presharedKey.isDestroyed() ? PresharedKey.none() : PresharedKey.fromBytes(presharedKey.rawBytes());
        }
    }

    /** Peer removal: zeroes the copy of the preshared key kept for snapshots; later settings are ignored. */
    void destroyPresharedKey() {
        synchronized (keypairLock) {
            presharedKey.destroy();
        }
    }

    /** The preshared key object this peer holds (for tests). */
    PresharedKey presharedKeyHeld() {
        synchronized (keypairLock) {
            return presharedKey;
        }
    }

    long lastHandshakeEpochNanos() {
        return lastHandshakeEpochNanos;
    }

    void recordHandshakeTime() {
        lastHandshakeEpochNanos = device.clock.epochNanos();
        activity.handshakeCompleted(device.clock.nanoTime());
    }

    /** The activity counters as of now, for a snapshot. */
    PeerCounters counters() {
        long now = device.clock.nanoTime();
        Keypair kp = currentKeypair();
        PeerActivity a = activity;
        return new PeerCounters(now, sessionUp && kp != null && kp.canReceive(now), a.initiationsSinceResponse,
                a.initiationsSent, a.firstUnansweredInitiationNanos, a.lastInitiationNanos, a.badResponses,
                a.lastBadResponseNanos, a.lastHandshakeNanos, a.lastReceivedNanos, a.lastDataReceivedNanos,
                a.lastDataSentNanos, a.unansweredDataSinceNanos, a.sendErrors, a.lastSendErrorNanos, a.lastSendError,
                a.lastSendOkNanos, a.resolution);
    }

    /* ---------- Handshake initiation ---------- */

    /**
     * Sends a handshake initiation, at most one per REKEY_TIMEOUT. {@code isRetry} comes from the
     * retransmit timer; any other caller restarts the attempt count.
     */
    void sendHandshakeInitiation(boolean isRetry) {
        if (!running) {
            return;
        }
        if (!isRetry) {
            timers.resetHandshakeAttempts();
        }
        UdpEndpoint ep = endpoint.get();
        byte[] msg = new byte[MESSAGE_INITIATION_SIZE];
        synchronized (handshakeSendLock) {
            if (!running) {
                return; // stopped meanwhile: stop() removed the handshake index under this lock
            }
            long now = device.clock.nanoTime();
            if (now - lastSentHandshakeNanos < REKEY_TIMEOUT_NANOS) {
                return;
            }
            lastSentHandshakeNanos = now;
            if (hasHandshakeIndex) {
                device.indexTable.removeHandshake(handshakeIndex, this);
            }
            handshakeIndex = device.indexTable.newHandshakeIndex(this);
            hasHandshakeIndex = true;
            if (!handshake.createInitiation(handshakeIndex, msg, 0)) {
                // No static-static secret (low-order peer key) or no private key: never initiate.
                device.indexTable.removeHandshake(handshakeIndex, this);
                hasHandshakeIndex = false;
                return;
            }
        }
        cookieGenerator.addMacs(msg, 0, msg.length);
        timers.anyAuthenticatedPacketTraversal();
        timers.anyAuthenticatedPacketSent();
        // Armed before the send (the kernel arms it just after): a response consumed on the
        // handshake thread before this thread got here would otherwise cancel nothing, leaving a
        // retransmit pending for a completed handshake and a needless new handshake 5 s later.
        timers.handshakeInitiated();
        if (ep != null) {
            synchronized (handshakeSendLock) {
                activity.initiationSent(device.clock.nanoTime());
            }
            device.sendHandshakeMessage(this, msg, ep);
        }
    }

    /**
     * Allocates the index for a handshake response we are about to send, replacing any older one.
     *
     * @return the index, or -1 if the peer was stopped (removed, or the device went down)
     */
    long newResponseIndex() {
        synchronized (handshakeSendLock) {
            if (!running) {
                return -1;
            }
            if (hasHandshakeIndex) {
                device.indexTable.removeHandshake(handshakeIndex, this);
            }
            handshakeIndex = device.indexTable.newHandshakeIndex(this);
            hasHandshakeIndex = true;
            return Integer.toUnsignedLong(handshakeIndex);
        }
    }

    /**
     * A handshake response counts as a sent handshake (kernel {@code send.c}, wireguard-go
     * {@code SendHandshakeResponse}): for REKEY_TIMEOUT the responder does not initiate, so data
     * it has queued waits for the initiator's first message to confirm the new session instead of
     * starting a second handshake that would swap the roles.
     */
    void handshakeResponseCreated() {
        synchronized (handshakeSendLock) {
            lastSentHandshakeNanos = device.clock.nanoTime();
        }
    }

    /* ---------- Keypairs ---------- */

    /**
     * Installs the keypair a completed handshake derived (protocol.md 1.8). The initiator may send
     * with it at once; the responder parks it in {@code next} until the initiator's first data
     * packet confirms it.
     *
     * @return the keypair, or null if the peer was stopped or its handshake index is gone (the
     *     keys are then destroyed and nothing is installed)
     */
    Keypair beginSession(SessionKeys keys) {
        Keypair kp = new Keypair(this, keys, device.clock.nanoTime());
        // Under keypairLock, as zeroKeyMaterial: either it runs first, removing the handshake
        // index so the swap fails here, or after, deleting what is installed here.
        synchronized (keypairLock) {
            synchronized (handshakeSendLock) {
                if (hasHandshakeIndex && handshakeIndex == kp.localIndex) {
                    hasHandshakeIndex = false; // the index now belongs to the keypair
                }
            }
            if (!running || !device.indexTable.swapToKeypair(kp.localIndex, kp)) {
                // The peer was removed or stopped, or its key material zeroed, while the
                // handshake completed: leave nothing behind.
                device.indexTable.removeHandshake(kp.localIndex, this);
                kp.destroy();
                return null;
            }
            if (kp.initiator) {
                if (next != null) {
                    Keypair oldNext = next;
                    next = null;
                    deleteKeypair(previous);
                    previous = oldNext;
                    deleteKeypair(current);
                } else {
                    deleteKeypair(previous);
                    previous = current;
                }
                current = kp;
            } else {
                deleteKeypair(next);
                next = kp;
                deleteKeypair(previous);
                previous = null;
            }
        }
        return kp;
    }

    /**
     * Called for every authenticated packet: if it arrived on {@code next}, the responder's
     * session is confirmed and rotates into {@code current}.
     *
     * @return true if this packet confirmed a new session
     */
    boolean receivedWithKeypair(Keypair kp) {
        synchronized (keypairLock) {
            if (next != kp) {
                return false;
            }
            deleteKeypair(previous);
            previous = current;
            current = next;
            next = null;
        }
        sessionStarted();
        return true;
    }

    /**
     * A new session is in use (the initiator got the response, or the responder saw the first
     * data). The first one after none — at start, or after the keys expired — is what users look
     * for in the log ("is my tunnel up?"); the rekeys every two minutes are only for debugging.
     */
    void sessionStarted() {
        if (!sessionUp) {
            sessionUp = true;
            UdpEndpoint ep = endpoint.get();
            device.log.log(System.Logger.Level.INFO, "{0}: handshake completed, session with {1} is up", this,
                    ep == null ? "?" : IpText.formatEndpoint(ep.remote()));
        } else {
            device.log.log(System.Logger.Level.DEBUG, "{0}: new session (rekey)", this);
        }
    }

    /** The keypair to send with, or null if there is none fit for sending. */
    private Keypair sendingKeypair(long now) {
        synchronized (keypairLock) {
            Keypair kp = current;
            return kp != null && kp.canSend(now) ? kp : null;
        }
    }

    Keypair currentKeypair() {
        synchronized (keypairLock) {
            return current;
        }
    }

    Keypair nextKeypair() {
        synchronized (keypairLock) {
            return next;
        }
    }

    Keypair previousKeypair() {
        synchronized (keypairLock) {
            return previous;
        }
    }

    private void deleteKeypair(Keypair kp) {
        if (kp != null) {
            device.indexTable.removeKeypair(kp.localIndex, kp);
            kp.destroy();
        }
    }

    /** After a private key change: every session must be renegotiated before more data flows. */
    void expireCurrentKeypairs() {
        synchronized (handshakeSendLock) {
            lastSentHandshakeNanos = device.clock.nanoTime() - REKEY_TIMEOUT_NANOS - 1;
        }
        handshake.clear();
        synchronized (keypairLock) {
            if (current != null) {
                current.expireForSending();
            }
            if (next != null) {
                next.expireForSending();
            }
        }
    }

    /**
     * The network under the device changed (resume from sleep, a new default route): the cached
     * local source is forgotten and, for a peer in use (a session, packets waiting for one, or
     * persistent keepalive) whose endpoint is known, the current sessions stop being used for
     * sending and a new handshake initiation goes out at once, as after a private key change.
     * Receiving on the old sessions goes on until the new one is up. Nothing new goes on the
     * wire: it is the initiation the next packet would have caused, only sooner.
     *
     * @return true if an initiation was started
     */
    boolean restartHandshake() {
        clearEndpointSource();
        if (!running || endpoint.get() == null) {
            return false;
        }
        boolean inUse = persistentKeepaliveSeconds > 0;
        synchronized (keypairLock) {
            inUse |= current != null || next != null;
        }
        synchronized (staged) {
            inUse |= !staged.isEmpty();
        }
        if (!inUse) {
            return false;
        }
        expireCurrentKeypairs();
        sendHandshakeInitiation(false);
        return true;
    }

    /** Drops every keypair and the handshake state (the zero-key-material timer, peer removal, down). */
    void zeroKeyMaterial() {
        sessionUp = false;
        synchronized (keypairLock) { // see beginSession
            synchronized (handshakeSendLock) {
                if (hasHandshakeIndex) {
                    device.indexTable.removeHandshake(handshakeIndex, this);
                    hasHandshakeIndex = false;
                }
            }
            handshake.clear();
            deleteKeypair(previous);
            deleteKeypair(current);
            deleteKeypair(next);
            previous = current = next = null;
        }
    }

    /* ---------- Sending data ---------- */

    /** Queues an outbound packet; the oldest is dropped when the queue is full. */
    void stage(Packet p) {
        Packet dropped = null;
        synchronized (staged) {
            if (staged.size() >= MAX_STAGED_PACKETS) {
                dropped = pollStaged();
            }
            staged.addLast(p);
        }
        if (dropped != null) {
            device.stats.droppedStaged.incrementAndGet();
            device.outboundPool.release(dropped);
        }
    }

    /** Takes the oldest staged packet, refunding the budget if it was charged. Holds {@code staged}. */
    private Packet pollStaged() {
        Packet p = staged.pollFirst();
        if (p != null && charged > staged.size()) {
            setCharged(charged - 1);
            device.stagingUsed.decrementAndGet();
        }
        return p;
    }

    /** Holds {@code staged}; keeps the device's count of peers with parked packets. */
    private void setCharged(int n) {
        if (charged == 0 && n > 0) {
            device.parkingPeers.incrementAndGet();
        } else if (charged > 0 && n == 0) {
            device.parkingPeers.decrementAndGet();
        }
        charged = n;
    }

    /**
     * The staged packets are left waiting for a handshake: charges them to the device-wide
     * staging budget ({@link Device#STAGING_BUDGET}), so peers without a session never hold the
     * buffers the others need. Each peer keeps at most a fair share of the budget, leaving room
     * for one more peer (a peer coming back keeps its first packets even while many offline
     * peers receive traffic); its oldest packets past that, or past what the budget has left,
     * are dropped. Holds {@code staged}.
     */
    private void park() {
        int share = Math.max(2, Device.STAGING_BUDGET / (device.parkingPeers.get() + (charged == 0 ? 2 : 1)));
        while (staged.size() > share) {
            device.outboundPool.release(pollStaged());
            device.stats.droppedStagingBudget.incrementAndGet();
        }
        int uncharged = staged.size() - charged;
        if (uncharged <= 0) {
            return;
        }
        int got;
        while (true) {
            int used = device.stagingUsed.get();
            got = Math.min(uncharged, Device.STAGING_BUDGET - used);
            if (got <= 0) {
                got = 0;
                break;
            }
            if (device.stagingUsed.compareAndSet(used, used + got)) {
                break;
            }
        }
        setCharged(charged + got);
        for (int i = got; i < uncharged; i++) {
            device.outboundPool.release(staged.pollFirst()); // uncharged by count: charged stays = size
            device.stats.droppedStagingBudget.incrementAndGet();
        }
    }

    /** Drops every staged packet. */
    void flushStaged() {
        synchronized (staged) {
            Packet p;
            while ((p = pollStaged()) != null) {
                device.outboundPool.release(p);
            }
        }
    }

    /** Sends a keepalive (an empty transport message) unless data is already waiting. */
    void sendKeepalive() {
        if (!running) {
            return;
        }
        synchronized (staged) {
            if (staged.isEmpty()) {
                Packet p = device.outboundPool.pollReserve();
                if (p == null) {
                    return; // even the keepalive reserve is out: data is flowing, which serves as well
                }
                p.off = Packet.HEADROOM;
                p.len = 0;
                staged.addLast(p);
            }
        }
        sendStaged();
    }

    /**
     * Encrypts and sends the staged packets if a session allows it; otherwise starts a handshake
     * and leaves them staged (protocol.md 1.7, "Sending").
     */
    void sendStaged() {
        if (!running) {
            flushStaged();
            return;
        }
        boolean needHandshake = false;
        Keypair kp;
        synchronized (staged) {
            if (staged.isEmpty()) {
                return;
            }
            long now = device.clock.nanoTime();
            kp = sendingKeypair(now);
            if (kp == null) {
                needHandshake = true;
                park();
            } else {
                if (endpoint.get() == null) {
                    device.stats.droppedNoEndpoint.addAndGet(staged.size());
                    Packet p;
                    while ((p = pollStaged()) != null) {
                        device.outboundPool.release(p);
                    }
                    return;
                }
                Packet p;
                while ((p = pollStaged()) != null) {
                    // The packet's reference keeps the keys alive until it is sealed and sent,
                    // even if a handshake retires kp meanwhile (see Keypair).
                    if (!kp.acquire()) {
                        staged.addFirst(p);
                        needHandshake = true;
                        park();
                        break;
                    }
                    long n = kp.nextNonce();
                    if (n < 0) {
                        kp.release();
                        staged.addFirst(p);
                        needHandshake = true;
                        park();
                        break;
                    }
                    p.peer = this;
                    p.keypair = kp;
                    p.counter = n;
                    if (!device.submitOutbound(p)) {
                        return; // device is going down; the packet was released
                    }
                }
                device.flushOutbound();
            }
        }
        if (needHandshake) {
            sendHandshakeInitiation(false);
        } else {
            keepKeyFreshSending(kp);
        }
    }

    /** After sending: start a new handshake when the session is getting old (protocol.md 1.7). */
    private void keepKeyFreshSending(Keypair kp) {
        long now = device.clock.nanoTime();
        if (Long.compareUnsigned(kp.sendCounter(), REKEY_AFTER_MESSAGES) > 0
                || (kp.initiator && now - kp.createdNanos > REKEY_AFTER_TIME_NANOS)) {
            sendHandshakeInitiation(false);
        }
    }

    /** After receiving: if we initiated and the session is about to expire, rekey once. */
    void keepKeyFreshReceiving() {
        Keypair kp;
        synchronized (keypairLock) {
            kp = current;
        }
        if (kp == null || !kp.initiator) {
            return;
        }
        long now = device.clock.nanoTime();
        if (now - kp.createdNanos > REJECT_AFTER_TIME_NANOS - KEEPALIVE_TIMEOUT_NANOS - REKEY_TIMEOUT_NANOS
                && timers.takeLastMinuteHandshake()) {
            sendHandshakeInitiation(false);
        }
    }

    @Override
    public String toString() {
        String b64 = publicKey.toBase64();
        return "peer(" + b64.substring(0, 4) + "…" + b64.substring(39, 43) + ")";
    }
}
