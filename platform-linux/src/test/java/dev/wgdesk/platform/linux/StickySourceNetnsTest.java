package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.testing.Requirements;
import dev.wgdesk.engine.time.Clock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sticky source address against a wireguard-go peer, in two network namespaces joined by a
 * veth pair, following the kernel's netns.sh (items 17, 18 and 20 of protocol.md 2.6): the Java
 * engine ({@link Device} with a {@link LinuxTun} and a {@link LinuxBind}) lives in namespace A,
 * wireguard-go in namespace B; tunnel 192.168.241.1 (A) and .2 (B). What the peer sees as our
 * endpoint is read from its UAPI with {@code wg show}. Needs root, {@code wireguard-go},
 * {@code wg} and {@code ping}; everything made is deleted afterwards (namespaces, links by the
 * namespaces, wireguard-go by pid, key file).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StickySourceNetnsTest {
    private static final int JAVA_PORT = 10000;
    private static final int GO_PORT = 20000;

    private final String tunName = Host.uniqueName("st");
    private final String goName = Host.uniqueName("sg");
    private final String vethA = Host.uniqueName("sva");
    private final String vethB = Host.uniqueName("svb");
    private final String vethA3 = Host.uniqueName("sv3");
    private final String vethB4 = Host.uniqueName("sv4");
    private final PrivateKey keyA = PrivateKey.generate();
    private final PrivateKey keyB = PrivateKey.generate();
    private Netns nsA;
    private Netns nsB;
    private Device device;
    private Process wireguardGo;
    private Path keyFile;

    @BeforeEach
    void setUp() throws Exception {
        Host.assumeTunAvailable();
        Requirements.require(onPath("wireguard-go") && onPath("wg") && onPath("ping"), "needs wireguard-go, wg and ping");
        nsA = Netns.create(Host.uniqueName("sna"));
        nsB = Netns.create(Host.uniqueName("snb"));
        Host.run("ip", "link", "add", vethA, "netns", nsA.name(), "type", "veth", "peer", "name", vethB, "netns", nsB.name());
        sysctl(nsA, "net.ipv6.conf.all.accept_dad", "0");
        sysctl(nsB, "net.ipv6.conf.all.accept_dad", "0");
        sysctl(nsA, "net.ipv6.conf." + vethA + ".accept_dad", "0");
        sysctl(nsB, "net.ipv6.conf." + vethB + ".accept_dad", "0");
        sysctl(nsA, "net.ipv4.conf." + vethA + ".promote_secondaries", "1");

        // wireguard-go in B, as a child process tracked by its pid.
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", nsB.name(), "wireguard-go", "-f", goName)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LOG_LEVEL", "error");
        wireguardGo = pb.start();
        Path sock = Path.of("/var/run/wireguard/" + goName + ".sock");
        for (int i = 0; i < 100 && !Files.exists(sock); i++) {
            assertTrue(wireguardGo.isAlive(), "wireguard-go exited");
            Thread.sleep(50);
        }
        assertTrue(Files.exists(sock), "wireguard-go made no UAPI socket");
        keyFile = Files.createTempFile("wgdesk-sticky-", ".key", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(keyB.rawBytes()) + "\n");
        wg("set", goName, "private-key", keyFile.toString(), "listen-port", Integer.toString(GO_PORT),
                "peer", keyA.publicKey().toBase64(), "allowed-ips", "192.168.241.1/32");
        nsB.ip("addr", "add", "192.168.241.2/24", "dev", goName);
        nsB.ip("link", "set", goName, "up");

        // The Java engine in A: TUN and UDP socket are made inside A.
        LinuxTun tun = nsA.call(() -> new LinuxTunProvider(1, false).create(tunName, 1420));
        device = new Device(tun, new LinuxBindProvider().create(), Clock.system());
        device.setPrivateKey(keyA);
        device.setListenPort(JAVA_PORT);
        device.addPeer(keyB.publicKey());
        device.addPeerAllowedIp(keyB.publicKey(), InetAddress.getByName("192.168.241.2"), 32);
        nsA.call(() -> {
            device.up(); // opens the socket, on this thread inside A
            return null;
        });
        nsA.ip("addr", "add", "192.168.241.1/24", "dev", tunName);
        nsA.ip("link", "set", tunName, "up");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (device != null) {
                device.close();
            }
        } finally {
            if (wireguardGo != null) {
                wireguardGo.destroy(); // by pid: `ip netns exec` execs wireguard-go
                if (!wireguardGo.waitFor(5, TimeUnit.SECONDS)) {
                    wireguardGo.destroyForcibly();
                }
            }
            if (keyFile != null) {
                Files.deleteIfExists(keyFile);
            }
            Files.deleteIfExists(Path.of("/var/run/wireguard/" + goName + ".sock"));
            if (nsA != null) {
                nsA.close();
            }
            if (nsB != null) {
                nsB.close();
            }
        }
    }

    private static boolean onPath(String tool) {
        try {
            return !Host.run(false, "sh", "-c", "command -v " + tool).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private static void sysctl(Netns ns, String key, String value) throws IOException {
        Host.run("ip", "netns", "exec", ns.name(), "sysctl", "-q", "-w", key + "=" + value);
    }

    private String wg(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsB.name(), "wg"));
        cmd.addAll(List.of(args));
        return Host.run(cmd.toArray(String[]::new));
    }

    /** One ping through the tunnel from {@code ns}; a first one may be lost to the handshake. */
    private static void ping(Netns ns, String target) throws IOException {
        String out = "";
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                out = Host.run("ip", "netns", "exec", ns.name(), "ping", "-n", "-c", "1", "-W", "1", target);
                return;
            } catch (AssertionError | IOException e) {
                out = e.getMessage();
            }
        }
        throw new AssertionError("ping " + target + " from " + ns.name() + " failed: " + out);
    }

    /** Our endpoint as wireguard-go sees it. */
    private String endpointSeenByPeer() throws IOException {
        String line = wg("show", goName, "endpoints").strip();
        return line.substring(line.indexOf('\t') + 1);
    }

    private void addressesA(String... cidrs) throws IOException {
        for (String c : cidrs) {
            nsA.ip("addr", "add", c, "dev", vethA);
        }
    }

    private void up() throws IOException {
        nsA.ip("link", "set", vethA, "up");
        nsB.ip("link", "set", vethB, "up");
    }

    /** netns.sh item 17: remove the source address in use; the engine falls over to the new one. */
    @Test
    void stickyButNotTooSticky() throws Exception {
        addressesA("10.0.0.1/24", "fd00:aa::1/96");
        nsB.ip("addr", "add", "10.0.0.2/24", "dev", vethB);
        nsB.ip("addr", "add", "fd00:aa::2/96", "dev", vethB);
        up();

        device.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress(InetAddress.getByName("10.0.0.2"), GO_PORT));
        ping(nsA, "192.168.241.2");
        assertEquals("10.0.0.1:" + JAVA_PORT, endpointSeenByPeer());
        long stale = device.stats().staleSources();
        addressesA("10.0.0.10/24");
        nsA.ip("addr", "del", "10.0.0.1/24", "dev", vethA);
        ping(nsA, "192.168.241.2");
        assertEquals("10.0.0.10:" + JAVA_PORT, endpointSeenByPeer());
        assertTrue(device.stats().staleSources() > stale, "the removed source was refused and forgotten");

        device.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress(InetAddress.getByName("fd00:aa::2"), GO_PORT));
        ping(nsA, "192.168.241.2");
        assertEquals("[fd00:aa::1]:" + JAVA_PORT, endpointSeenByPeer());
        stale = device.stats().staleSources();
        addressesA("fd00:aa::10/96");
        nsA.ip("addr", "del", "fd00:aa::1/96", "dev", vethA);
        ping(nsA, "192.168.241.2");
        assertEquals("[fd00:aa::10]:" + JAVA_PORT, endpointSeenByPeer());
        assertTrue(device.stats().staleSources() > stale, "the removed IPv6 source was refused and forgotten");
    }

    /** netns.sh item 18: with several local addresses, replies leave from the one the peer dialled. */
    @Test
    void replyToSender() throws Exception {
        addressesA("10.0.0.1/24", "10.0.0.2/24", "fd00:aa::1/96", "fd00:aa::2/96");
        nsB.ip("addr", "add", "10.0.0.3/24", "dev", vethB);
        nsB.ip("addr", "add", "fd00:aa::3/96", "dev", vethB);
        up();
        for (String dialled : new String[] {"10.0.0.1", "[fd00:aa::1]", "10.0.0.2", "[fd00:aa::2]"}) {
            wg("set", goName, "peer", keyA.publicKey().toBase64(), "endpoint", dialled + ":" + JAVA_PORT);
            ping(nsB, "192.168.241.1");
            assertEquals(dialled + ":" + JAVA_PORT, endpointSeenByPeer(), "the reply came from the address dialled");
        }
    }

    /**
     * netns.sh item 20: a better route through another interface appears, with its own source;
     * the old source is dropped because the route no longer leaves where the peer's packets
     * arrived, and the peer sees the new one.
     */
    @Test
    void anotherInterfaceRouteTakesPrecedence() throws Exception {
        Host.run("ip", "link", "add", vethA3, "netns", nsA.name(), "type", "veth", "peer", "name", vethB4, "netns", nsB.name());
        addressesA("10.0.0.1/24");
        nsB.ip("addr", "add", "10.0.0.2/24", "dev", vethB);
        nsA.ip("addr", "add", "10.0.0.3/24", "dev", vethA3);
        up();
        nsA.ip("link", "set", vethA3, "up");
        nsB.ip("link", "set", vethB4, "up");
        nsA.ip("route", "flush", "dev", vethA);
        nsA.ip("route", "flush", "dev", vethA3);
        nsA.ip("route", "add", "10.0.0.0/24", "dev", vethA, "src", "10.0.0.1", "metric", "2");
        device.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress(InetAddress.getByName("10.0.0.2"), GO_PORT));
        ping(nsA, "192.168.241.2");
        assertEquals("10.0.0.1:" + JAVA_PORT, endpointSeenByPeer());

        nsA.ip("route", "add", "10.0.0.0/24", "dev", vethA3, "src", "10.0.0.3", "metric", "1");
        sysctl(nsA, "net.ipv4.conf." + vethA + ".rp_filter", "0");
        sysctl(nsB, "net.ipv4.conf." + vethB4 + ".rp_filter", "0");
        sysctl(nsA, "net.ipv4.conf.all.rp_filter", "0");
        sysctl(nsB, "net.ipv4.conf.all.rp_filter", "0");
        long stale = device.stats().staleSources();
        ping(nsA, "192.168.241.2");
        assertEquals("10.0.0.3:" + JAVA_PORT, endpointSeenByPeer());
        assertTrue(device.stats().staleSources() > stale, "the source of the old route was dropped");
    }
}
