package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgdesk.engine.testing.Requirements;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interop with the reference tools: our UAPI {@code set} request is sent to a real
 * {@code wireguard-go}, and {@code wg showconf} must then print a config that our parser reads
 * back as the same device state; {@code wg setconf} with our stripped output must give the same
 * state. Runs only as root on Linux with {@code wireguard-go}, {@code wg} and {@code unshare} on
 * the PATH (skipped otherwise). {@code wireguard-go} runs in a network namespace of its own, so
 * the host's interfaces are untouched; it is stopped by pid and its socket removed afterwards.
 */
class WireguardGoInteropTest {
    private static final int CONFIGS = 60;
    private static final String IFACE = "wgcfgt" + (ProcessHandle.current().pid() % 100_000);
    private static final Path SOCKET = Path.of("/var/run/wireguard", IFACE + ".sock");

    private static Process wireguardGo;

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    @BeforeAll
    static void startWireguardGo() throws Exception {
        Requirements.require(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        Requirements.require(isRoot(), "needs root for a network namespace and a TUN device");
        Requirements.require(onPath("wireguard-go") && onPath("wg") && onPath("unshare"), "needs wireguard-go, wg, unshare");
        Requirements.require(Files.exists(Path.of("/dev/net/tun")), "needs /dev/net/tun");
        Requirements.require(!Files.exists(SOCKET), "interface name already in use");

        ProcessBuilder pb = new ProcessBuilder("unshare", "--net", "wireguard-go", "-f", IFACE)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("WG_PROCESS_FOREGROUND", "1");
        wireguardGo = pb.start();
        for (int i = 0; i < 100 && !Files.exists(SOCKET) && wireguardGo.isAlive(); i++) {
            Thread.sleep(50);
        }
        Requirements.require(Files.exists(SOCKET), "wireguard-go did not start");
    }

    @AfterAll
    static void stopWireguardGo() throws Exception {
        if (wireguardGo != null) {
            wireguardGo.destroy();
            if (!wireguardGo.waitFor(5, TimeUnit.SECONDS)) {
                wireguardGo.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(SOCKET);
        }
    }

    private static String uapi(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(SOCKET));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(4096);
            StringBuilder reply = new StringBuilder();
            while (!reply.toString().endsWith("\n\n") && ch.read(buf) > 0) {
                buf.flip();
                reply.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            return reply.toString();
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(30, TimeUnit.SECONDS), "timed out: " + List.of(command));
        assertEquals(0, p.exitValue(), List.of(command) + ": " + out);
        return out;
    }

    /** A random config whose state wireguard-go must reproduce exactly (see comments). */
    private static TunnelConfig deviceConfig(RandomConfigs gen) {
        TunnelConfig c = gen.config();
        // The kernel and wireguard-go route each masked prefix to one peer only.
        Set<IpPrefix> used = new HashSet<>();
        TunnelConfig.Builder b = c.toBuilder().setPeers(List.of());
        for (PeerConfig p : c.peers()) {
            PeerConfig.Builder pb = p.toBuilder().setAllowedIps(List.of());
            p.allowedIps().stream().filter(a -> used.add(a.masked())).forEach(pb::addAllowedIp);
            // Host names need DNS and zones need a real interface: swap in a literal.
            p.endpoint().filter(e -> !e.isResolved() || e.zone().isPresent())
                    .ifPresent(e -> pb.setEndpoint(Endpoint.of(IpAddress.parse("192.0.2.7"), e.port())));
            b.addPeer(pb.build());
        }
        return b.build();
    }

    /** Device state as {@code wg showconf} can express it, compared peer by peer (any order). */
    private static void assertSameDeviceState(TunnelConfig want, TunnelConfig shown, String context) {
        InterfaceConfig wi = want.interfaceConfig();
        InterfaceConfig si = shown.interfaceConfig();
        // wireguard-go clamps the private key; the public key is unchanged by clamping.
        assertEquals(wi.publicKey(), si.publicKey(), context);
        if (wi.listenPort().isPresent()) { // otherwise a random port was picked
            assertEquals(wi.listenPort(), si.listenPort(), context);
        }
        assertEquals(wi.fwMark(), si.fwMark(), context);
        assertEquals(want.peers().size(), shown.peers().size(), context);
        for (PeerConfig wp : want.peers()) {
            PeerConfig sp = shown.peers().stream().filter(p -> p.publicKey().equals(wp.publicKey()))
                    .findFirst().orElseThrow(() -> new AssertionError("peer missing: " + wp + "\n" + context));
            assertEquals(wp.presharedKey(), sp.presharedKey(), context);
            assertEquals(wp.endpoint(), sp.endpoint(), context);
            assertEquals(wp.persistentKeepalive(), sp.persistentKeepalive(), context);
            // The device masks host bits off allowed IPs.
            assertEquals(Set.copyOf(wp.allowedIps().stream().map(IpPrefix::masked).toList()),
                    Set.copyOf(sp.allowedIps()), context);
        }
    }

    @Test
    void uapiRequestSetsTheDeviceToTheConfig() throws Exception {
        RandomConfigs gen = new RandomConfigs(42);
        for (int i = 0; i < CONFIGS; i++) {
            TunnelConfig c = deviceConfig(gen);

            assertEquals("errno=0\n\n", uapi(c.toUapiSetString()), c.toWgSetconfString());
            String shown = run("wg", "showconf", IFACE);

            assertSameDeviceState(c, TunnelConfig.parse("showconf.conf", shown), shown);
        }
    }

    @Test
    void wgSetconfAcceptsTheStrippedForm(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        RandomConfigs gen = new RandomConfigs(43);
        Path file = dir.resolve("strip.conf");
        for (int i = 0; i < CONFIGS / 3; i++) {
            TunnelConfig c = deviceConfig(gen);
            Files.writeString(file, c.toWgSetconfString());

            run("wg", "setconf", IFACE, file.toString());
            String shown = run("wg", "showconf", IFACE);

            assertSameDeviceState(c, TunnelConfig.parse("showconf.conf", shown), shown);
        }
    }
}
