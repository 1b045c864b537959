package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.Protocol.AEAD_TAG_LENGTH;
import static dev.wgdesk.engine.Protocol.QUEUE_HANDSHAKE_SIZE;
import static dev.wgdesk.engine.Protocol.UNDER_LOAD_AFTER_TIME_NANOS;
import static dev.wgdesk.engine.Protocol.UNDER_LOAD_QUEUE_THRESHOLD;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.Bind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.noise.CookieChecker;
import dev.wgdesk.engine.noise.Handshake;
import dev.wgdesk.engine.noise.StaticIdentity;
import dev.wgdesk.engine.ratelimit.RateLimiter;
import dev.wgdesk.engine.routing.AllowedIps;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A WireGuard interface: a static identity, a set of peers, the cryptokey routing table, and the
 * send and receive pipelines between a {@link Tun} and a {@link Bind}.
 *
 * <p><b>Outbound flow</b> (TUN reader thread): read a batch of IP packets at
 * {@link Packet#HEADROOM}; route each by destination through the allowed IPs; stage it on its
 * peer; give staged packets their nonces in order and hand them to the encryption stage
 * (parallel), whose sequencer sends them in order to the peer's endpoint.
 *
 * <p><b>Inbound flow</b> (UDP receiver thread): handshake messages go to a bounded handshake queue
 * served by the handshake thread (mac1 first, cookies under load, then the Noise work); transport
 * messages are matched to a keypair by receiver index and handed to the decryption stage
 * (parallel), whose sequencer does the replay check, roaming, key confirmation, the inner-source
 * check, and writes to the TUN in order.
 *
 * <p>Configuration methods may be called at any time, from any thread, while traffic flows.
 *
 * <p>Key material is zeroed when peers are removed, sessions expire and the device goes down;
 * a session's transport keys as soon as the last packet in flight under them is done with them
 * (see {@link Keypair}), never while a packet is being sealed or opened.
 * The JVM can copy objects during garbage collection, so erasure cannot be guaranteed; the engine
 * keeps keys in {@code byte[]} it zeroes explicitly and never in {@code String}s.
 */
public final class Device implements AutoCloseable {
    /** Largest IP packet the engine carries ({@link Protocol#MAX_PACKET_SIZE}); larger ones are dropped and counted. */
    public static final int MAX_PACKET_SIZE = Protocol.MAX_PACKET_SIZE;
    /** Header, the largest packet, its padding and the tag: a whole transport message fits. */
    static final int BUFFER_CAPACITY = Packet.HEADROOM + MAX_PACKET_SIZE + Protocol.MESSAGE_PADDING_MULTIPLE + AEAD_TAG_LENGTH;
    private static final int PACKETS_IN_FLIGHT = 1024;
    /** Outbound buffers only keepalives may take, so a peer can still say it is alive under load. */
    private static final int KEEPALIVE_RESERVE = 32;
    /**
     * Outbound buffers that packets waiting for a handshake may hold, all peers together: the rest
     * stays free for peers that have a session (issue 10: a hub whose offline peers kept receiving
     * traffic starved its one live peer).
     */
    static final int STAGING_BUDGET = PACKETS_IN_FLIGHT / 4;
    /** Consecutive unexpected failures of one loop after which it gives up and closes the device. */
    static final int MAX_CONSECUTIVE_FAILURES = 100;

    final System.Logger log;
    final Clock clock;
    final SecureRandom random = new SecureRandom();
    /**
     * The timers' jitter, which needs no secret randomness (wireguard-go uses its fast non-secure
     * generator): {@link #random} cost a SHA-1 digest and a lock per burst sent, since receiving
     * cancels the new-handshake timer and the next burst re-arms it with a fresh jitter.
     */
    final java.util.random.RandomGenerator jitterRandom = () -> java.util.concurrent.ThreadLocalRandom.current().nextLong();
    final IndexTable indexTable = new IndexTable();
    final DeviceStats stats = new DeviceStats();
    final PacketPool outboundPool = new PacketPool(PACKETS_IN_FLIGHT, KEEPALIVE_RESERVE, BUFFER_CAPACITY);
    /** Packets parked on peers without a session, against {@link #STAGING_BUDGET}. */
    final java.util.concurrent.atomic.AtomicInteger stagingUsed = new java.util.concurrent.atomic.AtomicInteger();
    /** Peers with packets charged to the staging budget: a peer's fair share is the budget over them. */
    final java.util.concurrent.atomic.AtomicInteger parkingPeers = new java.util.concurrent.atomic.AtomicInteger();
    final ErrorLog errors;
    final PacketPool inboundPool = new PacketPool(PACKETS_IN_FLIGHT, BUFFER_CAPACITY);

    private final Tun tun;
    private final Bind bind;
    private final String name;
    private final AllowedIps<Peer> allowedIps = new AllowedIps<>();
    private final Map<PublicKey, Peer> peers = new ConcurrentHashMap<>();
    private final Object configLock = new Object();
    private final RateLimiter rateLimiter;
    private final SendPath send;
    private final ReceivePath receive;
    final HandshakeQueue handshakes;

    private volatile StaticIdentity identity; // null when no private key is set
    private volatile CookieChecker cookieChecker;
    private volatile int listenPort;
    private volatile int fwmark;
    private volatile int mtu;
    private volatile boolean up;
    /** Bumped by every up(): a loop of an earlier up() that is late to notice the down() exits. */
    private volatile int generation;
    private volatile boolean closed;
    /** Why the device closed itself, or null. */
    private volatile String failure;
    private volatile long underLoadUntil;
    private volatile boolean forceUnderLoad;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Runnable> closeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** True while the device is down because the link went down (it comes back up with the link). */
    private volatile boolean downByLink;

    /** Creates a device that is down, with no key and no peers. */
    public Device(Tun tun, Bind bind, Clock clock) {
        this(tun, bind, clock, defaultCryptoWorkers());
    }

    /**
     * @param cryptoWorkers threads for encryption and for decryption each; 0 runs crypto inline on
     *     the TUN reader and UDP receiver threads
     */
    public Device(Tun tun, Bind bind, Clock clock, int cryptoWorkers) {
        this(tun, bind, clock, cryptoWorkers, PacketCipher.defaultFactory());
    }

    /** For tests: a different transport cipher. */
    Device(Tun tun, Bind bind, Clock clock, int cryptoWorkers, java.util.function.Supplier<PacketCipher> ciphers) {
        this.tun = Objects.requireNonNull(tun, "tun");
        this.bind = Objects.requireNonNull(bind, "bind");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.name = tun.name();
        this.log = System.getLogger("wgdesk.device." + name);
        this.rateLimiter = new RateLimiter(clock);
        this.errors = new ErrorLog(log, clock, stats);
        this.send = new SendPath(this, tun, bind, allowedIps, cryptoWorkers, PACKETS_IN_FLIGHT, ciphers);
        this.receive = new ReceivePath(this, tun, bind, allowedIps, cryptoWorkers, PACKETS_IN_FLIGHT, ciphers);
        this.handshakes = new HandshakeQueue(this, QUEUE_HANDSHAKE_SIZE);
        try {
            this.mtu = tun.mtu();
        } catch (IOException e) {
            this.mtu = Protocol.DEFAULT_MTU;
        }
        tun.onEvent(this::onTunEvent);
    }

    private static int defaultCryptoWorkers() {
        String prop = System.getProperty("wgdesk.cryptoWorkers");
        if (prop != null) {
            return Integer.parseInt(prop);
        }
        // Workers pipeline crypto with the TUN and UDP system calls; measured on 2 cores they
        // carried 2-2.6x the TCP throughput of inline crypto. Idle traffic still runs inline
        // (see CryptoPipeline), so latency does not pay for the hand-off.
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public String name() {
        return name;
    }

    public DeviceStats stats() {
        return stats;
    }

    /* ====================== Lifecycle ====================== */

    /** Opens the UDP port, starts the pipelines and the peers' timers. */
    public void up() throws IOException {
        synchronized (configLock) {
            if (closed) {
                throw new IllegalStateException("device " + name + " is closed");
            }
            if (up) {
                return;
            }
            listenPort = bind.open(listenPort);
            if (fwmark != 0) {
                bind.setMark(fwmark);
            }
            int gen = ++generation;
            up = true;
            send.pipeline.start();
            receive.pipeline.start();
            handshakes.start();
            startThread("tun-reader", () -> send.loop(gen));
            startThread("udp-receiver", () -> receive.loop(gen));
            for (Peer p : peers.values()) {
                p.start();
            }
        }
        log.log(System.Logger.Level.INFO, "Interface {0} up on UDP port {1}", name, Integer.toString(listenPort));
    }

    /**
     * Stops traffic: closes the UDP port, stops timers and zeroes every session. Producers stop
     * before the pipelines they feed: the timers, then the TUN reader and UDP receiver (joined),
     * then the handshake thread, then the crypto pipelines, which return every packet they hold;
     * last the peers drop their staged packets and keys.
     */
    public void down() {
        synchronized (configLock) {
            if (!up) {
                return;
            }
            up = false;
            for (Peer p : peers.values()) {
                p.timers.stop();
            }
            try {
                bind.close();
            } catch (IOException e) {
                log.log(System.Logger.Level.WARNING, "closing UDP socket: {0}", e.getMessage());
            }
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                if (t == Thread.currentThread()) {
                    continue;
                }
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive()) {
                    // A TUN read that no interrupt wakes: the loop exits on its next packet
                    // (its generation is over) and returns its buffers itself.
                    log.log(System.Logger.Level.DEBUG, "{0} still blocked after down", t.getName());
                }
            }
            threads.clear();
            handshakes.stop();
            send.pipeline.stop();
            receive.pipeline.stop();
            for (Peer p : peers.values()) {
                p.stop();
            }
        }
        log.log(System.Logger.Level.INFO, "Interface {0} down", name);
    }

    /** True while the loops started by the up() numbered {@code gen} should run. */
    boolean isRunning(int gen) {
        return up && generation == gen;
    }

    /**
     * A loop cannot go on: records why (the first reason wins), logs it and closes the device on
     * another thread (the caller may be one that close() waits for). Embedders learn of it through
     * {@link #onClosed} and {@link #failureReason()}.
     */
    void fail(String reason) {
        synchronized (this) {
            if (failure != null || closed) {
                return;
            }
            failure = reason;
        }
        log.log(System.Logger.Level.ERROR, "Interface {0} failed: {1}; closing it", name, reason);
        Thread.ofPlatform().daemon().name("wg-" + name + "-close").start(this::close);
    }

    /**
     * Why the device closed itself (a TUN that failed, a data-path loop that could not go on), or
     * null if it is open or was closed by {@link #close()} or the interface's removal.
     */
    public String failureReason() {
        return failure;
    }

    /** Goes down, removes every peer, zeroes the private key and closes the TUN. Idempotent. */
    @Override
    public void close() {
        synchronized (configLock) {
            if (closed) {
                return;
            }
            down();
            closed = true;
            removeAllPeers();
            setPrivateKey(null);
            rateLimiter.close(); // stops its garbage-collection timer
        }
        try {
            tun.close();
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "closing TUN {0}: {1}", name, e.getMessage());
        }
        for (Runnable l : closeListeners) {
            if (closeListeners.remove(l)) {
                try {
                    l.run();
                } catch (RuntimeException e) {
                    log.log(System.Logger.Level.WARNING, "close listener failed: {0}", e.toString());
                }
            }
        }
    }

    public boolean isUp() {
        return up;
    }

    public boolean isClosed() {
        return closed;
    }

    private void startThread(String what, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) { // an Error, or a bug past the per-packet guards: never silent
                fail("the " + what + " thread died: " + e);
            }
        }, "wg-" + name + "-" + what);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void onTunEvent(TunEvent e) {
        switch (e) {
            case TunEvent.MtuChanged m -> {
                log.log(System.Logger.Level.INFO, "MTU of {0} changed to {1}", name, Integer.toString(m.mtu()));
                if (m.mtu() > MAX_PACKET_SIZE) {
                    log.log(System.Logger.Level.WARNING, "MTU {0} of {1} is above {2}, the largest packet the engine"
                            + " carries: larger packets are dropped (set the MTU to at most {2})",
                            Integer.toString(m.mtu()), name, Integer.toString(MAX_PACKET_SIZE));
                }
                mtu = m.mtu();
            }
            case TunEvent.Removed r -> {
                log.log(System.Logger.Level.INFO, "Interface {0} was removed; closing", name);
                Thread.ofPlatform().daemon().name("wg-" + name + "-close").start(this::close);
            }
            case TunEvent.Down d -> {
                // As wireguard-go: a link that goes down takes the device (and its UDP port) down.
                if (up && !closed) {
                    downByLink = true;
                    down();
                }
            }
            case TunEvent.Up u -> {
                if (downByLink && !closed) {
                    downByLink = false;
                    try {
                        up();
                    } catch (IOException | RuntimeException ex) {
                        log.log(System.Logger.Level.ERROR, "bringing {0} up failed: {1}", name, ex.getMessage());
                    }
                }
            }
        }
    }

    /**
     * Runs {@code listener} once the device has closed, whatever closed it: {@link #close()}, the
     * interface being deleted, or a fatal TUN error. Runs at once if already closed.
     */
    public void onClosed(Runnable listener) {
        closeListeners.add(listener);
        if (closed) {
            if (closeListeners.remove(listener)) {
                listener.run();
            }
        }
    }

    /* ====================== Configuration ====================== */

    /**
     * Sets the static private key; null or the all-zero key removes it. A peer whose public key
     * equals the new public key is removed; every session is expired so new handshakes follow.
     */
    public void setPrivateKey(PrivateKey key) {
        synchronized (configLock) {
            StaticIdentity old = identity;
            if (key == null || key.isZero()) {
                identity = null;
                cookieChecker = null;
            } else {
                if (old != null && old.privateKey().equals(key)) {
                    return;
                }
                StaticIdentity id = new StaticIdentity(key);
                Peer self = peers.get(id.publicKey());
                if (self != null) {
                    removePeer(self.publicKey);
                }
                identity = id;
                cookieChecker = new CookieChecker(id, clock, random);
            }
            for (Peer p : peers.values()) {
                p.handshake.setStaticIdentity(identity);
                p.cookieGenerator.clear();
                p.expireCurrentKeypairs();
            }
            if (old != null) {
                old.destroy();
            }
        }
    }

    /** Our public key, or null when no private key is set. */
    public PublicKey publicKey() {
        StaticIdentity id = identity;
        return id == null ? null : id.publicKey();
    }

    /**
     * Sets the UDP port (0 = any); when up, the socket is re-bound at once.
     *
     * @throws java.net.BindException if the port is in use (the old port stays closed)
     */
    public void setListenPort(int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen port out of range: " + port);
        }
        synchronized (configLock) {
            if (up && port == listenPort && port != 0) {
                return;
            }
            listenPort = port;
            if (up) {
                listenPort = bind.open(port);
                if (fwmark != 0) {
                    bind.setMark(fwmark);
                }
                for (Peer p : peers.values()) {
                    p.clearEndpointSource();
                }
            }
        }
    }

    public int listenPort() {
        return up ? bind.port() : listenPort;
    }

    /** Sets SO_MARK on the UDP sockets (0 = none). */
    public void setFwmark(int mark) throws IOException {
        synchronized (configLock) {
            fwmark = mark;
            if (up) {
                bind.setMark(mark);
            }
            for (Peer p : peers.values()) {
                p.clearEndpointSource();
            }
        }
    }

    public int fwmark() {
        return fwmark;
    }

    /**
     * Adds a peer if it does not exist.
     *
     * @return false if {@code key} is our own public key: such a peer is ignored, as in wireguard-go
     * @throws IllegalStateException past {@link Protocol#MAX_PEERS}
     */
    public boolean addPeer(PublicKey key) {
        synchronized (configLock) {
            if (closed) {
                throw new IllegalStateException("device " + name + " is closed");
            }
            StaticIdentity id = identity;
            if (id != null && id.publicKey().equals(key)) {
                return false;
            }
            if (peers.containsKey(key)) {
                return true;
            }
            if (peers.size() >= Protocol.MAX_PEERS) {
                throw new IllegalStateException("too many peers (" + Protocol.MAX_PEERS + ")");
            }
            Peer p = new Peer(this, key, new Handshake(id, key, PresharedKey.none(), clock, random));
            peers.put(key, p);
            if (up) {
                p.start();
            }
            return true;
        }
    }

    public boolean hasPeer(PublicKey key) {
        return peers.containsKey(key);
    }

    /** Removes a peer: its routes, timers, sessions and staged packets. */
    public boolean removePeer(PublicKey key) {
        synchronized (configLock) {
            Peer p = peers.remove(key);
            if (p == null) {
                return false;
            }
            allowedIps.removeByPeer(p);
            p.stop();
            p.handshake.destroy();
            p.destroyPresharedKey();
            return true;
        }
    }

    public void removeAllPeers() {
        synchronized (configLock) {
            for (PublicKey k : List.copyOf(peers.keySet())) {
                removePeer(k);
            }
        }
    }

    public void setPeerPresharedKey(PublicKey key, PresharedKey psk) {
        peer(key).setPresharedKey(psk == null ? PresharedKey.none() : psk);
    }

    public void setPeerEndpoint(PublicKey key, InetSocketAddress endpoint) {
        if (endpoint != null && endpoint.isUnresolved()) {
            throw new IllegalArgumentException("endpoint must be resolved: " + endpoint);
        }
        Peer p = peer(key);
        p.setEndpoint(endpoint);
        p.clearEndpointSource();
    }

    /**
     * Records that the host name of the peer's endpoint resolved (for {@link Diagnosis} only: the
     * endpoint itself is set with {@link #setPeerEndpoint}). Ignored for a peer that is gone.
     */
    public void recordEndpointResolved(PublicKey key, String host) {
        Peer p = peers.get(key);
        if (p != null) {
            EndpointResolution old = p.activity.resolution;
            boolean same = old != null && old.host().equals(host);
            p.activity.resolution = new EndpointResolution(host, clock.epochNanos() / 1_000_000L,
                    same ? old.lastFailureEpochMillis() : 0, null);
        }
    }

    /**
     * Records that the host name of the peer's endpoint did not resolve, with the resolver's error
     * (diagnosis "dns-failed", which also says when it last resolved). Ignored for a peer that is gone.
     */
    public void recordEndpointResolutionFailed(PublicKey key, String host, String error) {
        Peer p = peers.get(key);
        if (p != null) {
            EndpointResolution old = p.activity.resolution;
            boolean same = old != null && old.host().equals(host);
            p.activity.resolution = new EndpointResolution(host, same ? old.lastOkEpochMillis() : 0,
                    clock.epochNanos() / 1_000_000L, error == null || error.isBlank() ? "unknown error" : error);
        }
    }

    /** Forgets what was recorded about resolving the peer's endpoint (its endpoint is no longer a name). */
    public void clearEndpointResolution(PublicKey key) {
        Peer p = peers.get(key);
        if (p != null) {
            p.activity.resolution = null;
        }
    }

    /** What is wrong with each peer, if anything, now: {@link Diagnosis} of a fresh snapshot. */
    public Map<PublicKey, Diagnosis> diagnose() {
        Map<PublicKey, Diagnosis> out = new java.util.LinkedHashMap<>();
        DeviceSnapshot snap = snapshot();
        try {
            for (PeerSnapshot ps : snap.peers()) {
                out.put(ps.publicKey(), ps.diagnosis());
            }
        } finally {
            if (snap.privateKey() != null) {
                snap.privateKey().destroy();
            }
            for (PeerSnapshot ps : snap.peers()) {
                ps.presharedKey().destroy();
            }
        }
        return out;
    }

    /**
     * Starts new handshakes at once because the network under the device changed (resume from
     * sleep, a change of default route): every peer forgets its cached local source address, and
     * each peer in use (it has a session, packets waiting for one, or persistent keepalive) with
     * a known endpoint stops sending on its current sessions and sends a handshake initiation
     * now, rather than noticing ({@code KEEPALIVE_TIMEOUT + REKEY_TIMEOUT}, 15 s) that sessions
     * the other side may have dropped meanwhile get no answer. Does nothing while the device is
     * down (it starts afresh when it comes up).
     *
     * @return how many peers started a handshake
     */
    public int restartHandshakes() {
        int n = 0;
        if (!up) {
            return 0;
        }
        for (Peer p : peers.values()) {
            if (p.restartHandshake()) {
                n++;
            }
        }
        return n;
    }

    /**
     * {@link #restartHandshakes()} for one peer, e.g. after its endpoint was moved by
     * re-resolving its host name.
     *
     * @return true if the peer started a handshake
     */
    public boolean restartHandshake(PublicKey key) {
        return up && peer(key).restartHandshake();
    }

    /** Sets the persistent keepalive interval in seconds, 0 = off (at most 65535). */
    public void setPeerPersistentKeepalive(PublicKey key, int seconds) {
        if (seconds < 0 || seconds > 65535) {
            throw new IllegalArgumentException("persistent keepalive out of range: " + seconds);
        }
        Peer p = peer(key);
        // Turning persistent keepalive on while up sends one at once (wireguard-go uapi.go).
        if (p.setPersistentKeepalive(seconds) == 0 && seconds > 0 && p.isRunning()) {
            p.sendKeepalive();
        }
    }

    /** Routes {@code address/cidr} to the peer (host bits are masked); a prefix another peer owns moves. */
    public void addPeerAllowedIp(PublicKey key, InetAddress address, int cidr) {
        addPeerAllowedIp(key, address.getAddress(), cidr);
    }

    /** As above, with raw address bytes (4 or 16), so IPv4-mapped IPv6 prefixes stay IPv6. */
    public void addPeerAllowedIp(PublicKey key, byte[] address, int cidr) {
        allowedIps.insert(address, cidr, peer(key));
    }

    /** Removes one prefix, only if this peer owns exactly it. */
    public void removePeerAllowedIp(PublicKey key, InetAddress address, int cidr) {
        removePeerAllowedIp(key, address.getAddress(), cidr);
    }

    public void removePeerAllowedIp(PublicKey key, byte[] address, int cidr) {
        allowedIps.remove(address, cidr, peer(key));
    }

    public void clearPeerAllowedIps(PublicKey key) {
        allowedIps.removeByPeer(peer(key));
    }

    /** Forces (or stops forcing) the under-load state, for tests and diagnostics. */
    public void setForceUnderLoad(boolean force) {
        forceUnderLoad = force;
    }

    private Peer peer(PublicKey key) {
        Peer p = peers.get(key);
        if (p == null) {
            throw new IllegalArgumentException("no such peer: " + key);
        }
        return p;
    }

    Peer peerByKey(PublicKey key) {
        return peers.get(key);
    }

    StaticIdentity identity() {
        return identity;
    }

    CookieChecker cookieChecker() {
        return cookieChecker;
    }

    RateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** A snapshot of configuration and statistics, as {@code wg show} needs it. */
    public DeviceSnapshot snapshot() {
        StaticIdentity id = identity;
        List<PeerSnapshot> list = new ArrayList<>();
        for (Peer p : peers.values()) {
            UdpEndpoint ep = p.endpoint();
            list.add(new PeerSnapshot(p.publicKey, p.presharedKeyCopy(), ep == null ? null : ep.remote(),
                    p.lastHandshakeEpochNanos(), p.rxBytes.get(), p.txBytes.get(),
                    p.persistentKeepaliveSeconds(), allowedIps.entriesForPeer(p), p.counters()));
        }
        return new DeviceSnapshot(id == null ? null : PrivateKey.fromBytes(id.privateKey().rawBytes()),
                listenPort(), fwmark, List.copyOf(list));
    }

    /* ====================== Under load ====================== */

    /** True when the handshake queue is long, and for a second after (wireguard-go IsUnderLoad). */
    boolean isUnderLoad() {
        if (forceUnderLoad) {
            return true;
        }
        long now = clock.nanoTime();
        if (handshakes.size() >= UNDER_LOAD_QUEUE_THRESHOLD) {
            underLoadUntil = now + UNDER_LOAD_AFTER_TIME_NANOS;
            return true;
        }
        return underLoadUntil - now > 0;
    }

    /* ====================== Sending (see SendPath) ====================== */

    /** Sends a handshake message or cookie reply straight to {@code to}. */
    void sendHandshakeMessage(Peer peer, byte[] msg, UdpEndpoint to) {
        send.sendHandshakeMessage(peer, msg, to);
    }

    boolean submitOutbound(Packet p) {
        return send.submit(p);
    }

    void flushOutbound() {
        send.flush();
    }

    /** Padding to a multiple of 16, never past the MTU (wireguard-go calculatePaddingSize). */
    static int paddingSize(int packetSize, int mtu) {
        return SendPath.paddingSize(packetSize, mtu);
    }

    /** The TUN's MTU as last reported. */
    int mtu() {
        return mtu;
    }

    /* ====================== Little-endian helpers ====================== */

    static int getIntLE(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    static long getLongLE(byte[] b, int off) {
        return (getIntLE(b, off) & 0xffffffffL) | ((long) getIntLE(b, off + 4) << 32);
    }

    static void putIntLE(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static void putLongLE(byte[] b, int off, long v) {
        putIntLE(b, off, (int) v);
        putIntLE(b, off + 4, (int) (v >>> 32));
    }

    @Override
    public String toString() {
        return "Device(" + name + ")";
    }
}
