package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The helper over real IPC, with a fake backend (no root needed). */
@Timeout(60)
class HelperTest {
    @TempDir
    Path dir;
    FakeBackend backend;
    Helper helper;
    IpcClient client;
    final List<String> stderr = new ArrayList<>();

    static String config(String allowedIps) {
        return "[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64() + "\nAddress = 10.99.0.1/32\n\n"
                + "[Peer]\nPublicKey = " + PrivateKey.generate().publicKey().toBase64() + "\nAllowedIPs = " + allowedIps + "\n";
    }

    Helper.Options options() {
        return new Helper.Options(dir.resolve("run/h.sock"), dir.resolve("state"), dir.resolve("helper.conf"), 8);
    }

    Helper startHelper() throws IOException {
        return Helper.start(options(), backend, p -> Optional.empty(), new HelperLog(null));
    }

    @BeforeEach
    void start() throws Exception {
        backend = new FakeBackend();
        helper = startHelper();
        client = IpcClient.connect(options().socket());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (helper != null) {
            helper.close();
        }
    }

    @Test
    void importListGetAndRefusals() throws Exception {
        String text = config("10.0.0.0/8");
        assertEquals(new TunnelInfo("home", TunnelState.INACTIVE, false), client.importConfig("home", text));
        assertEquals(List.of(new TunnelInfo("home", TunnelState.INACTIVE, false)), client.list());
        assertEquals(text, client.getConfig("home"));
        assertEquals(ErrorCode.ALREADY_EXISTS, assertThrows(IpcException.class, () -> client.importConfig("home", text)).code());
        IpcException bad = assertThrows(IpcException.class, () -> client.save("home", text.replace("Address = 10.99.0.1/32\n", "Address = 10.99.0.1/32\nMTU = 12\n")));
        assertEquals(ErrorCode.INVALID_CONFIG, bad.code());
        assertEquals(List.of("home.conf:4:7: MTU: \"12\" is out of range (68 to 9216, the largest packet wgdesk carries)"), bad.details());
        assertEquals(text, client.getConfig("home"), "the stored config is unchanged");
        assertEquals(ErrorCode.INVALID_NAME, assertThrows(IpcException.class, () -> client.save("no/slash", text)).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(IpcException.class, () -> client.getConfig("nope")).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(IpcException.class, () -> client.activate("nope")).code());
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(IpcException.class,
                () -> client.await(client.call("activate", dev.wgdesk.app.ipc.IpcJson.object()))).code());
    }

    @Test
    void activationPushesStateEventsAndStatusShowsPeers() throws Exception {
        client.importConfig("home", config("10.0.0.0/8"));
        BlockingQueue<IpcEvent> events = new LinkedBlockingQueue<>();
        try (IpcClient watcher = IpcClient.connect(options().socket())) {
            watcher.subscribe(events::add);
            TunnelStatus s = client.activate("home");
            assertEquals(TunnelState.ACTIVE, s.state());
            assertEquals(1, s.peers().size());
            assertEquals(1420, s.mtu());
            assertEquals(List.of("DNS not applied: fake"), s.warnings());
            assertNotNull(s.publicKey());
            assertEquals(new IpcEvent.StateChanged("home", TunnelState.ACTIVATING, TunnelState.INACTIVE, "activated by "
                    + System.getProperty("user.name")), nextState(events));
            assertEquals(TunnelState.ACTIVE, nextState(events).state());
            assertEquals(TunnelState.ACTIVE, client.activate("home").state(), "activating again is a no-op");
            assertEquals(List.of("up home"), backend.calls);
            client.deactivate("home");
            assertEquals(TunnelState.DEACTIVATING, nextState(events).state());
            assertEquals(TunnelState.INACTIVE, nextState(events).state());
            assertEquals(TunnelState.INACTIVE, client.deactivate("home").state(), "a no-op");
        }
    }

    private static IpcEvent.StateChanged nextState(BlockingQueue<IpcEvent> q) throws InterruptedException {
        while (true) {
            IpcEvent e = q.poll(5, TimeUnit.SECONDS);
            assertNotNull(e, "no state event");
            if (e instanceof IpcEvent.StateChanged s) {
                return s;
            }
        }
    }

    @Test
    void overlappingAllowedIpsStopTheOlderTunnelButDisjointOnesStay() throws Exception {
        client.importConfig("wide", config("10.0.0.0/8"));
        client.importConfig("narrow", config("10.1.2.0/24"));
        client.importConfig("other", config("192.168.0.0/24, fd00::/64"));
        client.importConfig("v6", config("fd00:0:0:0:1::/80"));
        client.activate("wide");
        client.activate("other");
        client.activate("narrow");
        assertEquals(TunnelState.INACTIVE, client.status("wide").state());
        assertEquals(TunnelState.ACTIVE, client.status("other").state());
        assertTrue(client.logTail(50).stream().anyMatch(e -> e.message().contains(
                "Deactivating wide because narrow is being activated and its AllowedIPs 10.0.0.0/8 overlap 10.1.2.0/24")));
        client.activate("v6");
        assertEquals(TunnelState.INACTIVE, client.status("other").state(), "fd00::/64 contains fd00:0:0:0:1::/80");
        assertEquals(TunnelState.ACTIVE, client.status("narrow").state());
    }

    @Test
    void aFailedActivationReportsTheStepAndLeavesTheTunnelFailed() throws Exception {
        client.importConfig("home", config("10.0.0.0/8"));
        backend.failAt.put("home", "routes");
        IpcException e = assertThrows(IpcException.class, () -> client.activate("home"));
        assertEquals(ErrorCode.ACTIVATION_FAILED, e.code());
        assertEquals("cannot activate home: step \"routes\" failed: fake failure", e.getMessage());
        TunnelStatus s = client.status("home");
        assertEquals(TunnelState.FAILED, s.state());
        assertEquals("step \"routes\" failed: fake failure", s.error());
        backend.failAt.clear();
        assertEquals(TunnelState.ACTIVE, client.activate("home").state());
        assertNull(client.status("home").error());
    }

    @Test
    void renameAndDeleteRespectActiveTunnels() throws Exception {
        client.importConfig("home", config("10.0.0.0/8"));
        client.activate("home");
        assertEquals(ErrorCode.INVALID_STATE, assertThrows(IpcException.class, () -> client.rename("home", "house")).code());
        client.deactivate("home");
        assertEquals(new TunnelInfo("house", TunnelState.INACTIVE, false), client.rename("home", "house"));
        client.activate("house");
        client.delete("house");
        assertEquals(List.of(), client.list());
        assertEquals(List.of("up home", "down home", "up house", "down house"), backend.calls);
    }

    @Test
    void activeAndAutostartTunnelsComeBackAfterARestart() throws Exception {
        client.importConfig("home", config("10.0.0.0/16"));
        client.importConfig("boot", config("10.20.0.0/16"));
        client.importConfig("off", config("10.30.0.0/16"));
        client.activate("home");
        client.setAutostart("boot", true);
        client.activate("off");
        client.deactivate("off");
        client.close();
        helper.close();
        backend.calls.clear();
        helper = startHelper();
        client = IpcClient.connect(options().socket());
        assertEquals(List.of(new TunnelInfo("boot", TunnelState.ACTIVE, true), new TunnelInfo("home", TunnelState.ACTIVE, false),
                new TunnelInfo("off", TunnelState.INACTIVE, false)), client.list());
    }

    @Test
    void journalsLeftByACrashAreReplayedAtStart() throws Exception {
        client.importConfig("home", config("10.0.0.0/8"));
        client.activate("home");
        Path journal = dir.resolve("state/runtime/home.json");
        assertTrue(Files.exists(journal), "written while active");
        // Simulate a crash: the helper vanishes without deactivating.
        client.close();
        String saved = Files.readString(journal);
        helper.close(); // a clean stop removes the journal ...
        assertFalse(Files.exists(journal));
        Files.writeString(journal, saved); // ... a crash would not have
        backend.calls.clear();
        helper = startHelper();
        client = IpcClient.connect(options().socket());
        assertEquals(List.of("cleanup home", "up home"), backend.calls);
        assertEquals(List.of(List.of("ip", "link", "del", "dev", "home")), backend.cleaned.get("home"));
        assertEquals(TunnelState.ACTIVE, client.status("home").state());
    }

    @Test
    void onlyAllowedProgramsAreReplayedFromAJournal() throws Exception {
        client.close();
        helper.close();
        Path journal = dir.resolve("state/runtime/evil.json");
        Files.writeString(journal, "{\"interface\":\"evil\",\"undo\":[[\"/bin/sh\",\"-c\",\"touch " + dir.resolve("pwned")
                + "\"],[\"nft\",\"delete\",\"table\",\"inet\",\"wgdesk-evil\"]]}");
        backend.calls.clear();
        HelperLog log = new HelperLog(null);
        helper = Helper.start(options(), backend, p -> Optional.empty(), log);
        client = IpcClient.connect(options().socket());
        assertEquals(List.of(List.of("nft", "delete", "table", "inet", "wgdesk-evil")), backend.cleaned.get("evil"));
        assertTrue(log.tail(1000).stream().anyMatch(e -> e.message().contains("not running /bin/sh from the journal")));
    }

    @Test
    void journalsInADirectoryAnotherUserOwnsAreNotReplayed() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
        client.close();
        helper.close();
        Path runtime = dir.resolve("state/runtime");
        Files.writeString(runtime.resolve("x.json"), "{\"interface\":\"x\",\"undo\":[[\"ip\",\"link\",\"del\",\"dev\",\"x\"]]}");
        var nobody = runtime.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(runtime, nobody);
        backend.calls.clear();
        HelperLog log = new HelperLog(null);
        helper = Helper.start(options(), backend, p -> Optional.empty(), log);
        client = IpcClient.connect(options().socket());
        assertFalse(backend.cleaned.containsKey("x"), "nothing replayed");
        assertTrue(log.tail(1000).stream().anyMatch(e -> e.message().contains("not replaying crash journals")
                && e.message().contains("owned by nobody")), log.tail(1000).toString());
    }

    @Test
    void ipcIsServedOnlyAfterRestoreFinished() throws Exception {
        client.importConfig("home", config("10.0.0.0/8"));
        client.activate("home");
        client.close();
        helper.close();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        backend.beforeActivate = () -> {
            // While the restore runs, nobody can connect yet.
            assertThrows(IpcException.class, () -> IpcClient.connect(options().socket()).close());
            release.countDown();
        };
        helper = startHelper();
        assertEquals(0, release.getCount(), "the restore ran");
        client = IpcClient.connect(options().socket());
        assertEquals(TunnelState.ACTIVE, client.status("home").state());
    }

    @Test
    void aDeadInterfaceIsReportedAndHandshakesArePushed() throws Exception {
        client.importConfig("home", config("10.0.0.0/8"));
        BlockingQueue<IpcEvent> events = new LinkedBlockingQueue<>();
        client.subscribe(events::add);
        client.activate("home");
        backend.active.get("home").handshakeNanos = 1_700_000_000_123_000_000L;
        IpcEvent.HandshakeCompleted hs = null;
        while (hs == null) {
            IpcEvent e = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(e, "no handshake event");
            if (e instanceof IpcEvent.HandshakeCompleted h) {
                hs = h;
            }
        }
        assertEquals(1_700_000_000_123L, hs.timeMillis());
        backend.active.get("home").alive = false;
        IpcEvent.ErrorOccurred err = null;
        while (err == null) {
            IpcEvent e = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(e, "no error event");
            if (e instanceof IpcEvent.ErrorOccurred x) {
                err = x;
            }
        }
        assertEquals("home", err.name());
        assertTrue(err.message().contains("disappeared"), err.message());
        assertEquals(TunnelState.FAILED, client.status("home").state());
    }

    /** A device that failed (issue 10: no silent death) shows as FAILED with the engine's reason, never ACTIVE. */
    @Test
    void aFailedDeviceIsReportedWithItsReason() throws Exception {
        client.importConfig("home", config("10.0.0.0/8"));
        BlockingQueue<IpcEvent> events = new LinkedBlockingQueue<>();
        client.subscribe(events::add);
        client.activate("home");
        FakeBackend.FakeActive a = backend.active.get("home");
        a.failure = "reading from TUN home failed: injected";
        a.alive = false;
        IpcEvent.ErrorOccurred err = null;
        while (err == null) {
            IpcEvent e = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(e, "no error event");
            if (e instanceof IpcEvent.ErrorOccurred x) {
                err = x;
            }
        }
        assertTrue(err.message().contains("reading from TUN home failed: injected"), err.message());
        assertEquals(TunnelState.FAILED, client.status("home").state());
    }

    /**
     * A tunnel with a kill switch that dies keeps the kill switch (and its journal) until the user
     * deactivates it; a failed re-activation removes it, a successful one takes it over.
     */
    @Test
    void aDeadTunnelKeepsItsKillSwitchUntilDeactivated() throws Exception {
        client.importConfig("home", config("10.0.0.0/8"));
        client.activate("home");
        FakeBackend.FakeActive a = backend.active.get("home");
        a.killSwitch = true;
        a.alive = false;
        for (int i = 0; i < 100 && client.status("home").state() != TunnelState.FAILED; i++) {
            Thread.sleep(50);
        }
        TunnelStatus s = client.status("home");
        assertEquals(TunnelState.FAILED, s.state());
        assertTrue(s.error().contains("the kill switch keeps blocking traffic outside the tunnel until you deactivate it"),
                s.error());
        assertTrue(backend.calls.contains("stop keeping the kill switch home"), backend.calls.toString());
        assertFalse(backend.calls.contains("down home"), "the kill switch is not removed: " + backend.calls);
        assertTrue(Files.exists(options().stateDir().resolve(RuntimeJournal.DIR).resolve("home.json")),
                "the journal stays, for a crash");
        client.deactivate("home");
        assertTrue(backend.calls.contains("down home"), "deactivating removes it: " + backend.calls);
        assertEquals(TunnelState.INACTIVE, client.status("home").state());
        assertFalse(Files.exists(options().stateDir().resolve(RuntimeJournal.DIR).resolve("home.json")));

        // Died again; this time a re-activation fails: the kill switch left from before is removed.
        client.activate("home");
        FakeBackend.FakeActive b = backend.active.get("home");
        b.killSwitch = true;
        b.alive = false;
        for (int i = 0; i < 100 && client.status("home").state() != TunnelState.FAILED; i++) {
            Thread.sleep(50);
        }
        backend.calls.clear();
        backend.failAt.put("home", "routes");
        assertThrows(IpcException.class, () -> client.activate("home"));
        assertEquals(List.of("up home", "down home"), backend.calls);
        client.deactivate("home");
        assertEquals(List.of("up home", "down home"), backend.calls, "nothing left to remove");
    }

    @Test
    void scriptsFollowThePolicyFile() throws Exception {
        client.importConfig("home", config("10.0.0.0/8"));
        client.activate("home");
        client.close();
        helper.close();
        Files.writeString(options().policyFile(), "# admin\nallow-scripts = true\n");
        helper = startHelper();
        client = IpcClient.connect(options().socket());
        assertEquals(List.of(false, true), backend.scriptsAllowed);
    }

    @Test
    void theSocketIsOwnerAndGroupOnlyOrOwnerOnly() throws Exception {
        String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(options().socket()));
        assertTrue(mode.equals("rw-rw----") || mode.equals("rw-------"), mode);
    }

    @Test
    void logLinesAreCappedInLength() {
        HelperLog log = new HelperLog(null);
        log.info("home", "z".repeat(HelperLog.MAX_MESSAGE_CHARS + 500));
        String m = log.tail(1).getFirst().message();
        assertEquals("z".repeat(HelperLog.MAX_MESSAGE_CHARS) + "… (500 more characters cut)", m);
        log.info("home", "short");
        assertEquals("short", log.tail(1).getFirst().message());
    }
}
