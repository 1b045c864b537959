package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.platform.ClientIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what to a tunnel (issue 10 item 9 and 10), through the tunnel manager with a fake
 * backend: two members A and B (uids that need not exist), and root.
 */
@Timeout(60)
class OwnershipTest {
    static final ClientIdentity ROOT = ClientIdentity.posix(0, 0, "root");
    static final ClientIdentity A = ClientIdentity.posix(61001, 61001, "alice");
    static final ClientIdentity B = ClientIdentity.posix(61002, 61002, "bob");

    @TempDir
    Path dir;
    FakeBackend backend = new FakeBackend();
    Helper helper;
    TunnelManager tm;

    static String config(String allowedIps, String extra) {
        return "[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64() + "\nAddress = 10.99.0.1/32\n" + extra
                + "\n[Peer]\nPublicKey = " + PrivateKey.generate().publicKey().toBase64() + "\nAllowedIPs = " + allowedIps + "\n";
    }

    void start(String policy) throws Exception {
        Files.writeString(dir.resolve("helper.conf"), policy);
        helper = Helper.start(new Helper.Options(dir.resolve("run/h.sock"), dir.resolve("state"), dir.resolve("helper.conf"), 8),
                backend, p -> Optional.empty(), new HelperLog(null));
        tm = helper.tunnels();
    }

    @AfterEach
    void stop() {
        if (helper != null) {
            helper.close();
        }
    }

    static void refused(Executable e) {
        assertEquals(ErrorCode.NOT_PERMITTED, assertThrows(IpcException.class, e).code());
    }

    TunnelInfo as(ClientIdentity who, String name) throws IpcException {
        return tm.info(name, who);
    }

    @Test
    void theOwnerAndRootManageOthersOnlySee() throws Exception {
        start("");
        String text = config("10.1.0.0/16", "");
        TunnelInfo mine = tm.save("a1", text, true, A);
        assertEquals(new TunnelInfo("a1", TunnelState.INACTIVE, false, A.id(), A.id(), false, true, true), mine);
        TunnelInfo seen = as(B, "a1");
        assertFalse(seen.canManage());
        assertFalse(seen.canUse());
        assertEquals(A.id(), seen.owner());
        assertEquals(List.of("a1"), tm.list(B).stream().map(TunnelInfo::name).toList(), "B sees it in the list");

        refused(() -> tm.export("a1", B));
        refused(() -> tm.save("a1", config("10.1.0.0/16", ""), false, B));
        refused(() -> tm.rename("a1", "b1", B));
        refused(() -> tm.delete("a1", B));
        refused(() -> tm.setAutostart("a1", true, B));
        refused(() -> tm.setShared("a1", true, B));
        refused(() -> tm.activate("a1", B));
        refused(() -> tm.deactivate("a1", B));
        assertEquals(ErrorCode.ALREADY_EXISTS,
                assertThrows(IpcException.class, () -> tm.save("a1", config("10.1.0.0/16", ""), true, B)).code());
        assertEquals(text, tm.export("a1", A), "the stored text is unchanged and the owner reads it");
        assertEquals(text, tm.export("a1", ROOT), "root reads every tunnel");
        assertEquals(List.of(), backend.calls, "nothing was activated");

        // Root may do everything to anyone's tunnel; the owner stays the owner.
        assertEquals(TunnelState.ACTIVE, tm.activate("a1", ROOT).state());
        assertEquals(TunnelState.INACTIVE, tm.deactivate("a1", A).state());
        assertEquals(A.id(), tm.rename("a1", "a2", ROOT).owner(), "rename keeps the owner");
        tm.delete("a2", ROOT);
        // Deleted means forgotten: B may now take the name and owns it.
        assertEquals(B.id(), tm.save("a2", config("10.1.0.0/16", ""), true, B).owner());
    }

