package dev.wgdesk.app.helper;

import dev.wgdesk.engine.resilience.Resilience;
import dev.wgdesk.engine.resilience.SleepDetector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.platform.linux.net.Command;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14 item 2, a simulated suspend against wireguard-go, with the real helper and Linux
 * backend in a namespace ({@link HelperInNetns}). While "asleep" the server forgets our session
 * (its peer is removed and added again, as a server restarted meanwhile would), so the client's
 * current session is dead. Without a trigger the client keeps sending on it and starts a new
 * handshake only after {@code KEEPALIVE_TIMEOUT + REKEY_TIMEOUT} (15 s); with one, the tunnel is
 * back within one handshake ({@link #ONE_HANDSHAKE_MILLIS}). The triggers: a jump of the
 * sleep-inclusive clock handed to the backend's {@link SleepDetector} (the boot-time clock of a
 * real resume), a change of default route (the client's link going down and up and its default
 * route coming back, as DHCP would bring it), and both together.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ResilienceNetnsTest {
    /** One handshake and a ping: REKEY_TIMEOUT, the time the engine's first retry would take. */
    private static final long ONE_HANDSHAKE_MILLIS = 5000;

    private final AtomicLong asleep = new AtomicLong();
    private ConnectedNetns net;
    private HelperInNetns h;
    private IpcClient client;
    private PrivateKey key;

    @BeforeAll
    void setUp() throws Exception {
        net = ConnectedNetns.connect("netns resilience tests", "r", false, new SleepDetector(System::nanoTime,
                () -> System.nanoTime() + asleep.get(), SleepDetector.DEFAULT_THRESHOLD_NANOS), "10.200.0.1/32");
        h = net.helper();
        key = net.key();
        client = net.client();
        client.importConfig("rs", "[Interface]\nPrivateKey = " + key.toBase64() + "\nAddress = 10.200.0.1/24\n\n"
                + "[Peer]\nPublicKey = " + h.peerPublicKey + "\nEndpoint = 10.99.0.2:51820\nAllowedIPs = 10.200.0.2/32\n");
        assertEquals(TunnelState.ACTIVE, client.activate("rs").state());
        h.ping("10.200.0.2");
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    /** The server drops every session with us (and will accept a new handshake). */
    private void serverForgetsUs() throws Exception {
        String pub = key.publicKey().toBase64();
        Command.check("ip", "netns", "exec", h.nsB, "wg", "set", h.wgIface, "peer", pub, "remove");
        h.addPeerToWireguardGo(pub, "10.200.0.1/32");
    }

    /** Milliseconds until a ping through the tunnel is answered (one ping a second, 1 s timeout each), or -1. */
    private long recoveryMillis(long limitMillis) throws Exception {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(limitMillis)) {
            if (h.inA("ping", "-c", "1", "-W", "1", "10.200.0.2").exitCode() == 0) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }
        }
        return -1;
    }

    /** Lets the previous restart age past Resilience's once-per-REKEY_TIMEOUT limit and the sessions settle. */
    private void quiet() throws Exception {
        Thread.sleep(Resilience.MIN_RESTART_INTERVAL_NANOS / 1_000_000 + 500);
        h.ping("10.200.0.2");
    }

    private boolean logged(String text, long sinceMillis) {
        return h.log.tail(500).stream()
                .anyMatch(e -> e.timeMillis() >= sinceMillis && "rs".equals(e.tunnel()) && e.message().contains(text));
    }

    private List<String> logSince(long sinceMillis) {
        return h.log.tail(500).stream().filter(e -> e.timeMillis() >= sinceMillis).map(LogEntry::message).toList();
    }

    @Test
    void withoutATriggerTheDeadSessionIsUsedUntilItTimesOut() throws Exception {
        quiet();
        serverForgetsUs();
        long r = recoveryMillis(4000);
        assertEquals(-1, r, "the client sends on a session the server no longer has: nothing for 4 s");
        // The engine's own timers recover it (KEEPALIVE_TIMEOUT + REKEY_TIMEOUT after the first unanswered data).
        assertTrue(recoveryMillis(25_000) >= 0, "and it does recover by the protocol's timers");
    }

    @Test
    void aResumeFromSleepRecoversWithinOneHandshake() throws Exception {
        quiet();
        long since = System.currentTimeMillis();
        serverForgetsUs();
        asleep.addAndGet(TimeUnit.SECONDS.toNanos(600)); // ten minutes suspended
        long r = recoveryMillis(ONE_HANDSHAKE_MILLIS);
        assertTrue(r >= 0, "back within one handshake after the resume; log: " + logSince(since));
        assertTrue(logged("(resumed from sleep after about 600 s): new handshake started with 1 peer", since), logSince(since).toString());
    }

    @Test
    void aNewDefaultRouteRecoversWithinOneHandshake() throws Exception {
        quiet();
        long since = System.currentTimeMillis();
        serverForgetsUs();
        h.a("link", "set", h.vethA, "down"); // takes the default route with it
        h.a("link", "set", h.vethA, "up");
        h.a("route", "replace", "default", "via", "10.99.0.2"); // as DHCP would bring it back
        long r = recoveryMillis(ONE_HANDSHAKE_MILLIS);
        assertTrue(r >= 0, "back within one handshake after the route change; log: " + logSince(since));
        assertTrue(logged("default route changed", since), logSince(since).toString());
    }

    @Test
    void aSuspendWithTheLinkDownAndUpRecoversWithinOneHandshake() throws Exception {
        quiet();
        long since = System.currentTimeMillis();
        serverForgetsUs();
        h.a("link", "set", h.vethA, "down");
        asleep.addAndGet(TimeUnit.SECONDS.toNanos(3600));
        h.a("link", "set", h.vethA, "up");
        h.a("route", "replace", "default", "via", "10.99.0.2");
        long r = recoveryMillis(ONE_HANDSHAKE_MILLIS);
        assertTrue(r >= 0, "back within one handshake; log: " + logSince(since));
        System.out.println("suspend + link down/up: tunnel back after " + r + " ms");
        List<String> restarts = logSince(since).stream().filter(l -> l.startsWith("Network changed")).toList();
        assertEquals(1, restarts.size(), "one restart for the whole resume: " + restarts);
        assertTrue(restarts.getFirst().contains("resumed from sleep") && restarts.getFirst().contains("default route changed"),
                restarts.getFirst());
        assertFalse(client.status("rs").peers().isEmpty());
    }
}
