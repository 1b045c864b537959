package dev.wgdesk.engine.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.Endpoint;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.time.VirtualClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The re-resolution policy of {@link EndpointWatcher} in virtual time, against a fake device
 * (byte counters and endpoint per peer) and a fake resolver whose answers the test changes.
 */
class EndpointWatcherTest {
    private static final long S = 1_000_000_000L;
    private static final String HOST = "vpn.example.test";
    private static final int PORT = 51820;

    private final VirtualClock clock = new VirtualClock();
    private final PublicKey key = PrivateKey.generate().publicKey();
    private final Map<String, List<InetAddress>> names = new HashMap<>();
    private final List<String> lookups = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final Fake device = new Fake();

    /** A device with one peer: its endpoint and counters, and the endpoints the watcher set. */
    private final class Fake implements EndpointWatcher.Target {
        InetSocketAddress endpoint;
        long rx;
        long tx;
        final List<InetSocketAddress> moves = new ArrayList<>();
        final List<String> resolutions = new ArrayList<>();

        @Override
        public Map<PublicKey, EndpointWatcher.PeerState> peers() {
            return Map.of(key, new EndpointWatcher.PeerState(endpoint, rx, tx));
        }

        @Override
        public void moveEndpoint(PublicKey peer, InetSocketAddress ep) {
            assertEquals(key, peer);
            moves.add(ep);
            endpoint = ep;
        }

        @Override
        public void resolved(PublicKey peer, String host) {
            assertEquals(key, peer);
            resolutions.add("ok " + host);
        }

        @Override
        public void resolutionFailed(PublicKey peer, String host, String error) {
            assertEquals(key, peer);
            resolutions.add("failed " + host + ": " + error);
        }
    }

    private HostResolver resolver() {
        return host -> {
            lookups.add(host + "@" + (clock.nanoTime() - start) / S);
            List<InetAddress> a = names.get(host);
            if (a == null) {
                throw new UnknownHostException(host + ": Name or service not known");
            }
            return a;
        };
    }

    private long start;

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static InetSocketAddress ep(String s) throws Exception {
        return new InetSocketAddress(ip(s), PORT);
    }

    private EndpointWatcher watcher(String endpointText) throws Exception {
        PeerConfig peer = PeerConfig.builder().setPublicKey(key).setEndpoint(Endpoint.parse(endpointText))
                .setAllowedIps(List.of(IpPrefix.parse("10.0.0.2/32"))).build();
        start = clock.nanoTime();
        return new EndpointWatcher("t", List.of(peer), device, resolver(), clock, log::add);
    }

    /** Advances {@code seconds} one second at a time, ticking after each, with {@code perSecond} run first. */
    private void run(EndpointWatcher w, int seconds, Runnable perSecond) {
        for (int i = 0; i < seconds; i++) {
            clock.advanceSeconds(1);
            perSecond.run();
            w.tick();
        }
    }

    /** Data goes out every second and nothing comes back. */
    private void unanswered() {
        device.tx += 100;
    }

    /** Data both ways every second. */
    private void answered() {
        device.tx += 100;
        device.rx += 100;
    }

    @Test
    void aMovedNameIsFollowedOnceHandshakesFail() throws Exception {
        device.endpoint = ep("192.0.2.1");
        names.put(HOST, List.of(ip("192.0.2.1")));
        EndpointWatcher w = watcher(HOST + ":" + PORT);
        run(w, 30, this::answered);
        assertEquals(List.of(), lookups, "a peer that answers is not looked up before the refresh interval");

        names.put(HOST, List.of(ip("198.51.100.7"))); // the server moved
        run(w, 15, this::unanswered); // the first unanswered data is seen at 31 s
        assertEquals(List.of(), lookups, "less than 15 s of silence is not failing yet");
        run(w, 1, this::unanswered);
        assertEquals(List.of(HOST + "@46"), lookups, "looked up as soon as 15 s passed without an answer");
        assertEquals(List.of(ep("198.51.100.7")), device.moves);
        assertTrue(log.getLast().contains("moved from 192.0.2.1:51820 to 198.51.100.7:51820"), log.getLast());
        assertTrue(log.getLast().contains("handshakes were failing"), log.getLast());
        assertFalse(String.join("\n", log).contains(key.toBase64()), "no key in the log");

        run(w, 5, this::answered); // the new address answers
        run(w, 200, this::answered);
        assertEquals(1, lookups.size(), "no more look-ups while it answers (until the refresh)");
    }

    @Test
    void failingWithAnUnchangedNameLooksUpWithBackoffAndSwitchesNothing() throws Exception {
        device.endpoint = ep("192.0.2.1");
        names.put(HOST, List.of(ip("192.0.2.1")));
        EndpointWatcher w = watcher(HOST + ":" + PORT);
        run(w, 200, this::unanswered);
        // Data first seen unanswered at 1 s, failing from 16 s: at once, then +15, +30, +60, +60 ...
        assertEquals(List.of(HOST + "@16", HOST + "@31", HOST + "@61", HOST + "@121", HOST + "@181"), lookups);
        assertEquals(List.of(), device.moves, "the name did not move: the endpoint stays");
    }

    @Test
    void loneKeepalivesAskForNoAnswerAndDoNotCountAsFailing() throws Exception {
        device.endpoint = ep("192.0.2.1");
        names.put(HOST, List.of(ip("192.0.2.1")));
        EndpointWatcher w = watcher(HOST + ":" + PORT);
        for (int i = 0; i < 120; i++) {
            clock.advanceSeconds(1);
            if (i % 25 == 0) {
                device.tx += 32; // persistent keepalive, no reply owed
            }
            w.tick();
        }
        assertEquals(List.of(), lookups);
    }

