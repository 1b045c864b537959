package dev.wgdesk.app.engine;

import dev.wgdesk.engine.platform.UapiSocket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.MemoryTun;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunProvider;
import dev.wgdesk.engine.uapi.UapiHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * wgdesk-engine's macOS behaviour, run on Linux: {@link HostOs#MACOS} rules, a TUN provider that
 * names interfaces as the darwin kernel does (asked for {@code utun} it hands back the next free
 * {@code utunN}, starting at utun7), the real UAPI socket and name file in a temporary directory
 * that stands for {@code /var/run/wireguard}.
 */
class DarwinEngineTest {
    /** Names interfaces as xnu's utun control does; records what it was asked for. */
    static final class UtunNamingProvider implements TunProvider {
        final List<String> requested = new ArrayList<>();
        final Map<String, MemoryTun> live = new HashMap<>();
        final List<MemoryTun> created = new ArrayList<>();
        int nextUnit = 7;
        String forceName; // a misbehaving kernel/provider

        @Override
        public boolean isSupported() {
            return true;
        }

        @Override
        public synchronized Tun create(String name, int mtu) throws IOException {
            requested.add(name);
            String real;
            if (forceName != null) {
                real = forceName;
            } else if (name.equals("utun")) {
                while (isLive("utun" + nextUnit)) {
                    nextUnit++;
                }
                real = "utun" + nextUnit;
            } else if (name.matches("utun[0-9]+")) {
                real = "utun" + Long.parseLong(name.substring(4));
                if (isLive(real)) {
                    throw new IOException("interface name in use: " + real);
                }
            } else {
                throw new IOException("not a utun name: " + name);
            }
            MemoryTun t = new MemoryTun(real, mtu);
            live.put(real, t);
            created.add(t);
            return t;
        }

        private boolean isLive(String n) {
            MemoryTun t = live.get(n);
            return t != null && !t.isClosed();
        }
    }

