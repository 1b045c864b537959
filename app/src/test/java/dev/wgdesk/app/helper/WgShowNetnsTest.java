package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.PeerStatus;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.platform.UapiSocket;
import dev.wgdesk.platform.linux.net.Command;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * {@code wg show} and {@code wg showconf} (the real wireguard-tools, run from the host's
 * namespace: the sockets are files in {@code /var/run/wireguard}) on a tunnel the real helper
 * brought up with the real Linux backend in a namespace ({@link HelperInNetns}), talking to a
 * wireguard-go peer. Tunnel names carry this JVM's pid; every socket this test makes is removed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class WgShowNetnsTest {
    private static final Path RUN = UapiSocket.DEFAULT_DIRECTORY;

    private final long id = ProcessHandle.current().pid() % 100_000;
    private final String name = "wgs" + id;
    private final String other = "wgo" + id;
    private ConnectedNetns net;
    private HelperInNetns h;
    private IpcClient client;
    private PrivateKey key;

    @BeforeAll
    void setUp() throws Exception {
        net = ConnectedNetns.connect("netns wg show tests", "w", true, "10.200.0.1/32");
        h = net.helper();
        key = net.key();
        client = net.client();
        for (String n : List.of(name, other)) {
            // Hooks use wg on the tunnel, as wg-quick users' do: the socket must exist for PostUp and PreDown.
            String hooks = n.equals(name) ? "PostUp = wg show %i peers > " + h.dir.resolve("postup") + "\n"
                    + "PreDown = wg show %i listen-port > " + h.dir.resolve("predown") + "\n" : "";
            client.importConfig(n, "[Interface]\nPrivateKey = " + key.toBase64() + "\nAddress = 10.200.0.1/24\n" + hooks
                    + "\n[Peer]\nPublicKey = " + h.peerPublicKey + "\nEndpoint = 10.99.0.2:51820\n"
                    + "AllowedIPs = 10.200.0.2/32\nPersistentKeepalive = 25\n");
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        if (net != null) {
            net.close();
        }
        for (String n : List.of(name, other)) {
            Files.deleteIfExists(UapiSocket.socketPath(RUN, n)); // only if a failed test left one
        }
    }

    private static Command.Result wg(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("wg"));
        argv.addAll(List.of(args));
        return Command.run(argv, null, Map.of(), 20);
    }

    @Test
    @Order(1)
    void wgShowDumpAndShowconfSeeTheHelpersTunnel() throws Exception {
        Path sock = UapiSocket.socketPath(RUN, name);
        // A stale socket, as a crashed helper leaves it: bound, then nobody accepts on it.
        Files.createDirectories(RUN);
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(sock));
        }
        assertTrue(Files.exists(sock, LinkOption.NOFOLLOW_LINKS) && !UapiSocket.isListening(sock));

        TunnelStatus up = client.activate(name);
        assertEquals(TunnelState.ACTIVE, up.state());
        assertTrue(up.warnings().stream().noneMatch(w -> w.contains("wg show")), up.warnings().toString());
        assertTrue(UapiSocket.isListening(sock), "the stale socket was replaced by a live one");
        PosixFileAttributes attrs = Files.readAttributes(sock, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertEquals("rw-------", PosixFilePermissions.toString(attrs.permissions()));
        assertEquals("root", attrs.owner().getName());
        h.ping("10.200.0.2"); // a handshake, and data both ways

        assertEquals(h.peerPublicKey + "\n", Files.readString(h.dir.resolve("postup")), "PostUp's wg show %i peers");

        String interfaces = wg("show", "interfaces").stdout();
        assertTrue(List.of(interfaces.strip().split("\\s+")).contains(name), "wg show interfaces: " + interfaces);

        Command.Result dump = wg("show", name, "dump");
        assertEquals(0, dump.exitCode(), dump.stderr());
        String[] lines = dump.stdout().strip().split("\n");
        assertEquals(2, lines.length, "the interface and one peer: " + lines.length + " lines");
        String[] dev = lines[0].split("\t");
        assertEquals(key.toBase64(), dev[0], "private key");
        assertEquals(key.publicKey().toBase64(), dev[1], "public key");
        int port = Integer.parseInt(dev[2]);
        assertTrue(port > 0, "listen port " + port);
        assertEquals(up.listenPort(), port, "the port the helper reports");
        assertEquals("off", dev[3], "fwmark");
        String[] peer = lines[1].split("\t");
        assertEquals(h.peerPublicKey, peer[0]);
        assertEquals("(none)", peer[1], "preshared key");
        assertEquals("10.99.0.2:51820", peer[2], "endpoint");
        assertEquals("10.200.0.2/32", peer[3], "allowed ips");
        long handshake = Long.parseLong(peer[4]);
        long now = System.currentTimeMillis() / 1000;
        assertTrue(handshake > now - 120 && handshake <= now + 1, "latest handshake " + handshake + " vs now " + now);
        long rx = Long.parseLong(peer[5]);
        long tx = Long.parseLong(peer[6]);
        assertTrue(rx > 0 && tx > 0, "transfer rx " + rx + " tx " + tx);
        assertEquals("25", peer[7], "persistent keepalive");
        System.out.println("wg show " + name + " dump: port " + port + ", handshake " + (now - handshake)
                + " s ago, rx " + rx + " B, tx " + tx + " B");

        // The same figures as the helper's own status (which reads the same device).
        PeerStatus ps = client.status(name).peers().getFirst();
        assertEquals(handshake, ps.lastHandshakeMillis() / 1000);
        assertTrue(ps.rxBytes() >= rx && ps.txBytes() >= tx, ps + " vs rx " + rx + " tx " + tx);

        Command.Result conf = wg("showconf", name);
        assertEquals(0, conf.exitCode(), conf.stderr());
        String c = conf.stdout();
        assertTrue(c.contains("ListenPort = " + port + "\n"), "showconf: ListenPort");
        assertTrue(c.contains("PrivateKey = " + key.toBase64() + "\n"), "showconf: PrivateKey");
        assertTrue(c.contains("[Peer]\nPublicKey = " + h.peerPublicKey + "\n"), "showconf: PublicKey");
        assertTrue(c.contains("AllowedIPs = 10.200.0.2/32\n"), "showconf: AllowedIPs");
        assertTrue(c.contains("Endpoint = 10.99.0.2:51820\n"), "showconf: Endpoint");
        assertTrue(c.contains("PersistentKeepalive = 25\n"), "showconf: PersistentKeepalive");
    }

    @Test
    @Order(2)
    void wgSetChangesTheRunningDeviceAndTheHelpersStatusShowsIt() throws Exception {
        Command.Result set = wg("set", name, "peer", h.peerPublicKey, "persistent-keepalive", "7");
        assertEquals(0, set.exitCode(), set.stderr());
        assertEquals(7, client.status(name).peers().getFirst().persistentKeepalive());
        assertTrue(wg("show", name, "dump").stdout().strip().endsWith("\t7"), "wg sees its change");
        h.ping("10.200.0.2"); // the tunnel still works
    }

    @Test
    @Order(3)
    void deactivationRemovesTheSocket() throws Exception {
        Path sock = UapiSocket.socketPath(RUN, name);
        assertTrue(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
        int port = client.status(name).listenPort();
        assertEquals(TunnelState.INACTIVE, client.deactivate(name).state());
        assertEquals(port + "\n", Files.readString(h.dir.resolve("predown")), "PreDown's wg show %i listen-port");
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "socket removed on deactivation");
        assertNotEquals(0, wg("show", name).exitCode(), "wg show no longer finds it");
        assertFalse(List.of(wg("show", "interfaces").stdout().strip().split("\\s+")).contains(name));
    }

    @Test
    @Order(4)
    void aLiveSocketOfAnotherProgramIsNotTakenOver() throws Exception {
        Path sock = UapiSocket.socketPath(RUN, other);
        try (ServerSocketChannel theirs = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            theirs.bind(UnixDomainSocketAddress.of(sock));
            Object theirKey = Files.readAttributes(sock, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            TunnelStatus up = client.activate(other);
            assertEquals(TunnelState.ACTIVE, up.state(), "the tunnel comes up all the same");
            assertTrue(up.warnings().stream().anyMatch(w -> w.startsWith("wg show " + other + " will not show this tunnel:")
                    && w.contains("another running program")), up.warnings().toString());
            h.ping("10.200.0.2");
            assertEquals(theirKey, Files.readAttributes(sock, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey(),
                    "their socket file is still theirs");
            assertEquals(TunnelState.INACTIVE, client.deactivate(other).state());
            assertTrue(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "deactivation leaves their socket alone");
            assertTrue(UapiSocket.isListening(sock));
        } finally {
            Files.deleteIfExists(sock);
        }
    }

    @Test
    @Order(5)
    void stoppingTheHelperRemovesTheSocket() throws Exception {
        Path sock = UapiSocket.socketPath(RUN, name);
        assertEquals(TunnelState.ACTIVE, client.activate(name).state());
        assertTrue(UapiSocket.isListening(sock));
        client.close();
        client = null;
        h.stop();
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "socket removed when the helper stops");
    }
}
