package dev.wgdesk.app.helper;

import static dev.wgdesk.app.helper.OwnershipRulesTest.ALICE;
import static dev.wgdesk.app.helper.OwnershipRulesTest.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.app.ipc.IpcProtocol.Method;
import dev.wgdesk.app.ipc.IpcServer;
import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ipc.OnDemandRule;
import dev.wgdesk.app.ipc.OnDemandRule.WifiMode;
import dev.wgdesk.app.ipc.OnDemandStatus;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ondemand.NetworkSource;
import dev.wgdesk.app.ondemand.NetworkState;
import dev.wgdesk.app.ondemand.NetworkState.Connection;
import dev.wgdesk.app.testsupport.ManualTasks;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On-demand in the helper ({@link OnDemand} through {@link TunnelManager} and the IPC handler)
 * with the fake backend, a network source the test changes, and the debounce driven by hand
 * (virtual time: the test sees each scheduled decision and its delay, and runs it).
 */
class OnDemandHelperTest {
    private static final OnDemandRule EXCEPT_HOME = new OnDemandRule(WifiMode.EXCEPT, List.of("Home"), false);

    @TempDir
    Path dir;
    private TunnelManager tunnels;
    private HelperLog log;
    private final FakeSource net = new FakeSource();
    private final ManualTasks scheduled = new ManualTasks();
    private int sourcesMade;
    /** Sees each event the helper sends, in the thread that caused it (a test's hook into a switch). */
    private volatile java.util.function.Consumer<dev.wgdesk.app.ipc.IpcEvent> onEvent = e -> { };

    /** The networks as the test sets them. */
    private static final class FakeSource implements NetworkSource {
        volatile NetworkState state = NetworkState.NONE;
        volatile String unavailable;
        volatile Runnable changed;
        volatile boolean closed;

        void set(NetworkState s) {
            state = s;
            changed.run();
        }

        @Override
        public void start(Runnable c) {
            changed = c;
        }

        @Override
        public Optional<String> unavailableReason() {
            return Optional.ofNullable(unavailable);
        }

        @Override
        public NetworkState read() throws NetworkSourceException {
            if (unavailable != null) {
                throw new NetworkSourceException(unavailable);
            }
            return state;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @BeforeEach
    void start() throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        log = new HelperLog(null);
        tunnels = new TunnelManager(ConfigStore.open(state), StateStore.open(state), RuntimeJournal.open(state),
                new FakeBackend(), HelperPolicy.defaults(), log, e -> onEvent.accept(e), OwnershipRulesTest.NAMES);
        tunnels.onDemand().setSources(() -> {
            sourcesMade++;
            return net;
        });
        tunnels.onDemand().setScheduler((task, delay) -> scheduled.add(task, java.time.Duration.ofMillis(delay)));
        tunnels.startup();
    }

    @AfterEach
    void stop() {
        tunnels.close();
    }

    /** Runs the decisions scheduled and not cancelled; returns their delays in ms. */
    private List<Long> runScheduled() {
        return scheduled.runPending().stream().map(java.time.Duration::toMillis).toList();
    }

    private static String config(String allowed) {
        return "[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64() + "\nAddress = 10.9.0.1/24\n\n[Peer]\n"
                + "PublicKey = " + PrivateKey.generate().publicKey().toBase64() + "\nAllowedIPs = " + allowed + "\n";
    }

    private TunnelState state(String name) throws IpcException {
        return tunnels.status(name).state();
    }

    private OnDemandStatus onDemand(String name) throws IpcException {
        return tunnels.status(name).onDemand();
    }

    private static NetworkState wifi(String ssid) {
        return new NetworkState(List.of(Connection.wifi(ssid, "wlan0")));
    }

    @Test
    void upOnUntrustedDownOnTrustedDebounced() throws Exception {
        tunnels.save("vpn", config("10.1.0.0/16"), true, ALICE);
        assertEquals(0, sourcesMade, "no rule, no network source");
        net.state = wifi("Cafe");
        tunnels.setOnDemand("vpn", EXCEPT_HOME, ALICE);
        assertEquals(1, sourcesMade);
        assertEquals(List.of(0L), runScheduled(), "a new rule is decided at once");
        assertEquals(TunnelState.ACTIVE, state("vpn"));
        OnDemandStatus s = onDemand("vpn");
        assertEquals("up", s.decision());
        assertTrue(s.reason().contains("Wi-Fi \"Cafe\""), s.reason());
        assertTrue(s.describe().startsWith("brought up by on-demand"), s.describe());
        assertTrue(log.tail(50).stream().anyMatch(l -> "vpn".equals(l.tunnel()) && l.message().contains("on-demand: on Wi-Fi")),
                "the transition's log line says on-demand did it");

        net.set(NetworkState.NONE); // roaming: gone for a moment...
        net.set(wifi("Home"));      // ...then on the trusted network
        assertEquals(List.of(OnDemand.DEBOUNCE_MILLIS), runScheduled(), "one decision for the burst, after the debounce");
        assertEquals(TunnelState.INACTIVE, state("vpn"));
        assertEquals("down", onDemand("vpn").decision());
        assertTrue(onDemand("vpn").reason().contains("trusted"), onDemand("vpn").reason());
    }

