package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UapiRequests;
import dev.wgdesk.engine.platform.UapiSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wg show utunN} and wg-quick's name mapping for helper tunnels on macOS, on the simulated
 * kernel and a fake Mac ({@link MacHelperPlatformTest}), with the sockets and name files in a
 * temporary directory instead of {@code /var/run/wireguard}. The sockets are real UNIX sockets
 * (which Linux has too); requests are what {@code wg} sends. Not run on a Mac.
 */
class MacUapiTest {
    @TempDir
    Path dir;

    final FakeDarwin kernel = new FakeDarwin();
    final MacTunnelTest.FakeMac mac = new MacTunnelTest.FakeMac();
    final MemoryBind.Network net = new MemoryBind.Network();

    MacTunnelBackend backend() {
        return backend(mac);
    }

    MacTunnelBackend backend(MacTunnel.Runner runner) {
        return new MacTunnelBackend(runner, () -> new MacOsTunProvider(kernel, true), () -> new MemoryBind(net),
                host -> {
                    throw new UnknownHostException(host);
                }, r -> () -> { }, null, new MacUapi(dir));
    }

    static TunnelConfig config() throws Exception {
        return MacTunnelTest.conf("Address = 10.8.0.2/32\nMTU = 1400", "10.8.0.0/24",
                "198.51.100.7:51820\nPersistentKeepalive = 25");
    }

    /** A get answer for a failure message: without the private and preshared keys. */
    static String withoutKeys(String get) {
        return get.replaceAll("(?m)^(private_key|preshared_key)=.*$", "$1=(hidden)");
    }

