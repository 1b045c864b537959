package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.ServiceRegistration;
import dev.wgdesk.engine.platform.TunnelBackend;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helper's macOS platform on Linux: the tunnel backend on the simulated kernel and a fake Mac
 * (rollback, journal, warnings, crash clean-up), the LaunchDaemon's exact launchctl argv and
 * files, the user directory on a fake Directory Services, and the platform's identity.
 */
class MacHelperPlatformTest {
    final FakeDarwin kernel = new FakeDarwin();
    final MacTunnelTest.FakeMac mac = new MacTunnelTest.FakeMac();
    final MemoryBind.Network net = new MemoryBind.Network();

    MacTunnelBackend backend() {
        return new MacTunnelBackend(mac, () -> new MacOsTunProvider(kernel, true), () -> new MemoryBind(net),
                host -> {
                    throw new UnknownHostException(host);
                }, r -> RouteMonitor.start(kernel, r), null);
    }

    /** Waits (up to 10 s) for the resilience loop's thread to log {@code line}. */
    static void awaitLine(List<String> log, String line) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!log.contains(line) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(log.contains(line), log.toString());
    }

    @Test
    void aNewDefaultGatewayStartsNewHandshakesAndNamesAreWatched() throws Exception {
        List<Runnable> monitors = new CopyOnWriteArrayList<>();
        List<String> closed = new CopyOnWriteArrayList<>();
        MacTunnelBackend b = new MacTunnelBackend(mac, () -> new MacOsTunProvider(kernel, true), () -> new MemoryBind(net),
                host -> {
                    if (!host.equals("vpn.example.org")) {
                        throw new UnknownHostException(host);
                    }
                    return List.of(java.net.InetAddress.getByName("198.51.100.7"));
                }, r -> {
                    monitors.add(r);
                    return () -> closed.add("monitor");
                }, null);
        TunnelConfig c = MacTunnelTest.conf("Address = 10.8.0.2/32\nMTU = 1400", "10.8.0.0/24",
                "vpn.example.org:51820\nPersistentKeepalive = 25");
        List<String> log = new CopyOnWriteArrayList<>();
        try (b) {
            TunnelBackend.Active a = b.activate("wg0", c, false, j -> { }, log::add);
            assertEquals(1, monitors.size(), "a split tunnel with its MTU set has no monitor of its own: only the"
                    + " backend's default-route watch");
            List<dev.wgdesk.engine.resilience.ResolutionStatus> rs = a.resolutions();
            assertEquals(1, rs.size());
            assertEquals("vpn.example.org", rs.getFirst().host());
            assertEquals(51820, rs.getFirst().port());
            assertFalse(rs.getFirst().failed());
            assertEquals(List.of(java.net.InetAddress.getByName("198.51.100.7")), rs.getFirst().addresses());

            monitors.getFirst().run(); // routing messages, but the default gateway is the same
            Thread.sleep(1500); // three passes of the loop
            assertTrue(log.stream().noneMatch(l -> l.startsWith("Network changed")), log.toString());

            mac.gateway4 = "10.0.0.1"; // another network
            monitors.getFirst().run();
            awaitLine(log, "Network changed (default route changed): new handshake started with 1 peer");
            assertEquals(List.of(), a.deactivate());
            assertEquals(List.of("monitor"), closed, "the last tunnel down stops the watch");
            assertEquals(List.of(), b.resilience().tunnels());
        }
    }

    /* ---------------- platform ---------------- */

    @Test
    void foundByServiceLoaderAndNotCurrentHere() {
        List<HelperPlatform> all = HelperPlatform.all();
        HelperPlatform mac = all.stream().filter(p -> p.os().equals("macos")).findFirst().orElseThrow();
        assertTrue(mac instanceof MacHelperPlatform);
        boolean onMac = System.getProperty("os.name").startsWith("Mac OS X");
        assertEquals(onMac, mac.isCurrent(), "this is " + System.getProperty("os.name"));
        assertEquals(onMac, HelperPlatform.current().map(p -> p.os().equals("macos")).orElse(false));
        assertTrue(new MacHelperPlatform("Mac OS X").isCurrent());
        assertFalse(new MacHelperPlatform("Linux").isCurrent());
        assertFalse(new MacHelperPlatform("Windows 11").isCurrent());
        assertEquals(Path.of("/Library/Application Support/wgdesk"), mac.stateDirectory());
        assertEquals(Path.of("/etc/wgdesk/helper.conf"), mac.policyFile());
        assertEquals("wgdesk", mac.defaultGroup());
        assertEquals("dev.wgdesk.helper", mac.serviceRegistration().serviceName());
        // made on Linux without touching libSystem (they load it on first use)
        assertTrue(mac.tunnelBackend() instanceof MacTunnelBackend);
        assertTrue(mac.userDirectory() instanceof MacUserDirectory);
    }

    /** In a fresh JVM: finding the platforms and making the macOS parts loads no native code. */
    @Test
    void loadsNoNativeCodeUntilUsed() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), NoNativeMain.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("jna.loaded=null"), out);
    }

    /* ---------------- tunnel backend ---------------- */

    @Test
    void backendBringsATunnelUpAndDown() throws Exception {
        TunnelConfig c = MacTunnelTest.conf("Address = 10.8.0.2/32\nDNS = 1.1.1.1\nPostUp = echo up\nFwMark = 51820",
                "0.0.0.0/0", "198.51.100.7:51820");
        List<List<List<String>>> journals = new ArrayList<>();
        List<String> log = new CopyOnWriteArrayList<>();
        TunnelBackend.Active a = backend().activate("wg0", c, false, journals::add, log::add);
        assertTrue(a.isAlive());
        assertEquals(1412, a.mtu());
        assertEquals(List.of(
                "PostUp disabled by policy: 1 command(s) not run (an administrator can set allow-scripts=true in /etc/wgdesk/helper.conf)",
                "FwMark is not supported on macOS (wg-quick ignores it there too); ignored"), a.warnings());
        DeviceSnapshot s = a.snapshot();
        assertEquals(1, s.peers().size());
        assertEquals(1, journals.size());
        assertTrue(journals.getFirst().contains(List.of("route", "-q", "-n", "delete", "-inet", "198.51.100.7")),
                journals.toString());
        assertTrue(mac.changes().contains("route -q -n add -inet 0.0.0.0/1 -interface utun0"), mac.changes().toString());
        assertEquals(List.of(), a.deactivate());
        assertFalse(a.isAlive());
        assertNull(a.failureReason(), "closed by deactivate, not failed");
        assertNull(kernel.iface("utun0"));
        assertEquals(0, kernel.openFiles());
    }

    @Test
    void backendRollsBackAFailingStepAndNamesIt() throws Exception {
        mac.fail = "networksetup -setdnsservers Wi-Fi 1.1.1.1";
        TunnelConfig c = MacTunnelTest.conf("Address = 10.8.0.2/32, fd00::2/64\nDNS = 1.1.1.1",
                "0.0.0.0/0, ::/0", "198.51.100.7:51820");
        TunnelBackend.ActivationException e = assertThrows(TunnelBackend.ActivationException.class,
                () -> backend().activate("wg0", c, true, j -> {}, l -> {}));
        assertEquals("DNS", e.step());
        assertTrue(e.getMessage().startsWith("step \"DNS\" failed: networksetup -setdnsservers Wi-Fi 1.1.1.1 failed (exit 1)"),
                e.getMessage());
        List<String> ch = mac.changes();
        int failed = ch.indexOf("networksetup -setdnsservers Wi-Fi 1.1.1.1");
        assertEquals(List.of(
                "route -q -n delete -inet 198.51.100.7",
                "route -q -n delete -inet6 8000::/1 -interface utun0",
                "route -q -n delete -inet6 ::/1 -interface utun0",
                "route -q -n delete -inet 128.0.0.0/1 -interface utun0",
                "route -q -n delete -inet 0.0.0.0/1 -interface utun0"), ch.subList(failed + 1, ch.size()),
                "every route undone, newest first; the addresses and the MTU go with the utun");
        assertNull(kernel.iface("utun0"), "the utun is closed");
        assertEquals(0, kernel.openFiles(), "with its sockets and pipes");
    }

    @Test
    void crashCleanupReplaysOnlyRouteAndNetworksetup() {
        List<String> done = backend().cleanupStale("wg0", List.of(
                List.of("route", "-q", "-n", "delete", "-inet", "198.51.100.7"),
                List.of("networksetup", "-setdnsservers", "Wi-Fi", "Empty"),
                List.of("rm", "-rf", "/"),
                List.of()));
        assertEquals(List.of("route -q -n delete -inet 198.51.100.7", "networksetup -setdnsservers Wi-Fi Empty"), done);
        assertEquals(List.of("route -q -n delete -inet 198.51.100.7", "networksetup -setdnsservers Wi-Fi Empty"),
                mac.commands, "nothing else was run");
        mac.fail = "route -q -n delete -inet 198.51.100.7";
        assertEquals(List.of(), backend().cleanupStale("wg0",
                List.of(List.of("route", "-q", "-n", "delete", "-inet", "198.51.100.7"))), "already gone: not reported");
    }

    /* ---------------- service registration ---------------- */

    /** launchctl's answers: bootout and print of an unknown label fail as on macOS 14. */
    static final class FakeLaunchctl implements MacTunnel.Runner {
        final List<List<String>> calls = new ArrayList<>();
        boolean loaded;
        int bootstrapExit;

        @Override
        public MacTunnel.Result run(List<String> argv) {
            calls.add(argv);
            String verb = argv.get(1);
            return switch (verb) {
                case "bootstrap" -> {
                    loaded = bootstrapExit == 0;
                    yield new MacTunnel.Result(bootstrapExit, "", bootstrapExit == 0 ? "" : "Bootstrap failed: 5: Input/output error");
                }
                case "bootout" -> {
                    boolean was = loaded;
                    loaded = false;
                    yield was ? new MacTunnel.Result(0, "", "")
                            : new MacTunnel.Result(3, "", "Boot-out failed: 3: No such process");
                }
                case "print" -> loaded ? new MacTunnel.Result(0, "system/dev.wgdesk.helper = {\n\tstate = running\n}", "")
                        : new MacTunnel.Result(113, "", "Could not find service \"dev.wgdesk.helper\" in domain for system");
                default -> new MacTunnel.Result(64, "", "Unrecognized subcommand: " + verb);
            };
        }
    }

    @Test
    void serviceInstallWritesThePlistAndBootstrapsIt(@TempDir Path root) throws Exception {
        FakeLaunchctl lc = new FakeLaunchctl();
        MacServiceRegistration s = new MacServiceRegistration(lc, root, MacServiceRegistration.SHUTDOWN_HOOK);
        assertFalse(s.isInstalled());
        Path exe = Path.of("/Applications/wgdesk.app/Contents/MacOS/wgdesk-helper");
        s.install(exe);
        Path plist = root.resolve("Library/LaunchDaemons/dev.wgdesk.helper.plist");
        assertEquals(List.of(
                List.of("launchctl", "print", "system/dev.wgdesk.helper"),
                List.of("launchctl", "bootout", "system/dev.wgdesk.helper"),
                List.of("launchctl", "bootstrap", "system", plist.toString())), lc.calls);
        assertEquals(MacServiceRegistration.plist(exe), Files.readString(plist));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(plist)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                root.resolve("Library/Application Support/wgdesk"))));
        assertTrue(Files.isDirectory(root.resolve("Library/Logs/wgdesk")));
        assertTrue(s.isInstalled());

        lc.calls.clear();
        s.uninstall();
        assertEquals(List.of(List.of("launchctl", "bootout", "system/dev.wgdesk.helper")), lc.calls);
        assertFalse(Files.exists(plist));
        assertFalse(s.isInstalled());
        s.uninstall(); // not loaded, no plist: not an error
        assertThrows(IOException.class, () -> s.install(Path.of("relative/wgdesk-helper")));
    }

    @Test
    void aFailedBootstrapIsAnErrorNamingTheCommand(@TempDir Path root) {
        FakeLaunchctl lc = new FakeLaunchctl();
        lc.bootstrapExit = 5;
        MacServiceRegistration s = new MacServiceRegistration(lc, root, MacServiceRegistration.SHUTDOWN_HOOK);
        IOException e = assertThrows(IOException.class, () -> s.install(Path.of("/x/wgdesk-helper")));
        assertTrue(e.getMessage().contains("launchctl bootstrap system") && e.getMessage().contains("exit 5")
                && e.getMessage().contains("Input/output error"), e.getMessage());
        MacServiceRegistration odd = new MacServiceRegistration(
                argv -> new MacTunnel.Result(1, "", "Operation not permitted"), root, MacServiceRegistration.SHUTDOWN_HOOK);
        assertThrows(IOException.class, odd::isInstalled, "an unexpected launchctl failure is not 'not installed'");
    }

    @Test
    void thePlistIsWhatLaunchdNeeds() throws Exception {
        Map<String, Object> d = MacResourcesTest.parsePlist(
                MacServiceRegistration.plist(Path.of("/Applications/wg & desk.app/Contents/MacOS/wgdesk-helper")));
        assertEquals("dev.wgdesk.helper", d.get("Label"));
        assertEquals(List.of("/Applications/wg & desk.app/Contents/MacOS/wgdesk-helper", "helper",
                "--socket", "/var/run/wgdesk/helper.sock", "--state-dir", "/Library/Application Support/wgdesk",
                "--policy", "/etc/wgdesk/helper.conf"), d.get("ProgramArguments"));
        assertEquals("root", d.get("UserName"));
        assertEquals(Boolean.TRUE, d.get("RunAtLoad"));
        assertEquals(Boolean.TRUE, d.get("KeepAlive"));
        assertEquals(63L, d.get("Umask"));
        assertEquals("/Library/Logs/wgdesk/helper.log", d.get("StandardOutPath"));
        assertEquals("/Library/Logs/wgdesk/helper.log", d.get("StandardErrorPath"));
    }

    @Test
    void thePlistIsByteForByteTheSameAsBefore(@TempDir Path root) throws Exception {
        // The file as written before the plist writers were shared (a golden file, byte for byte).
        String expected = new String(getClass().getResourceAsStream("dev.wgdesk.helper.expected.plist").readAllBytes(),
                StandardCharsets.UTF_8);
        Path exe = Path.of("/Applications/wg & <desk>.app/Contents/MacOS/wgdesk-helper");
        assertEquals(expected, MacServiceRegistration.plist(exe));
        new MacServiceRegistration(new FakeLaunchctl(), root, MacServiceRegistration.SHUTDOWN_HOOK).install(exe);
        Path plist = root.resolve("Library/LaunchDaemons/dev.wgdesk.helper.plist");
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(plist));
        try (var files = Files.list(plist.getParent())) {
            assertEquals(List.of(plist), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void runStartsTheBodyAndStopsItOnTermination() throws Exception {
        AtomicReference<Runnable> hook = new AtomicReference<>();
        List<String> events = new CopyOnWriteArrayList<>();
        MacServiceRegistration s = new MacServiceRegistration(new FakeLaunchctl(), Path.of("/nonexistent"), r -> {
            hook.set(r);
            return () -> events.add("unregistered");
        });
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                s.run(new ServiceRegistration.Body() {
                    @Override
                    public void start() {
                        events.add("start");
                        started.countDown();
                    }

                    @Override
                    public void stop() {
                        events.add("stop");
                    }
                });
                events.add("returned");
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        t.join(200);
        assertTrue(t.isAlive(), "run blocks until the service is told to stop");
        hook.get().run(); // SIGTERM
        hook.get().run(); // a second signal stops nothing twice
        t.join(10_000);
        assertFalse(t.isAlive());
        assertNull(failure.get());
        assertEquals(List.of("start", "stop", "returned"), events);
    }

    @Test
    void aBodyThatFailsToStartUnregistersAndThrows() {
        List<String> events = new CopyOnWriteArrayList<>();
        MacServiceRegistration s = new MacServiceRegistration(new FakeLaunchctl(), Path.of("/nonexistent"),
                r -> () -> events.add("unregistered"));
        IOException e = assertThrows(IOException.class, () -> s.run(new ServiceRegistration.Body() {
            @Override
            public void start() throws IOException {
                throw new IOException("socket in use");
            }

            @Override
            public void stop() {
                events.add("stop");
            }
        }));
        assertEquals("socket in use", e.getMessage());
        assertEquals(List.of("unregistered"), events);
    }

    /* ---------------- IPC ---------------- */

    @Test
    void theSocketDirectoryIsMadeReachableBeforeListening(@TempDir Path dir) throws Exception {
        List<String> calls = new ArrayList<>();
        dev.wgdesk.engine.platform.IpcTransport fake = new dev.wgdesk.engine.platform.IpcTransport() {
            @Override
            public String defaultAddress() {
                return "/var/run/wgdesk/helper.sock";
            }

            @Override
            public Listener listen(String address, Access access) {
                calls.add("listen " + address + " " + access.group() + " "
                        + perms(Path.of(address).getParent()));
                return null;
            }

            @Override
            public Connection connect(String address) {
                calls.add("connect " + address);
                return null;
            }
        };
        MacSocketTransport t = new MacSocketTransport(fake);
        assertEquals("/var/run/wgdesk/helper.sock", t.defaultAddress());
        Path run = dir.resolve("run/wgdesk");
        t.listen(run.resolve("helper.sock").toString(), new dev.wgdesk.engine.platform.IpcTransport.Access("wgdesk"));
        // as launchd's umask 077 would leave it
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
        t.listen(run.resolve("helper.sock").toString(), new dev.wgdesk.engine.platform.IpcTransport.Access("wgdesk"));
        t.connect(run.resolve("helper.sock").toString());
        assertEquals(List.of(
                "listen " + run.resolve("helper.sock") + " wgdesk rwxr-xr-x",
                "listen " + run.resolve("helper.sock") + " wgdesk rwxr-xr-x",
                "connect " + run.resolve("helper.sock")), calls);
    }

    /** The real transport end to end: listen in a fresh directory, connect, the peer is this process's user. */
    @Test
    void ipcThroughTheSharedUnixSocketTransport(@TempDir Path dir) throws Exception {
        dev.wgdesk.engine.platform.IpcTransport t = new MacHelperPlatform().ipcTransport();
        assertEquals("/var/run/wgdesk/helper.sock", t.defaultAddress());
        Path sock = dir.resolve("run/helper.sock");
        try (dev.wgdesk.engine.platform.IpcTransport.Listener l = t.listen(sock.toString(),
                new dev.wgdesk.engine.platform.IpcTransport.Access("no-such-group-wgdesk-test"))) {
            assertEquals("rwxr-xr-x", perms(sock.getParent()));
            try (dev.wgdesk.engine.platform.IpcTransport.Connection c = t.connect(sock.toString());
                 dev.wgdesk.engine.platform.IpcTransport.Connection s = l.accept()) {
                c.output().write("ping\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                c.output().flush();
                byte[] got = new byte[5];
                int n = 0;
                while (n < 5) {
                    n += s.input().read(got, n, 5 - n);
                }
                assertEquals("ping\n", new String(got, java.nio.charset.StandardCharsets.UTF_8));
                ClientIdentity who = s.client();
                assertEquals(String.valueOf(new com.sun.security.auth.module.UnixSystem().getUid()), who.id());
            }
        }
    }

    private static String perms(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /* ---------------- user directory ---------------- */

    @Test
    void userDirectoryOnAFakeDirectoryServices() {
        // the fake: uid 501 is a member of the group with gid 20 by Directory Services' word;
        // getgrnam is this machine's: gid 0 (root, wheel on a Mac), and "staff" is mapped onto
        // gid 0's entry with gid 20's UUID
        MacGroupsTest.FakeDs ds = new MacGroupsTest.FakeDs() {
            @Override
            public Pointer getgrnam(String name) {
                return name.equals("staff") ? super.getgrnam(MacGroupsTest.GID0) : super.getgrnam(name);
            }

            @Override
            public int mbr_gid_to_uuid(int gid, byte[] uuid) {
                return super.mbr_gid_to_uuid(gid == 0 ? 20 : gid, uuid);
            }
        };
        int[] loads = {0};
        MacUserDirectory d = new MacUserDirectory(() -> {
            loads[0]++;
            return new MacGroups(ds);
        });
        assertEquals(0, loads[0], "nothing loaded until asked");
        assertTrue(d.groupExists("staff"));
        assertFalse(d.groupExists("no-such-group-wgdesk-test"));
        assertTrue(d.isMember(ClientIdentity.posix(501, 501, "alice"), "staff"), "by Directory Services");
        assertFalse(d.isMember(ClientIdentity.posix(502, 502, "bob"), "staff"));
        assertTrue(d.isMember(ClientIdentity.posix(502, 0, "bob"), "staff"), "primary group gid 0 = the group's");
        assertFalse(d.isMember(ClientIdentity.posix(999, 999, "x"), "staff"), "no UUID: not a member");
        assertFalse(d.isMember(ClientIdentity.posix(501, 501, "alice"), "no-such-group-wgdesk-test"));
        assertFalse(d.isMember(new ClientIdentity("S-1-5-21-1", "S-1-5-21-513", "w", false), "staff"));
        assertEquals(Optional.of("root"), d.nameOf("0"));
        assertEquals(Optional.empty(), d.nameOf("2000000123"));
        assertEquals(Optional.empty(), d.nameOf("S-1-5-18"));
        assertEquals(1, loads[0], "loaded once");
        assertEquals("sudo dseditgroup -o edit -a alice -t user wgdesk", d.howToAdd("alice", "wgdesk"));
        assertEquals("sudo dseditgroup -o create wgdesk", d.howToCreate("wgdesk"));
    }
}