    /** Tunnel "vpn" with an "except Home" rule, brought up by on-demand on Wi-Fi "Cafe". */
    private void upByOnDemandOnCafe() throws Exception {
        tunnels.save("vpn", config("10.1.0.0/16"), true, ALICE);
        net.state = wifi("Cafe");
        tunnels.setOnDemand("vpn", EXCEPT_HOME, ALICE);
        runScheduled();
        assertEquals(TunnelState.ACTIVE, state("vpn"));
    }

    @Test
    void switchedByHandIsLeftUntilTheNetworkChanges() throws Exception {
        upByOnDemandOnCafe();

        tunnels.deactivate("vpn", ALICE);
        assertEquals("kept", onDemand("vpn").decision());
        assertTrue(onDemand("vpn").reason().contains("by hand"), onDemand("vpn").reason());
        net.set(wifi("Cafe")); // the same network reported again
        runScheduled();
        assertEquals(TunnelState.INACTIVE, state("vpn"), "the user's choice stands on this network");
        assertEquals(EXCEPT_HOME, tunnels.status("vpn").onDemand().rule(), "the rule itself stays (unlike macOS)");

        net.set(wifi("Airport"));
        runScheduled();
        assertEquals(TunnelState.ACTIVE, state("vpn"), "a new network: the rule applies again");

        // switched on by hand on a trusted network: left up there
        net.set(wifi("Home"));
        runScheduled();
        assertEquals(TunnelState.INACTIVE, state("vpn"));
        tunnels.activate("vpn", ALICE);
        net.set(wifi("Home"));
        runScheduled();
        assertEquals(TunnelState.ACTIVE, state("vpn"));
    }