    @Test
    void servesUtunSockAndWritesTheNameFileThenRemovesBoth() throws Exception {
        List<String> log = new ArrayList<>();
        try (MacTunnelBackend b = backend()) {
            TunnelBackend.Active a = b.activate("office", config(), false, j -> { }, log::add);
            assertEquals(List.of(), a.warnings());
            Path sock = dir.resolve("utun0.sock");
            Path name = dir.resolve("office.name");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertEquals("utun0\n", Files.readString(name), "wg-quick reads the utun's name from it");
            try (var list = Files.list(dir)) {
                assertEquals(2, list.count(), "the socket and the name file, no temporary file left");
            }
            String get = UapiRequests.request(sock, "get=1\n\n");
            assertTrue(get.contains("public_key=6720183e9a2e8107b383e7c605599971644db95ccfcebce426cd877951049167\n"),
                    withoutKeys(get));
            assertTrue(get.contains("endpoint=198.51.100.7:51820\n") && get.contains("allowed_ip=10.8.0.0/24\n"),
                    withoutKeys(get));
            assertTrue(get.contains("persistent_keepalive_interval=25\n") && get.endsWith("errno=0\n\n"), withoutKeys(get));
            // wg set: the running device changes, and the helper's snapshot (the app's status) shows it.
            assertEquals("errno=0\n\n", UapiRequests.request(sock, "set=1\npublic_key="
                    + "6720183e9a2e8107b383e7c605599971644db95ccfcebce426cd877951049167\npersistent_keepalive_interval=7\n\n"));
            assertEquals(7, a.snapshot().peers().getFirst().persistentKeepaliveSeconds());
            // Errors carry macOS's errno numbers: EPROTO is 100 there (71 on Linux).
            assertEquals("errno=-100\n\n", UapiRequests.request(sock, "set=1\nnot a key and value\n\n"));
            assertEquals(List.of(), a.deactivate());
            assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "utun0.sock removed");
            assertFalse(Files.exists(name), "office.name removed");
        }
    }

    @Test
    void postUpAndPreDownHooksCanAskWgAndAFailedActivationLeavesNothing() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        MacTunnel.Runner runner = argv -> {
            if (argv.getFirst().equals("/bin/bash") && argv.get(2).startsWith("wg show ")) {
                // What wg would find at that moment: the socket, and the listen port it reports.
                String utun = argv.get(2).split(" ")[2];
                Path sock = dir.resolve(utun + ".sock");
                String answer = UapiSocket.isListening(sock) ? UapiRequests.request(sock, "get=1\n\n").lines()
                        .filter(l -> l.startsWith("listen_port=")).findFirst().orElse("?") : "no socket";
                seen.add(argv.get(2) + " -> " + answer + (Files.exists(dir.resolve("office.name")) ? ", office.name" : ""));
                return new MacTunnel.Result(0, "", "");
            }
            return mac.run(argv);
        };
        TunnelConfig c = MacTunnelTest.conf("Address = 10.8.0.2/32\nMTU = 1400\nPostUp = wg show %i listen-port\n"
                + "PreDown = wg show %i listen-port", "10.8.0.0/24", "198.51.100.7:51820");
        try (MacTunnelBackend b = backend(runner)) {
            TunnelBackend.Active a = b.activate("office", c, true, j -> { }, l -> { });
            int port = a.snapshot().listenPort();
            assertEquals(List.of(), a.deactivate());
            assertEquals(List.of("wg show utun0 listen-port -> listen_port=" + port + ", office.name",
                    "wg show utun0 listen-port -> listen_port=" + port + ", office.name"), seen);
            try (var list = Files.list(dir)) {
                assertEquals(List.of(), list.toList(), "socket and name file gone after deactivation");
            }

            mac.fail = "route -q -n add -inet 10.8.0.0/24 -interface utun0"; // after the UAPI step
            assertThrows(TunnelBackend.ActivationException.class,
                    () -> b.activate("office", c, true, j -> { }, l -> { }));
            try (var list = Files.list(dir)) {
                assertEquals(List.of(), list.toList(), "a rolled-back activation leaves no socket or name file");
            }
        }
    }

    @Test
    void theNameFileOfAnotherRunningTunnelIsLeftAlone() throws Exception {
        Path name = dir.resolve("office.name");
        Files.writeString(name, "utun9\n");
        try (ServerSocketChannel theirs = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             MacTunnelBackend b = backend()) {
            theirs.bind(UnixDomainSocketAddress.of(dir.resolve("utun9.sock")));
            TunnelBackend.Active a = b.activate("office", config(), false, j -> { }, l -> { });
            assertEquals(List.of("wg-quick will not find office as utun0: " + name
                    + " names utun9, a running interface; it is left alone (wg show utun0 works)"), a.warnings());
            assertEquals("utun9\n", Files.readString(name));
            assertTrue(UapiRequests.request(dir.resolve("utun0.sock"), "get=1\n\n").endsWith("errno=0\n\n"));
            a.deactivate();
            assertEquals("utun9\n", Files.readString(name), "not removed either");
        }
    }

    @Test
    void aStaleNameFileIsReplacedAndCrashLeftoversAreCleanedUp() throws Exception {
        Path name = dir.resolve("office.name");
        Files.writeString(name, "utun4\n"); // its utun4.sock is gone
        try (MacTunnelBackend b = backend()) {
            TunnelBackend.Active a = b.activate("office", config(), false, j -> { }, l -> { });
            assertEquals(List.of(), a.warnings());
            assertEquals("utun0\n", Files.readString(name));
            a.deactivate();
        }
        // What a killed helper leaves: a name file and a socket nobody accepts on.
        Files.writeString(name, "utun3\n");
        Path sock = dir.resolve("utun3.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock));
        }
        try (MacTunnelBackend b = backend()) {
            assertEquals(List.of("removed stale UAPI socket " + sock, "removed stale name file " + name),
                    b.cleanupStale("office", List.of()));
        }
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(name));
    }

    @Test
    void noNameFileWhenTheTunnelIsNamedLikeItsUtunOrCannotNameOne() throws Exception {
        try (MacTunnelBackend b = backend()) {
            TunnelBackend.Active a = b.activate("utun0", config(), false, j -> { }, l -> { });
            assertFalse(Files.exists(dir.resolve("utun0.name")));
            assertTrue(Files.exists(dir.resolve("utun0.sock"), LinkOption.NOFOLLOW_LINKS));
            a.deactivate();
            try (var list = Files.list(dir)) {
                assertEquals(0, list.count());
            }
        }
    }
}
