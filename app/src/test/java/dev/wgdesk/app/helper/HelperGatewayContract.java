package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15 item 7, one contract for two implementations: what the window and tray rely on from
 * a {@link HelperGateway}, run against {@code FakeHelperGateway} (what the UI tests use) and
 * against the real helper over IPC with the real Linux backend in a namespace. A scenario the
 * fake answers differently from the real helper fails in one subclass, so the fake cannot drift:
 * the order of pushed state changes, activation failures (exception, state, error event),
 * overlapping tunnels (the older one is stopped), the warnings of a full tunnel without a packet
 * filter tool and of DNS without a resolver manager, an interface that disappears at run time,
 * the error codes, saving and deleting an active tunnel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class HelperGatewayContract {
    private final BlockingQueue<IpcEvent> events = new LinkedBlockingQueue<>();
    private HelperGateway gw;

    /** A gateway to this implementation (not connected yet). */
    abstract HelperGateway newGateway() throws Exception;

    /** Makes the next activation of {@code name} fail (after some of it was done, for the real one). */
    abstract void failNextActivation(String name) throws Exception;

    /** The active tunnel's interface vanishes, as if deleted by someone else. */
    abstract void interfaceDisappears(String name) throws Exception;

    /** No packet filter tool (nft, iptables) and no DNS manager (resolved, resolvconf) from now on, or again. */
    abstract void bareSystem(boolean bare) throws Exception;

    /** The peer endpoint the test configurations use. */
    abstract String endpoint();

    /** The gateway under test. */
    HelperGateway gw() {
        return gw;
    }

    @BeforeEach
    void connect() throws Exception {
        gw = newGateway();
        gw.setListener(new HelperGateway.Listener() {
            @Override
            public void onEvent(IpcEvent event) {
                events.add(event);
            }

            @Override
            public void onDisconnected(IpcException why) {
            }
        });
        gw.connect();
        events.clear();
    }

    @AfterEach
    void removeEverything() throws Exception {
        bareSystem(false);
        for (TunnelInfo t : gw.list()) {
            gw.delete(t.name());
        }
        gw.close();
    }

    String config(String address, String allowedIps, String extra) {
        return "[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64() + "\nAddress = " + address + "\n" + extra
                + "\n[Peer]\nPublicKey = " + PrivateKey.generate().publicKey().toBase64() + "\nEndpoint = " + endpoint()
                + "\nAllowedIPs = " + allowedIps + "\n";
    }

    /** The state changes of {@code name} pushed until one to {@code last} arrives (or 20 s pass). */
    private List<String> statesUntil(String name, TunnelState last) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            IpcEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e instanceof IpcEvent.StateChanged sc && sc.name().equals(name)) {
                seen.add(sc.previous() + "->" + sc.state());
                if (sc.state() == last) {
                    return seen;
                }
            }
        }
        return seen;
    }

    private IpcEvent awaitEvent(Predicate<IpcEvent> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            IpcEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && p.test(e)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The caller imported every tunnel here, so it owns it: it may manage and use it, and it is not
     * shared. Who the caller is differs (the fake plays a user, the real helper is run by root), so
     * the owner's uid and name are left out of the comparison.
     */
    static TunnelInfo asSeenByItsOwner(TunnelInfo i) {
        assertTrue(i.canManage() && i.canUse() && !i.shared(), "the importer owns " + i);
        return new TunnelInfo(i.name(), i.state(), i.autostart());
    }

    @Test
    void activationAndDeactivationPushEveryStateInOrder() throws Exception {
        gw.importConfig("ct1", config("10.60.0.1/24", "10.60.0.0/24", ""));
        assertEquals(List.of(new TunnelInfo("ct1", TunnelState.INACTIVE, false)), gw.list().stream().map(HelperGatewayContract::asSeenByItsOwner).toList());
        TunnelStatus s = gw.activate("ct1");
        assertEquals(TunnelState.ACTIVE, s.state());
        assertEquals(List.of("INACTIVE->ACTIVATING", "ACTIVATING->ACTIVE"), statesUntil("ct1", TunnelState.ACTIVE));
        assertEquals(1, s.peers().size());
        assertEquals(List.of("10.60.0.0/24"), s.peers().getFirst().allowedIps());
        assertEquals(endpoint(), s.peers().getFirst().endpoint());
        assertEquals(List.of(), s.warnings());
        assertNull(s.error());
        assertTrue(s.activeSinceMillis() > 0);
        assertEquals(TunnelState.ACTIVE, gw.activate("ct1").state(), "activating an active tunnel is a no-op");
        assertEquals(TunnelState.INACTIVE, gw.deactivate("ct1").state());
        assertEquals(List.of("ACTIVE->DEACTIVATING", "DEACTIVATING->INACTIVE"), statesUntil("ct1", TunnelState.INACTIVE));
        assertEquals(TunnelState.INACTIVE, gw.deactivate("ct1").state(), "deactivating an inactive tunnel is a no-op");
        assertTrue(gw.logTail(50).stream().anyMatch(l -> "ct1".equals(l.tunnel())), "the log names the tunnel");
    }

    @Test
    void aFailedActivationIsAnExceptionAFailedStateAndAnErrorEvent() throws Exception {
        gw.importConfig("ct2", config("10.61.0.1/24", "10.61.0.0/24, 10.62.0.0/16", ""));
        failNextActivation("ct2");
        IpcException e = assertThrows(IpcException.class, () -> gw.activate("ct2"));
        assertEquals(ErrorCode.ACTIVATION_FAILED, e.code());
        assertEquals(List.of("INACTIVE->ACTIVATING", "ACTIVATING->FAILED"), statesUntil("ct2", TunnelState.FAILED));
        TunnelStatus s = gw.status().stream().filter(t -> t.name().equals("ct2")).findFirst().orElseThrow();
        assertEquals(TunnelState.FAILED, s.state());
        assertNotNull(s.error());
        assertEquals("cannot activate ct2: " + s.error(), e.getMessage());
        IpcEvent err = awaitEvent(ev -> ev instanceof IpcEvent.ErrorOccurred eo && eo.name().equals("ct2"));
        assertNotNull(err, "an error event is pushed");
        assertEquals("activation failed: " + s.error(), ((IpcEvent.ErrorOccurred) err).message());
        assertTrue(gw.logTail(50).stream().anyMatch(l -> l.level().equals("ERROR") && "ct2".equals(l.tunnel())));
        assertEquals(TunnelState.ACTIVE, gw.activate("ct2").state(), "the next try works");
    }

    @Test
    void activatingATunnelStopsTheActiveOneWhoseAllowedIpsOverlap() throws Exception {
        gw.importConfig("wide", config("10.63.0.1/16", "10.63.0.0/16", ""));
        gw.importConfig("narrow", config("10.63.5.1/24", "10.63.5.0/24", ""));
        gw.importConfig("other", config("10.64.0.1/24", "10.64.0.0/24", ""));
        gw.activate("wide");
        gw.activate("other");
        events.clear();
        assertEquals(TunnelState.ACTIVE, gw.activate("narrow").state());
        assertEquals(List.of("ACTIVE->DEACTIVATING", "DEACTIVATING->INACTIVE"), statesUntil("wide", TunnelState.INACTIVE));
        List<TunnelState> states = gw.list().stream().map(TunnelInfo::state).toList();
        assertEquals(List.of(TunnelState.ACTIVE, TunnelState.ACTIVE, TunnelState.INACTIVE), states,
                "narrow and other active, wide stopped: " + gw.list());
        assertTrue(gw.logTail(50).stream().anyMatch(l -> l.level().equals("WARNING") && "wide".equals(l.tunnel())
                && l.message().equals("Deactivating wide because narrow is being activated and its AllowedIPs"
                + " 10.63.0.0/16 overlap 10.63.5.0/24 of narrow")), gw.logTail(50).toString());
    }

    @Test
    void aFullTunnelOnABareSystemComesUpWithTheWarnings() throws Exception {
        bareSystem(true);
        gw.importConfig("ct4", config("10.65.0.1/24", "0.0.0.0/0", "DNS = 10.65.0.53, corp.example\n"));
        TunnelStatus s = gw.activate("ct4");
        assertEquals(TunnelState.ACTIVE, s.state());
        assertEquals(List.of("Full tunnel WITHOUT anti-spoofing protection: neither nft (nftables) nor iptables is"
                        + " installed, so packets sent to this tunnel's address(es) from the local network are not dropped"
                        + " (CVE-2019-14899); install nftables and reconnect; the kill switch (\"Block untunneled traffic\")"
                        + " is UNAVAILABLE too: traffic that does not go through the tunnel is NOT blocked",
                "DNS not applied: neither systemd-resolved nor resolvconf is available; set DNS server(s) 10.65.0.53"
                        + " and search domain(s) corp.example by hand"), s.warnings());
        assertEquals(s.warnings(), gw.status().getFirst().warnings(), "status repeats them");
        for (String w : s.warnings()) {
            assertTrue(gw.logTail(50).stream().anyMatch(l -> l.level().equals("WARNING") && l.message().equals(w)),
                    "logged as a warning: " + w);
        }
        gw.deactivate("ct4");
        bareSystem(false);
        assertEquals(List.of(), gw.activate("ct4").warnings().stream()
                .filter(w -> w.startsWith("Full tunnel")).toList(), "with a packet filter tool, no warning");
    }

    @Test
    void anInterfaceThatDisappearsMakesTheTunnelFailWithAnErrorEvent() throws Exception {
        gw.importConfig("ct5", config("10.66.0.1/24", "10.66.0.0/24", ""));
        gw.activate("ct5");
        events.clear();
        interfaceDisappears("ct5");
        String msg = "the interface ct5 disappeared (deleted from outside?); tunnel stopped";
        assertEquals(List.of("ACTIVE->FAILED"), statesUntil("ct5", TunnelState.FAILED));
        IpcEvent err = awaitEvent(ev -> ev instanceof IpcEvent.ErrorOccurred eo && eo.name().equals("ct5"));
        assertNotNull(err);
        assertEquals(msg, ((IpcEvent.ErrorOccurred) err).message());
        TunnelStatus s = gw.status().getFirst();
        assertEquals(TunnelState.FAILED, s.state());
        assertEquals(msg, s.error());
        assertEquals(TunnelState.ACTIVE, gw.activate("ct5").state(), "it can be activated again");
    }

    @Test
    void errorsCarryTheProtocolsCodes() throws Exception {
        IpcException bad = assertThrows(IpcException.class, () -> gw.importConfig("bad", "[Interface]\nAddress = nope\n"));
        assertEquals(ErrorCode.INVALID_CONFIG, bad.code());
        assertEquals(2, bad.details().size(), bad.details().toString());
        assertEquals("bad.conf has 2 problems; the first: " + bad.details().getFirst(), bad.getMessage());
        assertTrue(bad.details().getFirst().startsWith("bad.conf:"), "details name file, line and column: " + bad.details());
        assertEquals(ErrorCode.INVALID_NAME, assertThrows(IpcException.class,
                () -> gw.importConfig("no spaces", config("10.67.0.1/24", "10.67.0.0/24", ""))).code());
        gw.importConfig("ct6", config("10.67.0.1/24", "10.67.0.0/24", ""));
        assertEquals(ErrorCode.ALREADY_EXISTS, assertThrows(IpcException.class,
                () -> gw.importConfig("ct6", config("10.67.0.1/24", "10.67.0.0/24", ""))).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(IpcException.class, () -> gw.activate("nosuch")).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(IpcException.class, () -> gw.getConfig("nosuch")).code());
        gw.activate("ct6");
        assertEquals(ErrorCode.INVALID_STATE, assertThrows(IpcException.class, () -> gw.rename("ct6", "ct7")).code());
    }

    @Test
    void savingAnActiveTunnelKeepsItActiveAndAutostartSurvives() throws Exception {
        gw.importConfig("ct8", config("10.68.0.1/24", "10.68.0.0/24", ""));
        assertTrue(gw.setAutostart("ct8", true).autostart());
        gw.activate("ct8");
        String changed = config("10.68.0.1/24", "10.68.0.0/24, 10.69.0.0/16", "");
        TunnelInfo info = gw.save("ct8", changed);
        assertEquals(new TunnelInfo("ct8", TunnelState.ACTIVE, true), asSeenByItsOwner(info));
        assertEquals(changed, gw.getConfig("ct8"));
        TunnelStatus s = gw.status().getFirst();
        assertEquals(TunnelState.ACTIVE, s.state());
        assertTrue(s.autostart());
        assertEquals(List.of("10.68.0.0/24"), s.peers().getFirst().allowedIps(), "running with the old configuration");
    }

    @Test
    void deletingAnActiveTunnelDeactivatesItFirst() throws Exception {
        gw.importConfig("ct9", config("10.70.0.1/24", "10.70.0.0/24", ""));
        gw.activate("ct9");
        events.clear();
        gw.delete("ct9");
        assertEquals(List.of("ACTIVE->DEACTIVATING", "DEACTIVATING->INACTIVE"), statesUntil("ct9", TunnelState.INACTIVE));
        assertEquals(List.of(), gw.list());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(IpcException.class, () -> gw.activate("ct9")).code());
    }

    @Test
    void onDemandRulesRoundTripAndOffRemovesThem() throws Exception {
        gw.importConfig("ct10", config("10.71.0.1/24", "10.71.0.0/24", ""));
        // A rule that wants the tunnel down on any real network the machine may be on.
        dev.wgdesk.app.ipc.OnDemandRule rule = new dev.wgdesk.app.ipc.OnDemandRule(
                dev.wgdesk.app.ipc.OnDemandRule.WifiMode.ONLY, List.of("wgdesk-contract-no-such-ssid"), false);
        TunnelStatus s = gw.setOnDemand("ct10", rule);
        assertEquals(rule, s.onDemand().rule());
        assertEquals(rule, gw.status().stream().filter(t -> t.name().equals("ct10")).findFirst().orElseThrow()
                .onDemand().rule());
        assertEquals(null, gw.setOnDemand("ct10", dev.wgdesk.app.ipc.OnDemandRule.OFF).onDemand());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(IpcException.class, () -> gw.setOnDemand("nope", rule)).code());
    }
}