    /**
     * The race: on-demand decides while a switch by hand is half done (the tunnel already down,
     * the switch not yet recorded). The test pauses the user's deactivation right after the
     * tunnel went INACTIVE and runs the pending decision in another thread until it has either
     * finished (it saw the switch under way and put itself off) or is parked on a lock the user's
     * request holds; then lets the request go on, and runs what is scheduled after. Before the fix
     * the decision saw the tunnel down and "not switched by hand", and brought it up again after
     * the user's request: the user's "off" was undone until the next network change.
     */
    @Test
    void aDecisionRacingASwitchByHandNeverUndoesIt() throws Exception {
        upByOnDemandOnCafe();
        net.set(wifi("Cafe")); // a decision is pending (the same network reported again)

        Thread user = Thread.currentThread();
        Thread[] decider = new Thread[1];
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<List<Long>> ranByDecider = new java.util.concurrent.CopyOnWriteArrayList<>();
        onEvent = e -> {
            if (Thread.currentThread() == user && e instanceof dev.wgdesk.app.ipc.IpcEvent.StateChanged c
                    && c.name().equals("vpn") && c.state() == TunnelState.INACTIVE && decider[0] == null) {
                decider[0] = Thread.ofPlatform().name("ondemand-decider").start(() -> {
                    try {
                        ranByDecider.add(runScheduled());
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
                // Until the decision is done, or waits for a lock (one this, the user's, thread holds).
                while (decider[0].isAlive() && java.util.concurrent.locks.LockSupport.getBlocker(decider[0]) == null) {
                    if (System.nanoTime() > deadline) {
                        failures.add(new AssertionError("the decision neither finished nor waited"));
                        break;
                    }
                    Thread.onSpinWait();
                }
            }
        };
        tunnels.deactivate("vpn", ALICE);
        onEvent = e -> { };
        assertTrue(decider[0] != null, "the deactivation went through INACTIVE");
        decider[0].join(20_000);
        assertFalse(decider[0].isAlive());
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(TunnelState.INACTIVE, state("vpn"), "switched off by hand: on-demand leaves it off on this network");
        assertEquals(List.of(List.of(OnDemand.DEBOUNCE_MILLIS)), ranByDecider);
        assertEquals(List.of(OnDemand.BUSY_RETRY_MILLIS), runScheduled(), "decided again once the switch was recorded");
        assertEquals(TunnelState.INACTIVE, state("vpn"), "still off after that decision");
        assertEquals("kept", onDemand("vpn").decision());

        net.set(wifi("Airport"));
        runScheduled();
        assertEquals(TunnelState.ACTIVE, state("vpn"), "a new network: the rule applies again");
    }

    @Test
    void onlyTheOwnerOrRootSetsARuleAndBadRulesNameTheField() throws Exception {
        tunnels.save("vpn", config("10.1.0.0/16"), true, ALICE);
        tunnels.setShared("vpn", true, ALICE);
        IpcException e = assertThrows(IpcException.class, () -> tunnels.setOnDemand("vpn", EXCEPT_HOME, BOB));
        assertEquals(ErrorCode.NOT_PERMITTED, e.code());
        tunnels.setOnDemand("vpn", EXCEPT_HOME, OwnershipRulesTest.ROOT);

        HelperService service = new HelperService(ConfigStore.open(dir.resolve("state")), tunnels, log);
        ObjectNode p = IpcJson.object();
        p.put("name", "vpn");
        IpcException missing = assertThrows(IpcException.class,
                () -> service.handle(Method.SET_ON_DEMAND, p, new IpcServer.Client(1, ALICE)));
        assertEquals(ErrorCode.BAD_REQUEST, missing.code());
        assertTrue(missing.getMessage().contains("rule: an object"), missing.getMessage());
        ObjectNode rule = p.putObject("rule");
        rule.put("wifi", "only");
        rule.putArray("ssids").add("Cafe").add("x".repeat(33));
        IpcException bad = assertThrows(IpcException.class,
                () -> service.handle(Method.SET_ON_DEMAND, p, new IpcServer.Client(1, ALICE)));
        assertEquals(ErrorCode.BAD_REQUEST, bad.code());
        assertTrue(bad.getMessage().contains("ssids[1]") && bad.getMessage().contains("33 bytes"), bad.getMessage());
        rule.put("wifi", "sometimes");
        IpcException mode = assertThrows(IpcException.class,
                () -> service.handle(Method.SET_ON_DEMAND, p, new IpcServer.Client(1, ALICE)));
        assertTrue(mode.getMessage().contains("wifi"), mode.getMessage());

        rule.put("wifi", "only");
        rule.putArray("ssids").add("Cafe");
        rule.put("ethernet", true);
        var r = service.handle(Method.SET_ON_DEMAND, p, new IpcServer.Client(1, ALICE));
        assertEquals("ONLY", r.path("status").path("onDemand").path("rule").path("wifi").asText());
        assertEquals(new OnDemandRule(WifiMode.ONLY, List.of("Cafe"), true), tunnels.status("vpn").onDemand().rule());
    }

    @Test
    void unavailableSaysWhyInStatusAndLogOnce() throws Exception {
        tunnels.save("vpn", config("10.1.0.0/16"), true, ALICE);
        net.unavailable = "NetworkManager is not running";
        tunnels.setOnDemand("vpn", EXCEPT_HOME, ALICE);
        runScheduled();
        net.set(wifi("Cafe"));
        runScheduled();
        OnDemandStatus s = onDemand("vpn");
        assertEquals("NetworkManager is not running", s.unavailable());
        assertTrue(s.describe().startsWith("on-demand unavailable"), s.describe());
        List<LogEntry> errors = log.tail(100).stream().filter(l -> l.level().equals("ERROR")
                && l.message().contains("On-demand is unavailable")).toList();
        assertEquals(1, errors.size(), "said once per reason: " + errors);
        assertTrue(errors.getFirst().message().contains("vpn"), errors.getFirst().message());
        assertEquals(TunnelState.INACTIVE, state("vpn"));

        net.unavailable = null;
        net.set(wifi("Cafe"));
        runScheduled();
        assertNull(onDemand("vpn").unavailable());
        assertEquals(TunnelState.ACTIVE, state("vpn"));
    }

    @Test
    void overlappingRulesExplicitSsidFirstAndHandTunnelsNeverStopped() throws Exception {
        tunnels.save("alpha", config("10.0.0.0/8"), true, ALICE);
        tunnels.save("zeta", config("10.1.0.0/16"), true, ALICE);
        tunnels.save("manual", config("192.168.0.0/16"), true, ALICE);
        tunnels.save("lan", config("192.168.7.0/24"), true, ALICE);
        net.state = wifi("Cafe");
        tunnels.setOnDemand("alpha", new OnDemandRule(WifiMode.ANY, List.of(), false), ALICE);
        tunnels.setOnDemand("zeta", new OnDemandRule(WifiMode.ONLY, List.of("Cafe"), false), ALICE);
        tunnels.activate("manual", ALICE); // no rule: the user's
        tunnels.setOnDemand("lan", new OnDemandRule(WifiMode.ANY, List.of(), false), ALICE);
        runScheduled();
        assertEquals(TunnelState.ACTIVE, state("zeta"), "its rule names this Wi-Fi");
        assertEquals(TunnelState.INACTIVE, state("alpha"));
        assertTrue(onDemand("alpha").reason().contains("overlap zeta"), onDemand("alpha").reason());
        assertEquals(TunnelState.ACTIVE, state("manual"), "never stopped by on-demand");
        assertEquals(TunnelState.INACTIVE, state("lan"));
        assertTrue(onDemand("lan").reason().contains("overlap manual"), onDemand("lan").reason());
    }

    @Test
    void rulesPersistWithTheTunnelAndFollowRenameAndDelete() throws Exception {
        tunnels.save("vpn", config("10.1.0.0/16"), true, ALICE);
        tunnels.save("other", config("10.2.0.0/16"), true, ALICE);
        tunnels.setOnDemand("vpn", EXCEPT_HOME, ALICE);
        tunnels.setOnDemand("other", new OnDemandRule(WifiMode.OFF, List.of(), true), ALICE);
        Path stateDir = dir.resolve("state");
        String json = Files.readString(stateDir.resolve(StateStore.FILE));
        assertTrue(json.contains("\"onDemand\""), json);
        assertEquals(EXCEPT_HOME, StateStore.open(stateDir).onDemand("vpn"));

        tunnels.rename("vpn", "work", ALICE);
        assertEquals(EXCEPT_HOME, StateStore.open(stateDir).onDemand("work"));
        assertEquals(OnDemandRule.OFF, StateStore.open(stateDir).onDemand("vpn"));
        tunnels.setOnDemand("work", OnDemandRule.OFF, ALICE);
        assertNull(tunnels.status("work").onDemand(), "off: no on-demand status");
        tunnels.delete("other", ALICE);
        assertTrue(StateStore.open(stateDir).onDemand().isEmpty());
    }

    @Test
    void aBrokenRuleInTheStateFileIsDroppedAloneWithAnError() throws Exception {
        Path sd = dir.resolve("broken");
        Files.createDirectories(sd);
        Files.writeString(sd.resolve(StateStore.FILE), """
                {"version":2,"active":["a"],"autostart":[],"tunnels":{
                 "a":{"owner":1000,"shared":false,"writer":1000,"onDemand":{"wifi":"ONLY","ssids":[""],"ethernet":false}},
                 "b":{"owner":1000,"shared":true,"writer":1000,"onDemand":{"wifi":"EXCEPT","ssids":["Home"],"ethernet":true}}}}
                """);
        StateStore s = StateStore.open(sd);
        assertEquals(OnDemandRule.OFF, s.onDemand("a"));
        assertEquals(new OnDemandRule(WifiMode.EXCEPT, List.of("Home"), true), s.onDemand("b"));
        assertEquals(java.util.Set.of("a"), s.active(), "the rest of the file is kept");
        assertTrue(s.meta("b").shared());
        assertFalse(Files.exists(sd.resolve(StateStore.FILE + ".bad")));
    }

    @Test
    void macOsAndWindowsSayOnDemandIsNotImplementedThere() throws Exception {
        for (String os : List.of("macos", "windows")) {
            try (NetworkSource s = OnDemand.sourceFor(os, null)) {
                String why = s.unavailableReason().orElseThrow();
                assertTrue(why.contains("not implemented yet on " + os), why);
                assertThrows(NetworkSource.NetworkSourceException.class, s::read);
            }
        }
        try (NetworkSource linux = OnDemand.sourceFor("linux", "unix:path=" + dir.resolve("none"))) {
            assertTrue(linux instanceof dev.wgdesk.app.ondemand.NetworkManagerSource);
        }
        // Through the helper: a rule on such an OS is stored, and status and log say why nothing happens.
        tunnels.save("vpn", config("10.1.0.0/16"), true, ALICE);
        tunnels.onDemand().setSources(() -> OnDemand.sourceFor("macos", null));
        tunnels.setOnDemand("vpn", EXCEPT_HOME, ALICE);
        runScheduled();
        assertTrue(onDemand("vpn").describe().contains("not implemented yet on macos"), onDemand("vpn").describe());
        assertTrue(log.tail(50).stream().anyMatch(l -> l.level().equals("ERROR") && l.message().contains("not implemented yet on macos")));
    }
}