    @Test
    void sharingLetsOthersSwitchButNeverReadOrChange() throws Exception {
        start("");
        tm.save("a1", config("10.1.0.0/16", ""), true, A);
        refused(() -> tm.activate("a1", B));
        TunnelInfo shared = tm.setShared("a1", true, A);
        assertTrue(shared.shared());
        assertTrue(as(B, "a1").canUse());
        assertFalse(as(B, "a1").canManage());
        assertEquals(TunnelState.ACTIVE, tm.activate("a1", B).state());
        assertEquals(TunnelState.INACTIVE, tm.deactivate("a1", B).state());
        refused(() -> tm.export("a1", B));
        refused(() -> tm.save("a1", config("10.1.0.0/16", ""), false, B));
        refused(() -> tm.delete("a1", B));
        refused(() -> tm.setShared("a1", false, B));
        tm.setShared("a1", false, A);
        refused(() -> tm.activate("a1", B));
        // Sharing survives a restart (it is in state.json).
        tm.setShared("a1", true, A);
        helper.close();
        start("");
        assertTrue(as(B, "a1").canUse());
    }

    @Test
    void anOverlappingTunnelOfSomeoneElseIsNotStoppedUnlessShared() throws Exception {
        start("");
        tm.save("a1", config("10.1.0.0/16", ""), true, A);
        tm.save("b1", config("10.1.2.0/24", ""), true, B);
        tm.activate("a1", A);
        IpcException e = assertThrows(IpcException.class, () -> tm.activate("b1", B));
        assertEquals(ErrorCode.NOT_PERMITTED, e.code());
        assertTrue(e.getMessage().contains("a1"), e.getMessage());
        assertEquals(TunnelState.ACTIVE, tm.status("a1").state(), "A's tunnel kept running");
        assertEquals(TunnelState.INACTIVE, tm.status("b1").state());
        tm.setShared("a1", true, A);
        tm.activate("b1", B);
        assertEquals(TunnelState.INACTIVE, tm.status("a1").state(), "shared: B may stop it for an overlapping one");
        assertEquals(TunnelState.ACTIVE, tm.status("b1").state());
    }

    @Test
    void hooksRunOnlyFromConfigurationsRootWroteLast() throws Exception {
        start("allow-scripts=true\n");
        String hooks = "PostUp = echo up\nPreDown = echo down\n";
        tm.save("a1", config("10.1.0.0/16", hooks), true, A);
        String notice = tm.status("a1").hooksNotice();
        assertNotNull(notice, "show says so before activation");
        assertTrue(notice.contains("uid " + A.id()) && notice.contains("not root") && notice.contains("2 command(s)"), notice);
        TunnelStatus up = tm.activate("a1", A);
        assertEquals(List.of(0), backend.hooks, "the backend got the configuration without hooks");
        assertTrue(up.warnings().contains(notice), up.warnings().toString());
        assertEquals(notice, up.hooksNotice());
        tm.deactivate("a1", A);

        // Root saves it (after reading it): from now on they run, for whoever activates it.
        tm.save("a1", tm.export("a1", ROOT), false, ROOT);
        assertNull(tm.status("a1").hooksNotice());
        tm.activate("a1", A);
        assertEquals(List.of(0, 2), backend.hooks);
        assertEquals(List.of(true, true), backend.scriptsAllowed);
        tm.deactivate("a1", A);

        // The owner edits it again: stored, not run.
        tm.save("a1", config("10.1.0.0/16", hooks), false, A);
        assertNotNull(tm.status("a1").hooksNotice());
        tm.activate("a1", A);
        assertEquals(List.of(0, 2, 0), backend.hooks);
    }

    @Test
    void withScriptsDisabledByPolicyThereIsNoOwnershipNotice() throws Exception {
        start("");
        tm.save("a1", config("10.1.0.0/16", "PostUp = echo up\n"), true, A);
        assertNull(tm.status("a1").hooksNotice(), "the policy's own warning applies instead");
        tm.activate("a1", A);
        assertEquals(List.of(false), backend.scriptsAllowed);
    }