    private Path dir;
    private Path nameFile;
    private final UtunNamingProvider kernel = new UtunNamingProvider();
    private final List<Engine> engines = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("wgd-darwin-");
        nameFile = dir.resolve("wg0.name"); // wg-quick: WG_TUN_NAME_FILE=/var/run/wireguard/$INTERFACE.name
    }

    @AfterEach
    void tearDown() throws IOException {
        engines.forEach(Engine::close);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private Engine start(String name, Path tunNameFile) throws Engine.StartupException {
        Engine e = Engine.start(name, dir, HostOs.MACOS, tunNameFile, kernel);
        engines.add(e);
        return e;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String get(Path socket) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            return UapiSocketTest.request(c, "get=1\n\n");
        }
    }

    @Test
    void utunGetsTheKernelsUnitNamesTheSocketAndIsWrittenToTheNameFile() throws Exception {
        Engine e = start("utun", nameFile);
        assertEquals(List.of("utun"), kernel.requested, "the provider is asked for utun, the kernel picks");
        assertEquals("utun7", e.name());
        assertEquals("utun", e.requestedName());
        assertEquals("utun7\n", Files.readString(nameFile, StandardCharsets.US_ASCII));
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nameFile)));
        Path socket = dir.resolve("utun7.sock");
        assertTrue(UapiSocket.isListening(socket));
        assertEquals(List.of("utun7.sock", "wg0.name"), files(), "no temporary file left, no utun.sock");
        assertTrue(get(socket).endsWith("errno=0\n\n"), "wg can talk to utun7.sock");

        e.close();
        assertTrue(kernel.created.get(0).isClosed(), "the utun is closed");
        assertEquals(List.of(), files(), "socket and name file are removed on exit");
    }

    @Test
    void aSecondUtunGetsTheNextUnitAndEachNameFileItsOwnName() throws Exception {
        Engine a = start("utun", nameFile);
        Path other = dir.resolve("wg1.name");
        Engine b = start("utun", other);
        assertEquals("utun7", a.name());
        assertEquals("utun8", b.name());
        assertEquals("utun8\n", Files.readString(other, StandardCharsets.US_ASCII));
        assertEquals(List.of("utun7.sock", "utun8.sock", "wg0.name", "wg1.name"), files());
        b.close();
        assertEquals(List.of("utun7.sock", "wg0.name"), files());
    }

    @Test
    void anExplicitUtunNIsCreatedAndNoNameFileIsWrittenAsWireguardGo() throws Exception {
        Engine e = start("utun3", nameFile);
        assertEquals(List.of("utun3"), kernel.requested);
        assertEquals("utun3", e.name());
        assertEquals(List.of("utun3.sock"), files(), "wireguard-go writes WG_TUN_NAME_FILE for utun only");
        e.close();
        assertEquals(List.of(), files());
    }

    @Test
    void withoutWgTunNameFileOnlyTheSocketIsCreated() throws Exception {
        Engine e = start("utun", null);
        assertEquals(List.of("utun7.sock"), files());
        e.close();
        assertEquals(List.of(), files());
    }

    @Test
    void removingTheSocketAsWgQuickDownDoesStopsTheEngineAndItsCleanUpLeavesNothing() throws Exception {
        Engine e = start("utun", nameFile);
        Files.delete(dir.resolve("utun7.sock")); // darwin.bash del_if: rm -f /var/run/wireguard/$REAL_INTERFACE.sock
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!e.stopRequested() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(e.stopRequested(), "the engine notices its socket is gone");
        assertTrue(e.awaitStop().contains("utun7.sock"), e.awaitStop());
        e.close();
        assertFalse(Files.exists(nameFile), "the name file goes with the engine");
        assertTrue(kernel.created.get(0).isClosed());
    }

    @Test
    void onMacOsTheSocketFileIsCheckedItselfNotThroughThePollingWatchService() throws Exception {
        // macOS's JDK watch service polls every 10 s; the engine checks the file every 500 ms instead.
        assertEquals(Duration.ofMillis(500), Engine.MACOS_SOCKET_CHECK);
        for (boolean replace : new boolean[] {false, true}) {
            CountDownLatch gone = new CountDownLatch(1);
            UapiSocket u = UapiSocket.open(dir, "utun5", Duration.ofMillis(20));
            Device d = new Device(new MemoryTun("utun5"),
                    new MemoryBind(new MemoryBind.Network()),
                    Clock.system(), 0);
            try {
                u.start(new UapiHandler(new DeviceUapiTarget(d)),
                        gone::countDown);
                assertTrue(UapiSocket.isListening(u.path()));
                assertFalse(gone.await(200, TimeUnit.MILLISECONDS), "not gone while the file is there");
                Files.delete(u.path());
                if (replace) {
                    Files.writeString(u.path(), "another file of the same name");
                }
                assertTrue(gone.await(20, TimeUnit.SECONDS), "the check notices the socket is gone (replace=" + replace + ")");
            } finally {
                u.close();
                d.close();
                Files.deleteIfExists(u.path());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> UapiSocket.open(dir, "utun5", Duration.ZERO));
    }

    @Test
    void aNameFileReplacedByAnotherEngineIsLeftAlone() throws Exception {
        Engine e = start("utun", nameFile);
        // wg-quick down then up again: a new engine writes the same file (a new inode) before this one exits
        Path t = dir.resolve("newer");
        Files.writeString(t, "utun9\n");
        Files.move(t, nameFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        e.close();
        assertEquals("utun9\n", Files.readString(nameFile), "not this engine's file any more");
        assertFalse(Files.exists(dir.resolve("utun7.sock")));
    }

    @Test
    void aStartThatFailsAfterWritingTheNameFileRemovesItAndClosesTheUtun() throws Exception {
        try (ServerSocketChannel busy = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            busy.bind(UnixDomainSocketAddress.of(dir.resolve("utun7.sock"))); // another engine serves utun7
            Engine.StartupException x = assertThrows(Engine.StartupException.class, () -> start("utun", nameFile));
            assertTrue(x.getMessage().startsWith("Failed to listen on uapi socket"), x.getMessage());
            assertFalse(Files.exists(nameFile), "no name file points at a socket this engine does not serve");
            assertTrue(kernel.created.get(0).isClosed());
        } finally {
            Files.deleteIfExists(dir.resolve("utun7.sock"));
        }
    }

    @Test
    void anUnwritableNameFileFailsTheStartClearly() {
        Path missing = dir.resolve("no-such-dir").resolve("wg0.name");
        Engine.StartupException x = assertThrows(Engine.StartupException.class, () -> start("utun", missing));
        assertTrue(x.getMessage().contains("WG_TUN_NAME_FILE " + missing), x.getMessage());
        assertTrue(kernel.created.get(0).isClosed());
        assertEquals(List.of(), List.copyOf(filesQuietly()));
    }

    private List<String> filesQuietly() {
        try {
            return files();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aProviderThatDoesNotCreateAUtunIsAnError() {
        kernel.forceName = "wg0";
        Engine.StartupException x = assertThrows(Engine.StartupException.class, () -> start("utun", nameFile));
        assertTrue(x.getMessage().contains("\"wg0\", not utunN"), x.getMessage());
        kernel.forceName = "utun5";
        x = assertThrows(Engine.StartupException.class, () -> start("utun4", nameFile));
        assertTrue(x.getMessage().contains("not the utun4 asked for"), x.getMessage());
        kernel.created.forEach(t -> assertTrue(t.isClosed()));
        assertEquals(List.of(), filesQuietly());
    }

    @Test
    void leadingZerosAskForTheSameUnitAsWireguardGo() throws Exception {
        Engine e = start("utun07", nameFile);
        assertEquals("utun7", e.name());
        assertTrue(UapiSocket.isListening(dir.resolve("utun7.sock")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"wg0", "utunx", "utun-1", "utun+1", "Utun", "utun1234567", "tun0", "utun 1"})
    void nonUtunNamesAreRefusedOnMacOs(String name) {
        CommandLine c = CommandLine.parse(List.of(name), HostOs.MACOS);
        CommandLine.Invalid inv = assertInstanceOf(CommandLine.Invalid.class, c);
        assertTrue(inv.message().startsWith("invalid interface name \""), inv.message());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> Engine.start(name, dir, HostOs.MACOS, nameFile, kernel));
        assertTrue(x.getMessage().startsWith("invalid interface name"), x.getMessage());
        assertEquals(List.of(), kernel.requested, "nothing was created");
    }

    @Test
    void theMacOsErrorSaysWhatIsAllowed() throws Exception {
        assertEquals(new CommandLine.Invalid("invalid interface name \"wg0\": on macOS the interface name must be utun"
                + " (the kernel picks utunN) or utunN with N of 1 to 6 digits"), CommandLine.parse(List.of("wg0"), HostOs.MACOS));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = EngineMain.run(List.of("-f", "wg0"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), HostOs.MACOS);
        assertEquals(1, status);
        String s = err.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("on macOS the interface name must be utun"), s);
        assertTrue(s.contains(CommandLine.USAGE), s);
    }

    @Test
    void utunNamesAreAcceptedOnMacOsAndLinuxNamesStillOnLinux() {
        assertEquals(new CommandLine.Run(false, "utun"), CommandLine.parse(List.of("utun"), HostOs.MACOS));
        assertEquals(new CommandLine.Run(true, "utun12"), CommandLine.parse(List.of("-f", "utun12"), HostOs.MACOS));
        assertEquals(new CommandLine.Run(false, "wg0"), CommandLine.parse(List.of("wg0"), HostOs.LINUX));
        assertEquals(new CommandLine.Run(false, "utun"), CommandLine.parse(List.of("utun"), HostOs.LINUX));
        assertNull(InterfaceName.problem("wg0", HostOs.OTHER));
    }

    @Test
    void osNamesMapToTheRightRules() {
        assertEquals(HostOs.MACOS, HostOs.of("Mac OS X"));
        assertEquals(HostOs.LINUX, HostOs.of("Linux"));
        assertEquals(HostOs.OTHER, HostOs.of("Windows 11"));
        assertEquals(HostOs.LINUX, HostOs.current(), "these tests run on Linux");
    }

    @Test
    void daemonParentFindsTheChildsRealNameAndItsSocket() throws Exception {
        Path ready = dir.resolve("ready");
        assertFalse(Daemon.running(ready, dir, HostOs.MACOS), "no ready file yet");
        Daemon.writeReadyFile(ready, "utun7");
        assertEquals("utun7", Daemon.readReadyFile(ready));
        assertFalse(Files.exists(dir.resolve("ready.tmp")));
        assertFalse(Daemon.running(ready, dir, HostOs.MACOS), "utun7.sock does not listen yet");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(dir.resolve("utun7.sock")));
            assertTrue(Daemon.running(ready, dir, HostOs.MACOS), "macOS: the socket of the real name listens");
            assertFalse(Daemon.running(ready, dir, HostOs.LINUX), "Linux also wants the interface, absent here");
        } finally {
            Files.deleteIfExists(dir.resolve("utun7.sock"));
        }
        Files.writeString(ready, "utun7"); // no line end: not complete
        assertNull(Daemon.readReadyFile(ready));
        Files.writeString(ready, "../x\n");
        assertNull(Daemon.readReadyFile(ready));
    }
}