    @Test
    void anIdleTunnelIsLookedUpEveryFiveMinutesAndFollowsTheName() throws Exception {
        device.endpoint = ep("192.0.2.1");
        names.put(HOST, List.of(ip("192.0.2.1")));
        EndpointWatcher w = watcher(HOST + ":" + PORT);
        run(w, 299, () -> { });
        assertEquals(List.of(), lookups);
        run(w, 1, () -> { });
        assertEquals(List.of(HOST + "@300"), lookups);
        assertEquals(List.of(), device.moves, "unchanged");
        names.put(HOST, List.of(ip("198.51.100.7"), ip("198.51.100.8")));
        run(w, 300, () -> { });
        assertEquals(List.of(HOST + "@300", HOST + "@600"), lookups);
        assertEquals(List.of(ep("198.51.100.7")), device.moves, "the first address of the moved name");
        assertTrue(log.getLast().contains("periodic re-resolution"), log.getLast());
    }

    @Test
    void theCurrentEndpointAmongTheNamesAddressesIsKept() throws Exception {
        device.endpoint = ep("192.0.2.2");
        names.put(HOST, List.of(ip("192.0.2.1"), ip("192.0.2.2"))); // round-robin: ours is still one
        EndpointWatcher w = watcher(HOST + ":" + PORT);
        run(w, 600, () -> { });
        assertEquals(2, lookups.size());
        assertEquals(List.of(), device.moves);
    }

    @Test
    void aRoamedEndpointThatWorksIsNotOverriddenButOneThatFailsIs() throws Exception {
        device.endpoint = ep("192.0.2.1");
        names.put(HOST, List.of(ip("192.0.2.1")));
        EndpointWatcher w = watcher(HOST + ":" + PORT);
        // The peer roamed: an authenticated packet came from 203.0.113.9, and the name moved too.
        device.endpoint = new InetSocketAddress(ip("203.0.113.9"), 40000);
        names.put(HOST, List.of(ip("198.51.100.7")));
        run(w, 600, this::answered);
        assertEquals(2, lookups.size(), "periodic look-ups");
        assertEquals(List.of(), device.moves, "a working roamed endpoint stays");

        run(w, 16, this::unanswered);
        assertEquals(List.of(ep("198.51.100.7")), device.moves, "handshakes fail at the roamed address: follow the name");
        assertTrue(log.getLast().contains("learned by roaming"), log.getLast());
    }

    @Test
    void aNameThatStopsResolvingIsRecordedForTheDiagnosisAndChangesNothing() throws Exception {
        device.endpoint = ep("192.0.2.1");
        names.put(HOST, List.of(ip("192.0.2.1")));
        EndpointWatcher w = watcher(HOST + ":" + PORT);
        ResolutionStatus initial = w.status().getFirst();
        assertEquals(HOST, initial.host());
        assertEquals(PORT, initial.port());
        assertEquals(key.toBase64(), initial.peer());
        assertFalse(initial.failed());
        long activatedAt = initial.lastSuccessMillis();
        assertTrue(activatedAt > 0, "activation resolved it");

        names.remove(HOST);
        run(w, 16, this::unanswered);
        ResolutionStatus s = w.status().getFirst();
        assertTrue(s.failed());
        assertTrue(s.error().contains("Name or service not known"), s.error());
        assertEquals(activatedAt, s.lastSuccessMillis(), "last ok at activation");
        assertEquals(activatedAt + 16_000, s.lastAttemptMillis(), "failed 16 s later");
        assertEquals(List.of(ip("192.0.2.1")), s.addresses(), "what it last resolved to");
        assertEquals(List.of(), device.moves);
        assertTrue(log.getLast().startsWith("Cannot resolve " + HOST), log.getLast());
        assertTrue(device.resolutions.getLast().startsWith("failed " + HOST + ": ")
                && device.resolutions.getLast().contains("Name or service not known"),
                "the device hears of the failure (diagnosis dns-failed): " + device.resolutions);
        int lines = log.size();
        run(w, 30, this::unanswered);
        assertEquals(lines, log.size(), "a failure is logged once, not at every retry");

        names.put(HOST, List.of(ip("198.51.100.7")));
        run(w, 60, this::unanswered);
        assertFalse(w.status().getFirst().failed());
        assertEquals("ok " + HOST, device.resolutions.getLast(), "and of the recovery");
        assertEquals(List.of(ep("198.51.100.7")), device.moves);
        assertTrue(log.stream().anyMatch(l -> l.equals("Resolving " + HOST + " works again")), log.toString());
    }

    @Test
    void endpointsGivenAsAddressesAreNotWatched() throws Exception {
        device.endpoint = ep("192.0.2.1");
        EndpointWatcher w = watcher("192.0.2.1:" + PORT);
        assertTrue(w.isEmpty());
        run(w, 400, this::unanswered);
        assertEquals(List.of(), lookups);
        assertEquals(List.of(), w.status());
    }

    @Test
    void aPeerWithoutEndpointAfterActivationGetsTheNamesAddress() throws Exception {
        device.endpoint = null;
        names.put(HOST, List.of(ip("192.0.2.1")));
        EndpointWatcher w = watcher(HOST + ":" + PORT);
        run(w, 300, () -> { });
        assertEquals(List.of(ep("192.0.2.1")), device.moves);
        assertNull(w.status().getFirst().error());
    }
}
