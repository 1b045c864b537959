package dev.wgdesk.engine.resilience;

import static dev.wgdesk.engine.Protocol.KEEPALIVE_TIMEOUT_NANOS;
import static dev.wgdesk.engine.Protocol.MESSAGE_KEEPALIVE_SIZE;
import static dev.wgdesk.engine.Protocol.REKEY_TIMEOUT_NANOS;

import dev.wgdesk.engine.config.Endpoint;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.time.Clock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Re-resolves the host names of one tunnel's peer endpoints and moves a peer to the name's new
 * address when the name moved (a dynamic-DNS server that changed address).
 *
 * <p><b>When a name is looked up again.</b> {@link #tick()} runs about once a second and watches
 * each peer's byte counters:
 * <ul>
 *   <li><em>Handshakes failing</em>: we sent something the peer must answer (data, a handshake
 *       initiation: anything but a lone keepalive, which asks for no answer) and nothing at all
 *       came back for {@link #FAILING_AFTER_NANOS} (15 s, {@code KEEPALIVE_TIMEOUT +
 *       REKEY_TIMEOUT}: a live peer answers data with at least a keepalive within 10 s, an
 *       initiation within 5 s; by then the engine's own retries have started and gone
 *       unanswered). The name is looked up at once, then again after 15 s, 30 s, 60 s and every
 *       {@link #MAX_FAILING_RETRY_NANOS} (60 s) while it lasts. Any byte received ends it.</li>
 *   <li><em>Otherwise</em> every {@link #REFRESH_INTERVAL_NANOS} (5 minutes), so a name that
 *       moved while the tunnel was idle is followed before the next packet needs it.</li>
 * </ul>
 *
 * <p><b>When the endpoint is switched.</b> Only when the peer's current endpoint address is not
 * among the name's addresses, and either
 * <ul>
 *   <li>the current endpoint is the one resolved earlier (the name's addresses changed since), or</li>
 *   <li>the current endpoint was learned from an authenticated packet (roaming) <em>and</em>
 *       handshakes are failing: a roamed endpoint that works is never overridden.</li>
 * </ul>
 * The new endpoint is the name's first address (as {@code wg(8)} takes the first
 * {@code getaddrinfo} result) with the configured port; the switch is logged at INFO with the
 * old and new address (never a key) and a new handshake starts at once. A name that does not
 * resolve changes nothing; the failure is kept in {@link #status()} for the diagnosis.
 *
 * <p>Time comes from the injected {@link Clock} and names from the injected
 * {@link HostResolver}, so the policy runs in virtual time in tests. Not thread-safe: one thread
 * calls {@link #tick()}; {@link #status()} may be called from any thread.
 */
public final class EndpointWatcher {
    /** Sending with nothing back for this long means handshakes are failing. */
    public static final long FAILING_AFTER_NANOS = KEEPALIVE_TIMEOUT_NANOS + REKEY_TIMEOUT_NANOS;
    /** First interval between look-ups while failing; it doubles up to {@link #MAX_FAILING_RETRY_NANOS}. */
    public static final long FAILING_RETRY_NANOS = 15_000_000_000L;
    public static final long MAX_FAILING_RETRY_NANOS = 60_000_000_000L;
    /** Interval between look-ups while the peer answers. */
    public static final long REFRESH_INTERVAL_NANOS = 300_000_000_000L;

    /** What the watcher reads of a peer and may change: the engine device, or a test's fake. */
    public interface Target {
        /** The current state of every peer (a peer absent from the map is skipped). */
        Map<PublicKey, PeerState> peers();

        /** Sets the peer's endpoint and starts a new handshake with it at once. */
        void moveEndpoint(PublicKey peer, InetSocketAddress endpoint);

        /** The peer's endpoint name resolved (for the diagnosis; the endpoint is set only by {@link #moveEndpoint}). */
        default void resolved(PublicKey peer, String host) {}

        /** The peer's endpoint name did not resolve, with the resolver's error (diagnosis {@code dns-failed}). */
        default void resolutionFailed(PublicKey peer, String host, String error) {}
    }

    /**
     * One peer as the engine sees it now.
     *
     * @param endpoint where packets go, null if unknown
     * @param rxBytes  bytes received from it so far (handshakes included)
     * @param txBytes  bytes sent to it so far (handshakes included)
     */
    public record PeerState(InetSocketAddress endpoint, long rxBytes, long txBytes) {}

    private static final class Watched {
        final PublicKey key;
        final String keyText;
        final String host;
        final int port;
        long rx;
        long tx;
        /** When we first sent something owed an answer since the last byte received; -1 if nothing is owed. */
        long owedSince = -1;
        boolean failing;
        long lastLookup;
        long retry = FAILING_RETRY_NANOS;
        /** The endpoint this watcher (or activation) set; a different current one was learned by roaming. */
        InetSocketAddress ours;
        volatile ResolutionStatus status;

        Watched(PublicKey key, String host, int port) {
            this.key = key;
            this.keyText = key.toBase64();
            this.host = host;
            this.port = port;
            this.status = new ResolutionStatus(keyText, host, port, 0, 0, List.of(), null);
        }
    }

    private final String tunnel;
    private final Target target;
    private final HostResolver resolver;
    private final Clock clock;
    private final Consumer<String> log;
    private final List<Watched> watched = new ArrayList<>();

    /**
     * Watches the peers of {@code peers} whose endpoint is a host name. Call right after
     * activation: the endpoints the device holds now count as resolved from those names.
     *
     * @param log receives INFO lines about the tunnel (endpoint moves, names that stop resolving)
     */
    public EndpointWatcher(String tunnel, List<PeerConfig> peers, Target target, HostResolver resolver, Clock clock,
                           Consumer<String> log) {
        this.tunnel = Objects.requireNonNull(tunnel, "tunnel");
        this.target = Objects.requireNonNull(target, "target");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
        long now = clock.nanoTime();
        long wall = clock.epochNanos() / 1_000_000;
        Map<PublicKey, PeerState> states = target.peers();
        for (PeerConfig p : peers) {
            if (p.endpoint().isEmpty() || p.endpoint().get().kind() != Endpoint.Kind.HOSTNAME) {
                continue;
            }
            Endpoint e = p.endpoint().get();
            Watched w = new Watched(p.publicKey(), e.host(), e.port());
            PeerState s = states.get(p.publicKey());
            if (s != null) {
                w.rx = s.rxBytes();
                w.tx = s.txBytes();
                w.ours = s.endpoint();
                if (s.endpoint() != null) { // activation resolved it just now
                    w.status = new ResolutionStatus(w.keyText, w.host, w.port, wall, wall,
                            List.of(s.endpoint().getAddress()), null);
                }
            }
            w.lastLookup = now;
            watched.add(w);
        }
    }

    /** True if some peer's endpoint is a host name (otherwise there is nothing to watch). */
    public boolean isEmpty() {
        return watched.isEmpty();
    }

    /** The tunnel's name. */
    public String tunnel() {
        return tunnel;
    }

    /** What is known about each watched name, in configuration order. */
    public List<ResolutionStatus> status() {
        List<ResolutionStatus> out = new ArrayList<>();
        synchronized (watched) {
            for (Watched w : watched) {
                out.add(w.status);
            }
        }
        return out;
    }

    /** One pass: updates each peer's traffic state and looks names up when due. */
    public void tick() {
        if (watched.isEmpty()) {
            return;
        }
        Map<PublicKey, PeerState> states = target.peers();
        for (Watched w : watched) {
            PeerState s = states.get(w.key);
            if (s != null) {
                tick(w, s);
            }
        }
    }

    private void tick(Watched w, PeerState s) {
        long now = clock.nanoTime();
        long sent = s.txBytes() - w.tx;
        long received = s.rxBytes() - w.rx;
        w.tx = s.txBytes();
        w.rx = s.rxBytes();
        if (received > 0) {
            w.owedSince = -1;
            w.failing = false;
            w.retry = FAILING_RETRY_NANOS;
        } else if (sent > 0 && sent != MESSAGE_KEEPALIVE_SIZE && w.owedSince < 0) {
            w.owedSince = now;
        }
        boolean failing = w.owedSince >= 0 && now - w.owedSince >= FAILING_AFTER_NANOS;
        boolean due;
        if (failing && !w.failing) {
            w.failing = true;
            due = true;
        } else if (failing) {
            due = now - w.lastLookup >= w.retry;
            if (due) {
                w.retry = Math.min(2 * w.retry, MAX_FAILING_RETRY_NANOS);
            }
        } else {
            due = now - w.lastLookup >= REFRESH_INTERVAL_NANOS;
        }
        if (due) {
            lookUp(w, s.endpoint(), failing, now);
        }
    }

    private void lookUp(Watched w, InetSocketAddress current, boolean failing, long now) {
        w.lastLookup = now;
        long wall = clock.epochNanos() / 1_000_000;
        ResolutionStatus before = w.status;
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(w.host);
            if (addresses.isEmpty()) {
                throw new UnknownHostException(w.host + ": no address");
            }
        } catch (UnknownHostException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            w.status = new ResolutionStatus(w.keyText, w.host, w.port, wall, before.lastSuccessMillis(),
                    before.addresses(), why);
            if (!before.failed()) {
                log.accept("Cannot resolve " + w.host + " (endpoint host) again: " + why + "; keeping "
                        + (current == null ? "no endpoint" : format(current)));
            }
            target.resolutionFailed(w.key, w.host, why);
            return;
        }
        target.resolved(w.key, w.host);
        w.status = new ResolutionStatus(w.keyText, w.host, w.port, wall, wall, addresses, null);
        if (before.failed()) {
            log.accept("Resolving " + w.host + " works again");
        }
        if (current != null && addresses.contains(current.getAddress())) {
            return; // still one of the name's addresses (the port may differ through NAT: roaming)
        }
        boolean roamed = current != null && !current.equals(w.ours);
        if (roamed && !failing) {
            return; // learned from an authenticated packet and working: keep it
        }
        InetSocketAddress next = new InetSocketAddress(addresses.getFirst(), w.port);
        log.accept("Endpoint " + w.host + ":" + w.port + " moved from "
                + (current == null ? "none" : format(current)) + " to " + format(next)
                + (failing ? " (re-resolved because handshakes were failing)" : " (periodic re-resolution)")
                + (roamed ? "; replacing an endpoint learned by roaming" : ""));
        w.ours = next;
        w.owedSince = now; // a new handshake starts: give it its own window
        w.failing = false;
        w.retry = FAILING_RETRY_NANOS;
        target.moveEndpoint(w.key, next);
    }

    private static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