    @Test
    void tunnelsStoredBeforeOwnersExistedBecomeRootsSharedWithUnknownWriter() throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state.resolve("tunnels"));
        Files.writeString(state.resolve("tunnels/old.conf"), config("10.1.0.0/16", "PostUp = echo up\n"));
        Files.writeString(state.resolve("state.json"), "{\"version\":1,\"active\":[],\"autostart\":[\"old\"]}");
        start("allow-scripts=true\n");
        TunnelInfo seen = as(B, "old");
        assertEquals("0", seen.owner());
        assertTrue(seen.shared());
        assertTrue(seen.canUse());
        assertFalse(seen.canManage());
        refused(() -> tm.export("old", A));
        assertTrue(tm.status("old").hooksNotice().contains("stored before wgdesk recorded who wrote it"));
        assertEquals(TunnelState.ACTIVE, tm.status("old").state(), "its autostart still works");
        assertEquals(List.of(0), backend.hooks, "and its hooks did not run");
        String json = Files.readString(state.resolve("state.json"));
        assertTrue(json.contains("\"version\" : 2") && json.contains("\"owner\" : 0") && json.contains("\"writer\" : -1"), json);
    }

    @Test
    void storedTunnelsAreCappedPerUserAndInAll() throws Exception {
        start("");
        for (int i = 0; i < TunnelManager.MAX_TUNNELS_PER_USER; i++) {
            tm.save("a" + i, config("10.1.0.0/16", ""), true, A);
        }
        IpcException e = assertThrows(IpcException.class, () -> tm.save("a-x", config("10.1.0.0/16", ""), true, A));
        assertEquals(ErrorCode.LIMIT_REACHED, e.code());
        assertEquals("you own " + TunnelManager.MAX_TUNNELS_PER_USER + " tunnels, the most one user may have ("
                + TunnelManager.MAX_TUNNELS_PER_USER + "); remove one first", e.getMessage());
        tm.save("a0", config("10.1.0.0/16", ""), false, A); // replacing one is no new tunnel
        tm.save("b0", config("10.1.0.0/16", ""), true, B); // others are not affected
        for (int i = TunnelManager.MAX_TUNNELS_PER_USER + 1; i < TunnelManager.MAX_TUNNELS; i++) {
            tm.save("r" + i, config("10.1.0.0/16", ""), true, ROOT);
        }
        IpcException all = assertThrows(IpcException.class, () -> tm.save("rx", config("10.1.0.0/16", ""), true, ROOT));
        assertEquals(ErrorCode.LIMIT_REACHED, all.code());
        assertTrue(all.getMessage().startsWith("the helper stores at most " + TunnelManager.MAX_TUNNELS), all.getMessage());
    }

    @Test
    void aSlowActivationDoesNotHoldUpOtherTunnelsOrQueries() throws Exception {
        start("");
        tm.save("slow", config("10.1.0.0/16", ""), true, ROOT);
        tm.save("fast", config("10.2.0.0/16", ""), true, ROOT);
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        backend.beforeActivate = () -> {
            if (backend.calls.getLast().equals("up slow")) {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                tm.activate("slow", ROOT);
            } catch (IpcException ex) {
                throw new AssertionError(ex);
            }
        });
        inside.await();
        // While "slow" is inside its activation (as if waiting on DNS or a hook):
        assertEquals(TunnelState.ACTIVATING, tm.status("slow").state());
        assertEquals(TunnelState.ACTIVE, tm.activate("fast", ROOT).state());
        tm.save("third", config("10.3.0.0/16", ""), true, A);
        assertEquals(3, tm.list(A).size());
        // An overlapping tunnel cannot start while "slow" is half-way; it says so instead of waiting.
        tm.save("over", config("10.1.1.0/24", ""), true, ROOT);
        IpcException busy = assertThrows(IpcException.class, () -> tm.activate("over", ROOT));
        assertEquals(ErrorCode.INVALID_STATE, busy.code());
        release.countDown();
        t.join();
        assertEquals(TunnelState.ACTIVE, tm.status("slow").state());
    }
}
