package dev.wgdesk.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.testing.Requirements;
import dev.wgdesk.platform.linux.net.Command;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4's acceptance tests, as root, in network namespaces: the helper runs in namespace A (a
 * separate JVM, started with {@code ip netns exec}), a Debian {@code wireguard-go} peer in
 * namespace B, and the {@code wgdesk} CLI drives the helper over its socket. Skipped unless
 * root with ip, wg, wireguard-go, setpriv, ping, nft and /dev/net/tun. The namespaces and processes are
 * removed (by pid and {@code ip netns del}) whether the tests pass or fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class HelperAcceptanceTest {
    private Path base;
    private NetnsTopology net;
    private Path socket;
    private Path stateDir;
    private Process helper;
    private int helperStarts;
    private String myPrivateKey;
    private String myPublicKey;
    private String out;
    private String err;

    @BeforeAll
    void setUp() throws Exception {
        String missing = NetnsTopology.missingPrerequisite();
        Requirements.require(missing == null, "skipping the namespace acceptance tests: " + missing);
        base = Files.createTempDirectory("wgdesk-it-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
        socket = base.resolve("run/helper.sock");
        stateDir = base.resolve("state");
        net = NetnsTopology.create(base);
        PrivateKey k = PrivateKey.generate();
        myPrivateKey = k.toBase64();
        myPublicKey = k.publicKey().toBase64();
        net.addPeerToWireguardGo(myPublicKey, "10.200.0.1/32,fd20::1/128");
        startHelper();
    }

    @AfterAll
    void tearDown() throws IOException {
        if (net != null) {
            net.close();
        }
        if (base != null) {
            HelperJvm.keepLog(base.resolve("helper.log"), "helper-acceptance.log");
            HelperJvm.deleteTree(base);
        }
    }

    /* ====================== helpers ====================== */

    private void startHelper() throws Exception {
        startHelper(Map.of());
    }

    private void startHelper(Map<String, String> env) throws Exception {
        helperStarts++;
        helper = net.startInA(List.of(HelperJvm.java(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", HelperJvm.classPath(),
                Main.class.getName(), "helper", "--socket", socket.toString(), "--state-dir", stateDir.toString(),
                "--policy", base.resolve("helper.conf").toString()), env, base.resolve("helper.log"));
        HelperJvm.awaitSocket(helper, socket, base.resolve("helper.log"), 30);
    }

    private int cli(String... args) {
        CliHarness.Result r = CliHarness.run(socket, args);
        out = r.out();
        err = r.err();
        return r.code();
    }

    private void cliOk(String... args) {
        int code = cli(args);
        assertEquals(0, code, "wgdesk " + String.join(" ", args) + " failed: " + err);
    }

    private Path writeConfig(String name, String allowedIps, String extraInterfaceLines) throws IOException {
        String text = "# acceptance test tunnel " + name + "\n[Interface]\nPrivateKey = " + myPrivateKey + "\n"
                + "Address = 10.200.0.1/24\n" + extraInterfaceLines + "\n[Peer]\nPublicKey = " + net.peerPublicKey
                + "\nEndpoint = 10.99.0.2:51820\nAllowedIPs = " + allowedIps + "\n";
        Path f = base.resolve(name + ".conf");
        Files.writeString(f, text);
        return f;
    }

    private void ping(String address) throws Exception {
        // A fresh IPv6 address is tentative (duplicate address detection) for a moment: retry.
        Command.Result r = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            r = net.inA("ping", "-c", "3", "-i", "0.2", "-W", "2", address);
            if (r.exitCode() == 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("ping " + address + " failed: " + r.stdout() + r.stderr());
    }

    /** Waits for the helper's event that {@code name} reached {@code state} (or finds it there already). */
    private void awaitState(String name, TunnelState state) throws Exception {
        BlockingQueue<IpcEvent> events = new LinkedBlockingQueue<>();
        try (IpcClient c = IpcClient.connect(socket); IpcClient.Subscription sub = c.subscribe(events::add)) {
            if (showJson(name).path("state").asText().equals(state.name())) {
                return; // reached before we subscribed
            }
            while (true) {
                IpcEvent e = events.poll(60, TimeUnit.SECONDS);
                assertNotNull(e, name + " did not become " + state + " (no event within 60 s); " + showJson(name));
                if (e instanceof IpcEvent.StateChanged sc && sc.name().equals(name)) {
                    assertNotEquals(TunnelState.INACTIVE, sc.state(), name + " failed: " + sc.message());
                    if (sc.state() == state) {
                        return;
                    }
                }
            }
        }
    }

    private JsonNode showJson(String name) throws IOException {
        cliOk("show", name, "--json");
        return IpcJson.mapper().readTree(out);
    }

    private static final Pattern SPOOF_COUNTER = Pattern.compile(
            "ip daddr 10\\.200\\.0\\.1 fib saddr type != local counter packets (\\d+) bytes \\d+ drop");

    /** How many packets for 10.200.0.1 the anti-spoofing rule of tunnel {@code name} dropped. */
    private long spoofDrops(String name) throws IOException {
        String table = net.nftA("list", "table", "inet", "wgdesk-" + name);
        Matcher m = SPOOF_COUNTER.matcher(table);
        assertTrue(m.find(), table);
        return Long.parseLong(m.group(1));
    }

    /**
     * An attacker on the LAN (namespace B) routes the tunnel's address 10.200.0.1 to our veth and
     * pings it; a reply would leak through the tunnel back to B. Returns the ping's result.
     */
    private Command.Result spoofedPingFromTheLan() throws IOException {
        net.b("route", "add", "10.200.0.1/32", "via", "10.99.0.1", "dev", net.vethB);
        try {
            return net.inB("ping", "-c", "3", "-i", "0.2", "-W", "1", "10.200.0.1");
        } finally {
            net.b("route", "del", "10.200.0.1/32", "via", "10.99.0.1", "dev", net.vethB);
        }
    }

    private static List<String> lines(String s) {
        return s.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /* ====================== tests ====================== */

    @Test
    @Order(1)
    void anImportedConfigComesUpPingsAndGoesDownWithoutATrace() throws Exception {
        String before = net.routingState();
        String mainBefore = net.a("-4", "route");
        String v6MainBefore = net.a("-6", "route");
        cliOk("import", writeConfig("t1", "10.200.0.0/24, 10.201.0.0/16, fd20::/64",
                "Address = fd20::1/64\nDNS = 10.200.0.53\n").toString());
        assertEquals("imported 1 of 1", lines(out).getLast());
        long upAt = System.currentTimeMillis();
        cliOk("up", "t1");
        assertTrue(err.contains("DNS not applied"), "the missing resolver is reported: " + err);
        ping("10.200.0.2");
        ping("fd20::2");
        // The engine tells the helper's log (and so the app's log view) that the session is up.
        cliOk("log", "-n", "100");
        assertTrue(lines(out).stream().anyMatch(l -> l.contains("t1") && l.contains("handshake completed, session with")),
                "the session shows in the helper's log: " + out);

        // ip addr, ip route and ip rule show exactly what the config implies.
        String addr = net.a("-4", "-o", "address", "show", "dev", "t1");
        assertTrue(addr.contains("inet 10.200.0.1/24 scope global t1"), addr);
        assertEquals(1, lines(addr).size(), addr);
        assertTrue(net.a("link", "show", "dev", "t1").contains("mtu 1420"), "auto MTU = 1500 - 80");
        List<String> expectedMain = new ArrayList<>(lines(mainBefore));
        expectedMain.add("10.200.0.0/24 dev t1 proto kernel scope link src 10.200.0.1");
        expectedMain.add("10.201.0.0/16 dev t1 scope link");
        assertEquals(expectedMain.stream().sorted().toList(), lines(net.a("-4", "route")).stream().sorted().toList());
        assertTrue(net.a("-6", "-o", "address", "show", "dev", "t1").contains("inet6 fd20::1/64 scope global"));
        List<String> v6 = lines(net.a("-6", "route"));
        List<String> v6Expected = new ArrayList<>(lines(v6MainBefore));
        v6Expected.add("fd20::/64 dev t1 proto kernel metric 256 pref medium");
        v6Expected.add("fe80::/64 dev t1 proto kernel metric 256 pref medium");
        assertEquals(v6Expected.stream().sorted().toList(), v6.stream().sorted().toList());
        assertTrue(before.contains("== rules v4\n" + net.a("-4", "rule") + "== rules v6\n" + net.a("-6", "rule")),
                "no rules for a split tunnel");

        // show --json reports a recent handshake.
        JsonNode s = showJson("t1");
        assertEquals("ACTIVE", s.path("state").asText());
        JsonNode peer = s.path("peers").get(0);
        assertEquals(net.peerPublicKey, peer.path("publicKey").asText());
        assertEquals("10.99.0.2:51820", peer.path("endpoint").asText());
        long handshakeAt = peer.path("lastHandshakeMillis").asLong();
        assertTrue(handshakeAt >= upAt - 1000 && handshakeAt <= System.currentTimeMillis(), // 1 s: the seconds of TAI64N
                "the handshake (" + handshakeAt + ") was made by this 'up' (" + upAt + ")");
        assertTrue(peer.path("rxBytes").asLong() > 0 && peer.path("txBytes").asLong() > 0);

        cliOk("down", "t1");
        assertEquals(before, net.routingState(), "down restores routing exactly");
    }

    @Test
    @Order(2)
    void aFullTunnelCarriesEverythingWithoutARoutingLoop() throws Exception {
        String before = net.routingState();
        assertEquals("", net.nftA("list", "tables"), "no packet filter tables in A to start with");
        cliOk("import", writeConfig("full", "0.0.0.0/0", "").toString());
        cliOk("up", "full");
        assertFalse(err.contains("anti-spoofing"), err);

        // wg-quick's packet filter rules, in one inet table.
        assertEquals("table inet wgdesk-full", net.nftA("list", "tables").strip());
        String table = net.nftA("list", "table", "inet", "wgdesk-full");
        assertTrue(table.contains("chain preraw {\n\t\ttype filter hook prerouting priority raw; policy accept;\n"
                + "\t\tiifname != \"full\" ip daddr 10.200.0.1 fib saddr type != local counter packets"), table);
        assertTrue(table.contains("meta nfproto ipv4 meta l4proto udp meta mark set ct mark"), table);
        assertTrue(table.contains("meta nfproto ipv4 meta l4proto udp meta mark 0x0000ca6c ct mark set meta mark"), table);

        // A spoofed packet for the tunnel's address arriving on the veth is dropped, unanswered.
        long dropped = spoofDrops("full");
        Command.Result spoof = spoofedPingFromTheLan();
        assertNotEquals(0, spoof.exitCode(), "the spoofed ping must get no answer: " + spoof.stdout());
        assertTrue(spoofDrops("full") - dropped >= 3, "the anti-spoofing rule dropped the 3 pings");

        String rules = net.a("-4", "rule");
        assertTrue(rules.contains("not from all fwmark 0xca6c lookup 51820"), rules);
        assertTrue(rules.contains("from all lookup main suppress_prefixlength 0"), rules);
        assertEquals(List.of("default dev full scope link"), lines(net.a("-4", "route", "show", "table", "51820")));
        assertTrue(net.a("-4", "route", "get", "198.51.100.1").contains("dev full table 51820"));
        assertTrue(net.a("-4", "route", "get", "10.99.0.2", "mark", "0xca6c").contains("dev " + net.vethA),
                "the engine's own (marked) UDP leaves through the veth, not the tunnel");

        long rx0 = net.peerRxBytes();
        ping("10.200.0.2"); // the peer's network
        ping("198.51.100.1"); // "the rest of the internet", only reached through the peer
        long rx1 = net.peerRxBytes();
        assertTrue(rx1 - rx0 >= 6 * (84 + 32), "both pings went through the tunnel (" + (rx1 - rx0) + " bytes)");
        // The engine's marked UDP flow carries its fwmark in conntrack (postmangle), for the replies.
        String ct = net.inA("cat", "/proc/net/nf_conntrack").stdout();
        assertTrue(ct.lines().anyMatch(l -> l.contains(" udp ") && l.contains("dst=10.99.0.2 ") && l.contains("dport=51820 ")
                && l.contains("mark=51820 ")), ct);

        cliOk("down", "full");
        assertEquals(before, net.routingState(), "down restores routing exactly");
        assertEquals("", net.nftA("list", "tables"), "down removes the packet filter table");
    }

    @Test
    @Order(3)
    void aFailingStepIsRolledBackAndNamed() throws Exception {
        String before = net.routingState();
        cliOk("import", writeConfig("broken", "10.202.0.0/16", "Table = nosuchtable\n").toString());
        assertEquals(Main.EXIT_FAILED, cli("up", "broken"));
        assertTrue(err.contains("cannot activate broken: step \"routes\" failed: ip -4 route add 10.202.0.0/16 dev broken"
                + " table nosuchtable exited"), err);
        assertEquals(before, net.routingState(), "everything done before the failing step was undone");
        assertEquals("FAILED", showJson("broken").path("state").asText());
        cliOk("remove", "broken");

        // A full tunnel failing after its packet filter rules were added: they are removed too.
        net.a("route", "add", "10.202.0.0/16", "via", "10.99.0.2"); // "ip route add" of the tunnel's will clash
        try {
            cliOk("import", writeConfig("fullbroken", "0.0.0.0/0, 10.202.0.0/16", "").toString());
            String before2 = net.routingState();
            assertEquals(Main.EXIT_FAILED, cli("up", "fullbroken"));
            assertTrue(err.contains("step \"routes\" failed: ip -4 route add 10.202.0.0/16 dev fullbroken exited"), err);
            assertTrue(Files.readString(base.resolve("helper.log"))
                    .contains("Anti-spoofing rules: nft table inet wgdesk-fullbroken"), "the rules had been added");
            assertEquals("", net.nftA("list", "tables"), "the rollback removed the packet filter table");
            assertEquals(before2, net.routingState());
            cliOk("remove", "fullbroken");
        } finally {
            net.a("route", "del", "10.202.0.0/16", "via", "10.99.0.2");
        }
    }

    @Test
    @Order(4)
    void anUnprivilegedUserIsRefusedAndRootIsStillServed() throws Exception {
        Path cp = Files.createTempDirectory("wgdesk-cp-");
        try {
            String readableClassPath = HelperJvm.copyReadableClassPath(cp);
            List<String> cmd = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", HelperJvm.java(),
                    "-XX:TieredStopAtLevel=1", "-cp", readableClassPath, Main.class.getName(),
                    "--socket", socket.toString(), "list");

            // The socket is 0600 (no group wgdesk here): the kernel refuses the connection.
            Command.Result r = Command.run(cmd, null, Map.of(), 60);
            assertEquals(Main.EXIT_NOT_AUTHORISED, r.exitCode(), r.stdout() + r.stderr());
            assertTrue(r.stderr().startsWith("wgdesk: not authorised to use the helper at " + socket), r.stderr());

            // With the socket opened up, the helper's own SO_PEERCRED check refuses.
            Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            r = Command.run(cmd, null, Map.of(), 60);
            assertEquals(Main.EXIT_NOT_AUTHORISED, r.exitCode(), r.stdout() + r.stderr());
            assertTrue(r.stderr().startsWith("wgdesk: not authorised: only root may use the helper"), r.stderr());
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));

            cliOk("list");
            assertTrue(out.contains("t1\tinactive"), out);
            assertTrue(Files.readString(base.resolve("helper.log")).contains("Refused connection from user nobody"));
        } finally {
            HelperJvm.deleteTree(cp);
        }
    }

    @Test
    @Order(5)
    void garbageTruncatedAndHugeRequestsAreAnsweredAndTheHelperStaysUp() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            assertTrue(in.readLine().contains("\"hello\""));
            write(ch, "this is not json\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(in.readLine().contains("\"code\":\"BAD_REQUEST\""));
            write(ch, "{\"id\":1,\"method\":\"list\",\"par\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(in.readLine().contains("\"code\":\"BAD_REQUEST\""));
            byte[] huge = new byte[10 << 20];
            Arrays.fill(huge, (byte) '7');
            huge[huge.length - 1] = '\n';
            write(ch, huge);
            assertTrue(in.readLine().contains("\"code\":\"TOO_LARGE\""));
            write(ch, "{\"id\":2,\"method\":\"list\"}\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(in.readLine().contains("\"id\":2,\"result\""));
        }
        assertTrue(helper.isAlive());
        cliOk("list");
    }

    private static void write(SocketChannel ch, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    @Test
    @Order(6)
    void killMinus9WithTunnelsUpThenRestartRecovers() throws Exception {
        String before = net.routingState();
        String fullText = Files.readString(base.resolve("full.conf"));
        cliOk("up", "full");
        String rulesUp = net.a("-4", "rule");
        String tableUp = net.nftA("list", "table", "inet", "wgdesk-full");
        long pid = helper.pid();
        helper.destroyForcibly(); // SIGKILL
        assertTrue(helper.waitFor(10, TimeUnit.SECONDS));
        // The TUN died with the process; leave a stale interface of the same name behind, as a
        // crash of a helper holding a persistent device would.
        net.a("tuntap", "add", "dev", "full", "mode", "tun");
        assertTrue(net.a("-4", "rule").contains("lookup 51820"), "the crash left the policy rules behind");
        assertEquals("table inet wgdesk-full", net.nftA("list", "tables").strip(), "and the packet filter table");

        // The configs are intact.
        try (Stream<Path> s = Files.list(stateDir.resolve("tunnels"))) {
            List<Path> files = s.toList();
            for (Path f : files) {
                assertFalse(f.toString().endsWith(".tmp"), f.toString());
                TunnelConfig.parse(f).destroy();
            }
            assertEquals(2, files.size(), files.toString());
        }
        assertEquals(fullText, Files.readString(stateDir.resolve("tunnels/full.conf")));

        startHelper();
        assertTrue(helper.pid() != pid);
        // The helper serves requests only once the clean-up and the restore are done.
        cliOk("list");
        assertEquals(List.of("full\tactive", "t1\tinactive"), lines(out));
        assertEquals(rulesUp, net.a("-4", "rule"), "stale rules were removed before restoring (no duplicates)");
        ping("198.51.100.1");
        JsonNode s = showJson("full");
        assertNotNull(s.path("peers").get(0));
        assertTrue(Files.readString(base.resolve("helper.log")).contains("Cleanup: removed stale interface full"));
        assertTrue(Files.readString(base.resolve("helper.log")).contains("Cleanup: nft delete table inet wgdesk-full"),
                "the journal removed the stale packet filter table");
        assertEquals(tableUp, net.nftA("list", "table", "inet", "wgdesk-full"), "recreated once, rules not doubled");

        cliOk("down", "full");
        assertEquals(before, net.routingState(), "the stale persistent interface is gone too");
        assertEquals("", net.nftA("list", "tables"));
        assertEquals(2, helperStarts);
    }

    @Test
    @Order(7)
    void hooksRunOnlyWhenPolicyAllowsAndResolvconfGetsTheDns() throws Exception {
        Path marks = base.resolve("marks");
        Files.createDirectories(marks);
        String hooks = "PreUp = echo pre-up %i >> " + marks + "/log\nPostUp = echo post-up %i >> " + marks + "/log\n"
                + "PreDown = echo pre-down %i >> " + marks + "/log\nPostDown = echo post-down %i >> " + marks + "/log\n";
        cliOk("import", writeConfig("hooked", "10.203.0.0/16", hooks + "DNS = 10.200.0.53, corp.example\n").toString());

        // Policy off (no helper.conf): hooks are reported, not run.
        cliOk("up", "hooked");
        assertTrue(err.contains("warning: PreUp disabled by policy: 1 command(s) not run"), err);
        assertTrue(err.contains("warning: PostUp disabled by policy"), err);
        cliOk("down", "hooked");
        assertFalse(Files.exists(marks.resolve("log")));

        // Policy on, and a resolvconf on the helper's PATH that records its calls.
        helper.destroy(); // SIGTERM: a clean stop
        assertTrue(helper.waitFor(20, TimeUnit.SECONDS));
        Files.writeString(base.resolve("helper.conf"), "allow-scripts = true\n");
        Path bin = base.resolve("bin");
        Files.createDirectories(bin);
        Path fake = bin.resolve("resolvconf");
        Files.writeString(fake, "#!/bin/sh\necho \"resolvconf $*\" >> " + marks + "/dns\ncat >> " + marks + "/dns\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        startHelper(Map.of("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")));
        cliOk("up", "hooked");
        assertFalse(err.contains("disabled by policy"), err);
        assertFalse(err.contains("DNS not applied"), err);
        cliOk("down", "hooked");
        assertEquals(List.of("pre-up hooked", "post-up hooked", "pre-down hooked", "post-down hooked"),
                Files.readAllLines(marks.resolve("log")));
        assertEquals(List.of("resolvconf -a hooked -m 0 -x", "nameserver 10.200.0.53", "search corp.example",
                "resolvconf -d hooked -f"), Files.readAllLines(marks.resolve("dns")));
        cliOk("remove", "hooked");
    }

    @Test
    @Order(8)
    void severalTunnelsRunAtOnceAndAnOverlappingOneStopsTheOlder() throws Exception {
        PrivateKey second = PrivateKey.generate();
        net.addPeerToWireguardGo(second.publicKey().toBase64(), "10.210.0.1/32");
        net.b("address", "add", "10.210.0.2/24", "dev", net.wgIface);
        Path t3 = base.resolve("t3.conf");
        Files.writeString(t3, "[Interface]\nPrivateKey = " + second.toBase64() + "\nAddress = 10.210.0.1/24\n\n[Peer]\n"
                + "PublicKey = " + net.peerPublicKey + "\nEndpoint = 10.99.0.2:51820\nAllowedIPs = 10.210.0.0/24\n");
        cliOk("import", t3.toString());
        long upAt = System.currentTimeMillis();
        cliOk("up", "t1");
        cliOk("up", "t3");
        ping("10.200.0.2");
        ping("10.210.0.2");
        cliOk("list");
        assertEquals(List.of("full\tinactive", "t1\tactive", "t3\tactive"), lines(out));

        // "wide" (10.210.0.0/16) contains t3's 10.210.0.0/24, a real CIDR overlap though no prefix is equal.
        Path wide = base.resolve("wide.conf");
        Files.writeString(wide, Files.readString(t3).replace("AllowedIPs = 10.210.0.0/24", "AllowedIPs = 10.210.0.0/16"));
        cliOk("import", wide.toString());
        cliOk("up", "wide");
        cliOk("list");
        assertEquals(List.of("full\tinactive", "t1\tactive", "t3\tinactive", "wide\tactive"), lines(out));
        cliOk("log", "-n", "50");
        assertTrue(out.contains("Deactivating t3 because wide is being activated and its AllowedIPs 10.210.0.0/24 overlap"
                + " 10.210.0.0/16 of wide"), out);
        ping("10.210.0.2");
        ping("10.200.0.2");
        cliOk("down", "wide");
        cliOk("down", "t1");
    }

    @Test
    @Order(9)
    void withoutNftOrIptablesAFullTunnelComesUpWithALoudWarningAndIsExposed() throws Exception {
        for (String dir : List.of("/usr/bin", "/bin")) {
            for (String tool : List.of("nft", "iptables")) {
                Requirements.require(!Files.exists(Path.of(dir, tool)), tool + " is in " + dir + ": cannot hide it from the helper with PATH=/usr/bin:/bin");
            }
        }
        helper.destroy();
        assertTrue(helper.waitFor(20, TimeUnit.SECONDS));
        startHelper(Map.of("PATH", "/usr/bin:/bin")); // ip is in /usr/bin; nft (and iptables) in /usr/sbin
        cliOk("up", "full");
        assertTrue(err.contains("warning: Full tunnel WITHOUT anti-spoofing protection: neither nft (nftables) nor"
                + " iptables is installed"), err);
        assertTrue(Files.readString(base.resolve("helper.log")).lines()
                .anyMatch(l -> l.contains("WARNING") && l.contains("Full tunnel WITHOUT anti-spoofing protection")));
        assertEquals("", net.nftA("list", "tables"));
        ping("198.51.100.1");

        // The control for aFullTunnelCarriesEverythingWithoutARoutingLoop: without the rules the
        // tunnel's address answers the LAN, and the answer travels back through the tunnel (with
        // reverse path filtering off or loose, as on many systems; made sure of here).
        for (String[] nsIf : List.of(new String[] {net.nsA, "all"}, new String[] {net.nsA, net.vethA},
                new String[] {net.nsB, "all"}, new String[] {net.nsB, net.wgIface})) {
            Command.check("ip", "netns", "exec", nsIf[0], "sysctl", "-q", "-w", "net.ipv4.conf." + nsIf[1] + ".rp_filter=0");
        }
        Command.Result spoof = spoofedPingFromTheLan();
        assertEquals(0, spoof.exitCode(), "the unprotected tunnel address answers the spoofed ping: " + spoof.stdout());
        cliOk("down", "full");
    }
}
