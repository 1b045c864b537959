package dev.wgdesk.app.helper;

import static dev.wgdesk.app.helper.FaultyRunner.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.platform.linux.net.Command;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15 item 5: the real helper with the real Linux backend, as root, its tunnels in a
 * network namespace of their own ({@link HelperInNetns}), made to fail at each activation step
 * in turn: some failures are real (an unresolvable endpoint, an interface name already taken, a
 * listening port in use, an unwritable journal), the others are injected into the backend's
 * command runner ({@link FaultyRunner}) at the command that does the step. Each time the
 * namespace must be left exactly as before: no interface, the same rules and routes in every
 * table, no packet filter table, every DNS registration withdrawn, no journal; the tunnel is
 * FAILED naming the step, and an error event says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class RealBackendRollbackTest {
    private static final String NAME = "rb";

    private Path dir;
    private ConnectedNetns net;
    private HelperInNetns h;
    private IpcClient client;
    private final BlockingQueue<IpcEvent> events = new LinkedBlockingQueue<>();
    private String privateKey;
    private Path marks;

    @BeforeAll
    void setUp() throws Exception {
        net = ConnectedNetns.connect("real-backend rollback tests", "r", true, "10.200.0.1/32,fd20::1/128");
        h = net.helper();
        dir = h.dir;
        h.runner.hide("resolvectl"); // DNS through resolvconf, whatever the host runs
        h.runner.standIn("resolvconf"); // answered by the runner: what matters here is that -a is undone by -d
        privateKey = net.key().toBase64();
        marks = dir.resolve("marks");
        client = net.client();
        client.subscribe(events::add);
        client.importConfig(NAME, config("10.99.0.2:51820", ""));
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @BeforeEach
    void clearEvents() throws Exception {
        events.clear();
        Files.deleteIfExists(marks);
    }

    /** A full tunnel for both families plus a split route, with DNS and all four hooks. */
    private String config(String endpoint, String extra) {
        return "[Interface]\nPrivateKey = " + privateKey + "\nAddress = 10.200.0.1/24, fd20::1/64\n"
                + "DNS = 10.200.0.53, corp.example\n" + extra
                + "PreUp = echo pre-up %i\nPostUp = echo post-up %i\n"
                + "PreDown = echo pre-down %i >> " + dir.resolve("marks") + "\nPostDown = echo post-down %i >> "
                + dir.resolve("marks") + "\n\n[Peer]\nPublicKey = " + h.peerPublicKey + "\nEndpoint = " + endpoint
                + "\nAllowedIPs = 0.0.0.0/0, ::/0, 10.250.0.0/16\n";
    }

    private static Predicate<List<String>> hook(String text) {
        return argv -> argv.getFirst().equals("/bin/bash") && argv.get(2).startsWith(text);
    }

    /** The control: the same configuration comes up, carries traffic and goes down without a trace. */
    @Test
    void theConfigurationWorksWhenNothingFails() throws Exception {
        String before = h.routingState();
        h.runner.clearRecord();
        TunnelStatus s = client.activate(NAME);
        assertEquals(TunnelState.ACTIVE, s.state());
        assertEquals("table inet wgdesk-" + NAME, h.nftTables().strip());
        h.ping("198.51.100.1");
        h.ping("2001:db8:ffff::1");
        assertTrue(h.runner.ran().contains(List.of("resolvconf", "-a", NAME, "-m", "0", "-x")), "DNS was set");
        client.deactivate(NAME);
        assertEquals(before, h.routingState());
        assertEquals("", h.nftTables());
        assertDnsWithdrawn();
        assertEquals(List.of("pre-down " + NAME, "post-down " + NAME), Files.readAllLines(marks));
    }

    static Stream<Arguments> injectedFailures() {
        return Stream.of(
                Arguments.of("MTU", (Runnable[]) null, startsWith("ip", "route", "get"), true),
                Arguments.of("PreUp", null, hook("echo pre-up"), false),
                Arguments.of("firewall", null, startsWith("nft", "-f", "-"), false),
                Arguments.of("addresses", null, startsWith("ip", "-6", "address", "add"), false),
                Arguments.of("DNS", null, startsWith("resolvconf", "-a"), false),
                Arguments.of("routes", null, startsWith("ip", "-6", "route", "add", "::/0"), false),
                Arguments.of("routes", null, startsWith("ip", "-4", "rule", "add", "table", "main"), false),
                Arguments.of("PostUp", null, hook("echo post-up"), false));
    }

    @ParameterizedTest(name = "a failure at step {0} is rolled back")
    @MethodSource("injectedFailures")
    void anInjectedFailureAtEachStepIsRolledBack(String step, Runnable[] unused, Predicate<List<String>> command,
                                                 boolean cannotStart) throws Exception {
        String before = h.routingState();
        h.runner.clearRecord();
        if (cannotStart) {
            h.runner.cannotStartNext(command);
        } else {
            h.runner.failNext(command);
        }
        assertActivationFailsAt(step);
        assertFalse(h.runner.failurePending(), "the injected failure happened");
        assertClean(before, NAME);
    }

    /**
     * Without nft the helper falls back to Debian's iptables/ip6tables: the rules go in for real,
     * drop a spoofed ping from the LAN, and go away on deactivation; a failure at the third rule
     * takes the first two away again.
     */
    @Test
    void theIptablesFallbackWorksForRealAndIsRolledBack() throws Exception {
        Assumptions.assumeTrue(h.runner.onPath("iptables") && h.runner.onPath("ip6tables"),
                "the iptables fallback test needs Debian's iptables package");
        h.runner.hide("nft");
        try {
            client.activate(NAME);
            String v4 = h.inA("iptables-save").stdout();
            assertEquals(3, v4.lines().filter(l -> l.contains("wgdesk rule for " + NAME)).count(), v4);
            assertEquals(3, h.inA("ip6tables-save").stdout().lines().filter(l -> l.contains("wgdesk rule for " + NAME))
                    .count());
            h.b("route", "add", "10.200.0.1/32", "via", "10.99.0.1", "dev", h.vethB);
            try {
                Command.Result spoof = Command.run(List.of("ip", "netns", "exec", h.nsB, "ping", "-c", "3", "-i", "0.2",
                        "-W", "1", "10.200.0.1"), null, Map.of(), 30);
                assertTrue(spoof.exitCode() != 0, "the spoofed ping is dropped: " + spoof.stdout());
            } finally {
                h.b("route", "del", "10.200.0.1/32", "via", "10.99.0.1", "dev", h.vethB);
            }
            String counters = h.inA("iptables", "-w", "-t", "raw", "-L", "PREROUTING", "-v", "-x", "-n").stdout();
            assertTrue(counters.lines().anyMatch(l -> l.strip().startsWith("3 ") && l.contains("DROP")), counters);
            client.deactivate(NAME);
            assertNoIptablesRules();

            String before = h.routingState();
            h.runner.failNext(startsWith("ip6tables", "-w", "-t", "raw", "-I"));
            assertActivationFailsAt("firewall");
            assertFalse(h.runner.failurePending());
            assertNoIptablesRules();
            assertEquals(before, h.routingState());
            assertFalse(h.linkExists(NAME));
        } finally {
            h.runner.unhide("nft");
            h.inA("nft", "flush", "ruleset"); // iptables-nft leaves its empty tables behind
        }
    }

    private void assertNoIptablesRules() throws Exception {
        for (String save : List.of("iptables-save", "ip6tables-save")) {
            String rules = h.inA(save).stdout();
            assertFalse(rules.contains("wgdesk"), save + ": " + rules);
        }
    }

    @Test
    void anUnresolvableEndpointFailsBeforeAnythingChanges() throws Exception {
        String before = h.routingState();
        String name = "rbdns";
        client.importConfig(name, config("no-such-host.invalid:51820", ""));
        try {
            h.runner.clearRecord();
            IpcException e = assertThrows(IpcException.class, () -> client.activate(name));
            assertTrue(e.getMessage().contains("step \"resolve endpoints\" failed: cannot resolve no-such-host.invalid"),
                    e.getMessage());
            assertClean(before, name);
        } finally {
            client.delete(name);
        }
    }

    @Test
    void anInterfaceNameTakenByAnotherKindOfLinkFailsAndTheLinkIsLeftAlone() throws Exception {
        h.a("link", "add", NAME, "type", "veth", "peer", "name", NAME + "-peer");
        try {
            String before = h.routingState();
            h.runner.clearRecord();
            assertActivationFailsAt("interface");
            assertTrue(h.a("-d", "link", "show", "dev", NAME).contains("veth"), "someone else's link is not deleted");
            assertEquals(before, h.routingState());
            assertEquals("", h.nftTables());
            assertDnsWithdrawn();
            assertEquals(List.of(), h.journals());
        } finally {
            h.a("link", "del", NAME);
        }
    }

    @Test
    void aListenPortInUseFailsAtTheDeviceAndTheInterfaceGoes() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort(); // free on the host; the holder below takes it in namespace A
        }
        Process holder = new ProcessBuilder("ip", "netns", "exec", h.nsA, "python3", "-c",
                "import socket,sys,time\n"
                        + "a=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); a.bind(('0.0.0.0'," + port + "))\n"
                        + "b=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
                        + "b.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,1); b.bind(('::'," + port + "))\n"
                        + "print('bound',flush=True); time.sleep(120)").redirectErrorStream(true).start();
        String name = "rbport";
        try {
            assertEquals("bound", new String(holder.getInputStream().readNBytes(5)), "the port holder is listening");
            client.importConfig(name, config("10.99.0.2:51820", "ListenPort = " + port + "\n"));
            String before = h.routingState();
            h.runner.clearRecord();
            IpcException e = assertThrows(IpcException.class, () -> client.activate(name));
            assertEquals(ErrorCode.ACTIVATION_FAILED, e.code());
            assertTrue(e.getMessage().contains("step \"device\" failed"), e.getMessage());
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
            assertClean(before, name);
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
            client.delete(name);
        }
    }

    @Test
    void aJournalThatCannotBeWrittenFailsBeforeAnythingChanges() throws Exception {
        // Root ignores file modes; a directory where the journal file goes makes its rename fail.
        Path blocker = dir.resolve("state").resolve(RuntimeJournal.DIR).resolve(NAME + ".json");
        Files.createDirectories(blocker.resolve("x"));
        try {
            String before = h.routingState();
            h.runner.clearRecord();
            IpcException e = assertThrows(IpcException.class, () -> client.activate(NAME));
            assertEquals(ErrorCode.ACTIVATION_FAILED, e.code());
            assertTrue(e.getMessage().contains("failed"), e.getMessage());
            assertEquals(List.of(), h.runner.ran().stream().filter(c -> !c.getFirst().equals("ip")
                    || c.contains("add") || c.contains("del") || c.contains("set")).toList(),
                    "only look-ups ran (auto MTU, free table): nothing was changed");
            assertEquals(TunnelState.FAILED, client.status(NAME).state());
            assertEquals(before, h.routingState());
            assertEquals("", h.nftTables());
            assertFalse(h.linkExists(NAME));
        } finally {
            Files.delete(blocker.resolve("x"));
            Files.delete(blocker);
        }
        assertEquals(TunnelState.ACTIVE, client.activate(NAME).state(), "works again once the journal can be written");
        client.deactivate(NAME);
    }

    private void assertActivationFailsAt(String step) throws Exception {
        IpcException e = assertThrows(IpcException.class, () -> client.activate(NAME));
        assertEquals(ErrorCode.ACTIVATION_FAILED, e.code());
        assertTrue(e.getMessage().startsWith("cannot activate " + NAME + ": step \"" + step + "\" failed"), e.getMessage());
        TunnelStatus s = client.status(NAME);
        assertEquals(TunnelState.FAILED, s.state());
        assertTrue(s.error().startsWith("step \"" + step + "\" failed"), s.error());
        assertTrue(awaitEvent(ev -> ev instanceof IpcEvent.ErrorOccurred err && err.name().equals(NAME)
                && err.message().contains("step \"" + step + "\"")), "an error event names the step");
    }

    private boolean awaitEvent(Predicate<IpcEvent> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            IpcEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && p.test(e)) {
                return true;
            }
        }
        return false;
    }

    /** Nothing of tunnel {@code name} is left in namespace A or in the helper's state. */
    private void assertClean(String before, String name) throws Exception {
        assertFalse(h.linkExists(name), "the interface is gone");
        assertEquals(before, h.routingState(), "rules, routes and links as before");
        assertEquals("", h.nftTables(), "no packet filter table");
        assertDnsWithdrawn();
        assertEquals(List.of(), h.journals(), "no journal left");
        assertFalse(Files.exists(dev.wgdesk.engine.platform.UapiSocket.socketPath(
                dev.wgdesk.engine.platform.UapiSocket.DEFAULT_DIRECTORY, name), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                "no UAPI socket left in /var/run/wireguard");
        assertFalse(Files.exists(marks), "no PreDown/PostDown on a rollback (as wg-quick)");
        assertEquals(List.of(), Command.run(List.of("ip", "netns", "exec", h.nsA, "ss", "-Hua"), null, Map.of(), 10)
                .stdout().lines().toList(), "no UDP socket left open in the namespace");
    }

    /** Every {@code resolvconf -a X} the backend ran was followed by {@code resolvconf -d X -f}. */
    private void assertDnsWithdrawn() {
        List<String> open = new ArrayList<>();
        for (List<String> c : h.runner.ran()) {
            if (c.getFirst().equals("resolvconf") && c.get(1).equals("-a")) {
                open.add(c.get(2));
            } else if (c.getFirst().equals("resolvconf") && c.get(1).equals("-d")) {
                open.remove(c.get(2));
            }
        }
        assertEquals(List.of(), open, "DNS registrations left: " + h.runner.ran());
    }
}
