package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgdesk.app.cli.Main;
import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.CommandException;
import dev.wgdesk.platform.linux.net.ExclusionPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * "Run an app outside the tunnel" judged by what a server on "the internet" sees, with the real
 * helper and backend in namespace A, a wireguard-go peer in B ({@link HelperInNetns}), a full
 * tunnel ({@code AllowedIPs = 0.0.0.0/0}, so the kill switch is on) and a TCP server in B on
 * 198.51.100.1:PORT (reached from A through the gateway 10.99.0.2 or through the tunnel) that
 * answers each connection with the address it came from:
 * <ul>
 *   <li>a process in A that is not excluded arrives from the tunnel's address 10.200.0.1;</li>
 *   <li>{@code wgdesk exclude -- python3 ...} (the real CLI in its own JVM in A, which has its own
 *       pid moved and then becomes python) arrives from A's physical address 10.99.0.1;</li>
 *   <li>a running process moved with the {@code exclude} request ({@code --pid}) likewise, and
 *       goes through the tunnel again once {@code unexclude}d;</li>
 *   <li>after the engine dies (its interface deleted), the kill switch still drops the others,
 *       and an excluded process still gets out;</li>
 *   <li>once the helper stops, the table and the rules are gone and the empty group too.</li>
 * </ul>
 * The cgroup, namespaces and interfaces carry this JVM's pid; everything made is removed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class ExcludeNetnsTest {
    private static final String TUNNEL_SOURCE = "10.200.0.1";
    private static final String PHYSICAL_SOURCE = "10.99.0.1";
    private static final String TUNNEL_SOURCE6 = "fd20::1";
    private static final String PHYSICAL_SOURCE6 = "fd99::1";
    private static final Pattern KILL_COUNTER = Pattern.compile("counter packets (\\d+) bytes \\d+ drop");

    private final long id = ProcessHandle.current().pid() % 100_000;
    private final String group = "wgdesk-test-x" + id;
    private final String name = "wgx" + id;
    private final int port = 20_000 + (int) (id % 20_000);
    private final List<Process> processes = new ArrayList<>();
    private HelperInNetns h;
    private IpcClient client;
    private String privateKey;
    private Path groupDir;

    @BeforeAll
    void setUp() throws Exception {
        String missing = HelperInNetns.missingPrerequisite();
        Assumptions.assumeTrue(missing == null, "exclusion namespace tests need root and the namespace tools: " + missing);
        ExclusionPlan.Mount m = ExclusionPlan.cgroup2Mount(Files.readString(Path.of("/proc/self/mountinfo")));
        Assumptions.assumeTrue(m != null, "no cgroup v2 hierarchy mounted");
        groupDir = m.point().resolve(group);
        h = HelperInNetns.create("x", false, null, group);
        PrivateKey k = PrivateKey.generate();
        privateKey = k.toBase64();
        h.addPeerToWireguardGo(k.publicKey().toBase64(), "10.200.0.1/32,fd20::1/128");
        h.a("-6", "address", "add", "fd99::1/64", "dev", h.vethA, "nodad");
        h.b("-6", "address", "add", "fd99::2/64", "dev", h.vethB, "nodad");
        h.a("-6", "route", "add", "default", "via", "fd99::2");
        // the "internet" server in B: answers each connection with its peer's address
        Path server = h.dir.resolve("server.py");
        Files.writeString(server, """
                import socket, sys
                s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
                s.bind(("::", int(sys.argv[1]))); s.listen(16)
                print("listening", flush=True)
                while True:
                    c, a = s.accept(); c.sendall((a[0].removeprefix("::ffff:") + "\\n").encode()); c.close()
                """);
        Process p = new ProcessBuilder("ip", "netns", "exec", h.nsB, "python3", server.toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        processes.add(p);
        String first = new String(p.getInputStream().readNBytes("listening\n".length()), StandardCharsets.UTF_8);
        assertEquals("listening\n", first, "the server did not start");
        Files.writeString(h.dir.resolve("client.py"), """
                import socket, sys
                for host in sys.argv[2:]:
                    try:
                        s = socket.create_connection((host, int(sys.argv[1])), timeout=3)
                        print(s.recv(100).decode().strip())
                    except OSError as e:
                        print("failed:", e)
                """);
        client = h.client();
    }

    @AfterAll
    void tearDown() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client != null) {
            client.close();
        }
        if (h != null) {
            h.close();
        }
        if (groupDir != null) {
            try {
                Files.deleteIfExists(groupDir);
            } catch (IOException e) {
                System.err.println("could not remove " + groupDir + ": " + e.getMessage());
            }
        }
    }

    private String config() {
        return "[Interface]\nPrivateKey = " + privateKey + "\nAddress = 10.200.0.1/24, fd20::1/64\n[Peer]\nPublicKey = "
                + h.peerPublicKey + "\nEndpoint = 10.99.0.2:51820\nAllowedIPs = 0.0.0.0/0, ::/0\n";
    }

    /** What the server saw of one connection from a plain process in A ("failed: ..." if none). */
    private String connectFromA() throws CommandException {
        return h.inA("python3", h.dir.resolve("client.py").toString(), Integer.toString(port), "198.51.100.1")
                .stdout().strip();
    }

    /** The same over IPv4 and IPv6, one line each. */
    private String connectFromABoth() throws CommandException {
        return h.inA("python3", h.dir.resolve("client.py").toString(), Integer.toString(port), "198.51.100.1",
                "2001:db8:ffff::1").stdout().strip();
    }

    /** The same, through {@code wgdesk exclude -- python3 client.py}: the CLI's JVM in A becomes the client. */
    private Command.Result connectExcludedWithCli() throws CommandException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return h.inA(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp, Main.class.getName(),
                "--socket", h.options().socket().toString(), "exclude", "--", "python3",
                h.dir.resolve("client.py").toString(), Integer.toString(port), "198.51.100.1", "2001:db8:ffff::1");
    }

    /** Waits until no IPv6 address of A is tentative (duplicate address detection), at most 5 s. */
    private void waitForAddresses() throws Exception {
        for (int i = 0; i < 100 && !h.a("-6", "addr", "show", "tentative").isBlank(); i++) {
            Thread.sleep(50);
        }
    }

    /** Starts a client in A that connects once a line arrives on its standard input. */
    private Process waitingClient() throws IOException {
        Path script = h.dir.resolve("waiting.py");
        Files.writeString(script, """
                import socket, sys
                while sys.stdin.readline():
                    try:
                        s = socket.create_connection(("198.51.100.1", int(sys.argv[1])), timeout=3)
                        print(s.recv(100).decode().strip(), flush=True)
                    except OSError as e:
                        print("failed:", e, flush=True)
                """);
        Process p = new ProcessBuilder("ip", "netns", "exec", h.nsA, "python3", script.toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private static String ask(Process p) throws IOException {
        OutputStream in = p.getOutputStream();
        in.write('\n');
        in.flush();
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = p.getInputStream().read()) != -1 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString();
    }

    private long killSwitchDrops() throws CommandException {
        String chain = h.inA("nft", "list", "chain", "inet", "wgdesk-" + name, "killout").stdout();
        Matcher m = KILL_COUNTER.matcher(chain);
        assertTrue(m.find(), chain);
        return Long.parseLong(m.group(1));
    }

    /** The pref of the first rule of {@code ip -4 rule} output that contains {@code text}. */
    private static int pref(String rules, String text) {
        for (String line : rules.split("\n")) {
            if (line.contains(text)) {
                return Integer.parseInt(line.substring(0, line.indexOf(':')).strip());
            }
        }
        throw new AssertionError("no rule with " + text + " in\n" + rules);
    }

    @Test
    void anExcludedProcessBypassesTheFullTunnelAndItsKillSwitchTheOthersDoNot() throws Exception {
        String rulesBefore = h.a("-4", "rule");
        client.importConfig(name, config());
        try {
            assertEquals(TunnelState.ACTIVE, client.activate(name).state());
            waitForAddresses();
            assertEquals(TUNNEL_SOURCE + "\n" + TUNNEL_SOURCE6, connectFromABoth(), "a plain process goes through the tunnel");
            long rx = h.peerRxBytes();

            // 1. the launcher: the CLI's own JVM is moved, then becomes python (IPv4 and IPv6)
            Command.Result r = connectExcludedWithCli();
            assertEquals(PHYSICAL_SOURCE + "\n" + PHYSICAL_SOURCE6, r.stdout().strip(),
                    "excluded by wgdesk exclude --: " + r.stderr());
            assertEquals(0, r.exitCode(), "python's exit code, the CLI having become python");
            assertTrue(h.inA("nft", "list", "tables").stdout().contains("table inet " + ExclusionPlan.TABLE));
            String v4 = h.a("-4", "rule");
            assertTrue(pref(v4, "fwmark " + ExclusionPlan.MARK_HEX + " lookup main") < pref(v4, "lookup 51820"),
                    "the split rule comes before the tunnel's: " + v4);
            assertTrue(h.a("-6", "rule").contains("fwmark " + ExclusionPlan.MARK_HEX + " lookup main"));
            assertEquals(TUNNEL_SOURCE + "\n" + TUNNEL_SOURCE6, connectFromABoth(), "the others still go through the tunnel");
            assertTrue(h.peerRxBytes() > rx, "through wireguard-go");

            // 2. a running process, moved by pid and back
            Process waiting = waitingClient();
            assertEquals(TUNNEL_SOURCE, ask(waiting), "not excluded yet");
            JsonNode moved = client.exclude(waiting.pid());
            assertEquals("python3", moved.path("name").asText());
            assertEquals("/" + group, Files.readAllLines(Path.of("/proc", Long.toString(waiting.pid()), "cgroup")).stream()
                    .filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3));
            assertEquals(PHYSICAL_SOURCE, ask(waiting), "excluded by pid");
            assertTrue(client.exclusions().path("processes").toString().contains("\"pid\":" + waiting.pid()),
                    client.exclusions().toString());

            // 3. a tunnel activated after the exclusion was set up: the split rule moves ahead again
            client.deactivate(name);
            assertEquals(TunnelState.ACTIVE, client.activate(name).state());
            waitForAddresses();
            v4 = h.a("-4", "rule");
            assertTrue(pref(v4, "fwmark " + ExclusionPlan.MARK_HEX + " lookup main") < pref(v4, "lookup 51820"), v4);
            assertEquals(1, v4.split("fwmark " + ExclusionPlan.MARK_HEX, -1).length - 1, "one split rule: " + v4);
            assertEquals(PHYSICAL_SOURCE, ask(waiting), "still excluded after the tunnel came up again");
            assertEquals(TUNNEL_SOURCE, connectFromA());

            // 4. the kill switch: forced out of the physical interface, a plain process is dropped
            long d0 = killSwitchDrops();
            assertNotEquals(0, h.inA("ping", "-c", "2", "-W", "1", "-I", h.vethA, "198.51.100.1").exitCode());
            assertTrue(killSwitchDrops() - d0 >= 2, "the kill switch dropped the forced pings");

            // 5. the engine dies: the kill switch stays, the excluded process still gets out
            h.a("link", "del", name);
            for (int i = 0; i < 100 && client.status(name).state() != TunnelState.FAILED; i++) {
                Thread.sleep(100);
            }
            assertEquals(TunnelState.FAILED, client.status(name).state());
            long d1 = killSwitchDrops();
            String leak = connectFromABoth();
            assertTrue(leak.startsWith("failed") && leak.lines().skip(1).findFirst().orElse("").startsWith("failed"),
                    "a plain process cannot leak, by IPv4 or IPv6: " + leak);
            assertTrue(killSwitchDrops() > d1, "dropped by the kill switch");
            assertEquals(PHYSICAL_SOURCE, ask(waiting), "the excluded one still gets out");
            r = connectExcludedWithCli();
            assertEquals(PHYSICAL_SOURCE + "\n" + PHYSICAL_SOURCE6, r.stdout().strip(),
                    "a new excluded process too, by IPv4 and IPv6: " + r.stderr());

            // 6. back into the tunnels
            client.deactivate(name);
            assertEquals(TunnelState.ACTIVE, client.activate(name).state());
            client.unexclude(waiting.pid());
            assertEquals(TUNNEL_SOURCE, ask(waiting), "through the tunnel again");
            assertFalse(client.exclusions().path("processes").toString().contains("\"pid\":" + waiting.pid()));
            waiting.destroy();
            waiting.waitFor(10, TimeUnit.SECONDS);
        } finally {
            client.deactivate(name);
            client.delete(name);
        }
        // 7. the helper stops: the table and rules go, and the group (empty now)
        client.close();
        client = null;
        h.stop();
        assertFalse(h.inA("nft", "list", "tables").stdout().contains(ExclusionPlan.TABLE));
        assertEquals(rulesBefore, h.a("-4", "rule"));
        assertFalse(h.a("-6", "rule").contains(ExclusionPlan.MARK_HEX));
        assertFalse(Files.exists(groupDir), "the empty group is removed");
        h.start();
        client = h.client();
    }

    /**
     * A table and rules a crashed helper left are removed at the next start; a group that still
     * holds a process is set up again, so that process stays outside the tunnel.
     */
    @Test
    void aRestartedHelperRemovesStaleRulesAndKeepsTheGroupsProcessesExcluded() throws Exception {
        Process waiting = waitingClient();
        try {
            client.exclude(waiting.pid());
            client.close();
            client = null;
            h.stop(); // removes the helper's rules; the group keeps the process
            assertTrue(Files.exists(groupDir), "the group holds a process");
            // what a crash leaves: a split rule (and the table) with no helper
            h.a("rule", "add", "pref", "100", "fwmark", ExclusionPlan.MARK_HEX, "lookup", "main");
            h.start();
            client = h.client();
            String v4 = h.a("-4", "rule");
            assertEquals(1, v4.split("fwmark " + ExclusionPlan.MARK_HEX, -1).length - 1, "the stale rule went: " + v4);
            client.importConfig(name + "r", config());
            try {
                assertEquals(TunnelState.ACTIVE, client.activate(name + "r").state());
                assertEquals(PHYSICAL_SOURCE, ask(waiting), "still outside the tunnel after the restart");
                assertEquals(TUNNEL_SOURCE, connectFromA());
            } finally {
                client.deactivate(name + "r");
                client.delete(name + "r");
            }
        } finally {
            waiting.destroyForcibly();
            waiting.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
