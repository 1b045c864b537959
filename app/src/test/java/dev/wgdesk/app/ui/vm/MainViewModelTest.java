package dev.wgdesk.app.ui.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.PeerDiagnosis;
import dev.wgdesk.app.ipc.PlatformHints;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MainViewModelTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private final FakeHelperGateway helper = new FakeHelperGateway(clock);
    private final ManualScheduler scheduler = new ManualScheduler();
    private final MainViewModel vm = new MainViewModel(helper, Tasks.direct(), scheduler, clock);

    @BeforeAll
    static void english() {
        Messages.useLocale(Locale.ROOT);
    }

    private static List<String> names(MainViewModel vm) {
        return vm.tunnels().stream().map(TunnelItem::name).toList();
    }

    @Test
    void listIsInNaturalOrderAndFirstIsSelected() {
        helper.with("wg10", Fixtures.siteTunnel(), false).with("wg2", Fixtures.siteTunnel(), false)
                .with("Office", Fixtures.siteTunnel(), true).with("home", Fixtures.fullTunnel(), false);
        vm.start();
        assertEquals(Connection.CONNECTED, vm.connectionProperty().get());
        assertEquals(List.of("home", "Office", "wg2", "wg10"), names(vm));
        assertEquals("home", vm.selectedProperty().get().name());
        assertEquals(TunnelState.ACTIVE, vm.find("Office").orElseThrow().state());
        assertNull(vm.bannerProperty().get());
    }

    @Test
    void activateAtStartupFollowsTheHelper() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false).with("office", Fixtures.siteTunnel(), false);
        vm.start();
        TunnelItem home = vm.find("home").orElseThrow();
        assertFalse(home.autostartProperty().get());
        vm.setAutostart(home, true);
        assertTrue(home.autostartProperty().get());
        assertTrue(helper.list().stream().anyMatch(t -> t.name().equals("home") && t.autostart()), "stored in the helper");
        assertFalse(vm.find("office").orElseThrow().autostartProperty().get(), "only that tunnel");

        helper.setReachable(false);
        vm.setAutostart(home, false);
        assertTrue(home.autostartProperty().get(), "unchanged when the helper could not be asked");
        assertTrue(vm.errorProperty().get() != null && vm.errorProperty().get().contains("home"),
                String.valueOf(vm.errorProperty().get()));
    }

    @Test
    void sharingFollowsTheHelperAndOnlyTheOwnerMayChangeIt() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false).with("bobs", Fixtures.siteTunnel(), false)
                .ownedBy("bobs", "bob", false);
        vm.start();
        TunnelItem home = vm.find("home").orElseThrow();
        assertTrue(home.canManageProperty().get());
        assertFalse(home.sharedProperty().get(), "off by default");
        vm.setShared(home, true);
        assertTrue(home.sharedProperty().get());
        assertTrue(helper.list().stream().anyMatch(t -> t.name().equals("home") && t.shared()), "stored in the helper");

        TunnelItem bobs = vm.find("bobs").orElseThrow();
        assertFalse(bobs.canManageProperty().get());
        assertFalse(bobs.canUseProperty().get());
        assertEquals("bob", bobs.ownerNameProperty().get());
        vm.selectedProperty().set(bobs);
        assertNull(bobs.summary(), "someone else's configuration is not read");
        vm.setShared(bobs, true);
        assertFalse(bobs.sharedProperty().get(), "the helper refused");
        assertTrue(vm.errorProperty().get().contains("belongs to bob"), vm.errorProperty().get());
        vm.activate(bobs);
        assertEquals(TunnelState.INACTIVE, bobs.state());

        helper.ownedBy("bobs", "bob", true); // bob shares it
        vm.refreshList();
        assertTrue(bobs.canUseProperty().get());
        vm.activate(bobs);
        assertEquals(TunnelState.ACTIVE, helper.list().stream().filter(t -> t.name().equals("bobs")).findFirst()
                .orElseThrow().state());
    }

    @Test
    void detailShowsConfigAndLiveStatus() {
        helper.with("home", Fixtures.fullTunnel(), true);
        vm.start();
        TunnelDetail d = vm.detailProperty().get();
        assertNotNull(d);
        assertEquals("home", d.name());
        assertEquals("Active", d.ifaceValue("Status"));
        assertEquals("10.64.0.2/32, fd00:64::2/128", d.ifaceValue("Addresses"));
        assertEquals("10.64.0.1", d.ifaceValue("DNS servers"));
        assertEquals(1, d.peers().size());
        var peer = d.peers().getFirst();
        assertTrue(peer.stream().anyMatch(f -> f.label().equals("Latest handshake") && f.value().endsWith("ago")), peer.toString());
        assertTrue(peer.stream().anyMatch(f -> f.label().equals("Endpoint") && f.value().equals("198.51.100.7:51820")));
        assertTrue(peer.stream().anyMatch(f -> f.label().equals("Persistent keepalive") && f.value().equals("Every 25 seconds")));
    }

    @Test
    void detailShowsEachPeersDiagnosis() {
        helper.with("home", Fixtures.fullTunnel(), true);
        vm.start();
        TunnelDetail.Field ok = field(vm.detailProperty().get().peers().getFirst(), "Diagnosis");
        assertTrue(ok.value().startsWith("Working \u2014 Session up"), ok.value());
        assertEquals(TunnelDetail.Tone.GOOD, ok.tone());

        helper.diagnose("home", new PeerDiagnosis("no-reply", "3 handshake initiations sent to 198.51.100.7:51820"
                + " over the last 12 s, none answered.", Map.of("initiationsSinceResponse", 3)));
        vm.refreshStatus();
        var peer = vm.detailProperty().get().peers().getFirst();
        TunnelDetail.Field bad = field(peer, "Diagnosis");
        assertEquals("No reply \u2014 3 handshake initiations sent to 198.51.100.7:51820 over the last 12 s, none"
                + " answered.", bad.value());
        assertEquals(TunnelDetail.Tone.PROBLEM, bad.tone());
        assertEquals(1, peer.indexOf(bad), "right under the peer's key: " + peer);

        helper.diagnose("home", new PeerDiagnosis("some-future-code", "Something new.", Map.of()));
        vm.refreshStatus();
        TunnelDetail.Field unknown = field(vm.detailProperty().get().peers().getFirst(), "Diagnosis");
        assertEquals("some-future-code \u2014 Something new.", unknown.value());
        assertEquals(TunnelDetail.Tone.PROBLEM, unknown.tone(), "a code this version does not know is a problem");
    }

    private static TunnelDetail.Field field(List<TunnelDetail.Field> fields, String label) {
        return fields.stream().filter(f -> f.label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in " + fields));
    }

    @Test
    void aTunnelActivatedFromTheTrayThatDoesNotComeUpIsNotified() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false).with("office", Fixtures.siteTunnel(), false);
        vm.start();
        List<MainViewModel.Notice> notices = new ArrayList<>();
        vm.noticeProperty().addListener((o, a, b) -> notices.add(b));

        helper.diagnose("home", new PeerDiagnosis("bad-response", "The peer answers, but its handshake response"
                + " fails to authenticate.", Map.of("badResponses", 4)));
        vm.toggleFromTray("home");
        assertEquals(TunnelState.ACTIVE, helper.state("home"));
        assertEquals(List.of(), notices, "nothing before the tunnel had time to come up");
        assertEquals(1, scheduler.runAll(MainViewModel.COME_UP_WITHIN));
        assertEquals(1, notices.size());
        assertEquals("home is active but not working", notices.getFirst().title());
        assertTrue(notices.getFirst().body().matches("Peer [A-Za-z0-9+/]{8}\u2026: Handshake rejected \u2014 The peer"
                + " answers, but its handshake response fails to authenticate\\."), notices.getFirst().body());

        // No check after switching one off from the tray; none for a tunnel that comes up (its peer ok).
        vm.toggleFromTray("home");
        assertEquals(TunnelState.INACTIVE, helper.state("home"));
        assertEquals(0, scheduler.runAll(MainViewModel.COME_UP_WITHIN), "no check after deactivating");
        vm.toggleFromTray("office");
        assertEquals(TunnelState.ACTIVE, helper.state("office"));
        assertEquals(1, scheduler.runAll(MainViewModel.COME_UP_WITHIN));
        assertEquals(1, notices.size(), notices.toString());
        // Still waiting (no traffic yet) is no failure either.
        vm.toggleFromTray("office");
        assertEquals(TunnelState.INACTIVE, helper.state("office"));
        helper.diagnose("office", new PeerDiagnosis("waiting", "No handshake yet.", Map.of()));
        vm.toggleFromTray("office");
        assertEquals(TunnelState.ACTIVE, helper.state("office"));
        assertEquals(1, scheduler.runAll(MainViewModel.COME_UP_WITHIN));
        assertEquals(1, notices.size(), notices.toString());
    }

    @Test
    void eventsUpdateStatesLive() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false);
        vm.start();
        TunnelItem home = vm.find("home").orElseThrow();
        List<TunnelState> seen = new ArrayList<>();
        home.stateProperty().addListener((o, a, b) -> seen.add(b));
        helper.activate("home");
        assertEquals(TunnelState.ACTIVE, home.state());
        assertEquals(List.of(TunnelState.ACTIVATING, TunnelState.ACTIVE), seen);
    }

    @Test
    void toggleActivatesAndDeactivates() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false);
        vm.start();
        TunnelItem home = vm.find("home").orElseThrow();
        vm.toggle(home);
        assertEquals(TunnelState.ACTIVE, helper.state("home"));
        assertEquals(TunnelState.ACTIVE, home.state());
        assertFalse(home.isBusy());
        assertEquals("Active", vm.detailProperty().get().ifaceValue("Status"));
        vm.toggle(home);
        assertEquals(TunnelState.INACTIVE, helper.state("home"));
        assertEquals(TunnelState.INACTIVE, home.state());
    }

    @Test
    void activationFailureShowsTheReason() {
        helper.with("home", Fixtures.fullTunnel(), false);
        vm.start();
        helper.failNextActivation("home", "creating the TUN device: permission denied");
        vm.toggle("home");
        assertEquals(TunnelState.FAILED, vm.find("home").orElseThrow().state());
        String error = vm.errorProperty().get();
        assertNotNull(error);
        assertTrue(error.contains("home") && error.contains("permission denied"), error);
        vm.dismissError();
        assertNull(vm.errorProperty().get());
    }

    @Test
    void unreachableHelperShowsBannerAndReconnectsWithBackoff() {
        helper.setReachable(false);
        helper.with("home", Fixtures.fullTunnel(), false);
        vm.start();
        assertEquals(Connection.UNREACHABLE, vm.connectionProperty().get());
        assertTrue(vm.bannerProperty().get().contains("systemctl start wgdesk-helper"), vm.bannerProperty().get());
        assertEquals(List.of(Duration.ofSeconds(1)), scheduler.pending().stream().map(dev.wgdesk.app.testsupport.ManualTasks.Task::delay).toList());

        scheduler.runAll(Duration.ofSeconds(1));
        assertEquals(List.of(Duration.ofSeconds(2)), scheduler.pending().stream().map(dev.wgdesk.app.testsupport.ManualTasks.Task::delay).toList());
        scheduler.runAll(Duration.ofSeconds(2));
        scheduler.runAll(Duration.ofSeconds(4));
        assertEquals(4, helper.connectAttempts());
        assertEquals(Connection.UNREACHABLE, vm.connectionProperty().get());

        helper.setReachable(true);
        scheduler.runAll(Duration.ofSeconds(8));
        assertEquals(Connection.CONNECTED, vm.connectionProperty().get());
        assertNull(vm.bannerProperty().get());
        assertEquals(List.of("home"), names(vm));
        // Connected: only the status refresh is pending, no reconnect.
        assertEquals(List.of(MainViewModel.STATUS_INTERVAL),
                scheduler.pending().stream().map(dev.wgdesk.app.testsupport.ManualTasks.Task::delay).toList());
    }

    @Test
    void aRefusedUserIsToldTheCommandOfTheirOwnOs() {
        assertEquals("User \u201calice\u201d may not use the wgdesk helper. An administrator can add you to the group"
                + " \u201cwgdesk\u201d with \u201cusermod -aG wgdesk alice\u201d; then log out and back in.",
                MainViewModel.notAuthorisedBanner(PlatformHints.forOs("linux"), "alice"));
        assertEquals("User \u201calice\u201d may not use the wgdesk helper. An administrator can add you to the group"
                + " \u201cwgdesk\u201d with \u201csudo dseditgroup -o edit -a alice -t user wgdesk\u201d; then log out"
                + " and back in.",
                MainViewModel.notAuthorisedBanner(PlatformHints.forOs("macos"), "alice"));
        assertEquals("User \u201cAda Lovelace\u201d may not use the wgdesk helper. An administrator can add you to the"
                + " group \u201cwgdesk-users\u201d with \u201cnet localgroup wgdesk-users \"Ada Lovelace\" /add\u201d (in a"
                + " command prompt run as administrator); then sign out and back in.",
                MainViewModel.notAuthorisedBanner(PlatformHints.forOs("windows"), "Ada Lovelace"));
    }

    @Test
    void anUnreachableHelperIsStartedWithTheCommandOfTheirOwnOs() {
        assertEquals("The wgdesk helper is not running, so tunnels cannot be listed or changed. Start it with"
                + " \u201csudo systemctl start wgdesk-helper\u201d (or run \u201csudo wgdesk helper\u201d). wgdesk"
                + " reconnects by itself as soon as it answers at /run/wgdesk/helper.sock.",
                MainViewModel.unreachableBanner(PlatformHints.forOs("linux"), "/run/wgdesk/helper.sock"));
        assertTrue(MainViewModel.unreachableBanner(PlatformHints.forOs("macos"), "/var/run/wgdesk/helper.sock")
                .contains("\u201csudo launchctl kickstart system/dev.wgdesk.helper\u201d"));
        String w = MainViewModel.unreachableBanner(PlatformHints.forOs("windows"), "\\\\.\\pipe\\wgdesk");
        assertTrue(w.contains("Start the service \u201cwgdesk-helper\u201d in Services, or with \u201csc start wgdesk-helper\u201d in a"
                + " command prompt run as administrator"), w);
        assertFalse(w.contains("sudo"), w);
    }

    @Test
    void refusedByTheHelperShowsThisOsCommandAndKeepsRetrying() {
        helper.setAuthorised(false);
        vm.start();
        assertEquals(Connection.NOT_AUTHORISED, vm.connectionProperty().get());
        String user = System.getProperty("user.name", "");
        assertEquals(MainViewModel.notAuthorisedBanner(PlatformHints.current(), user), vm.bannerProperty().get());
        assertTrue(vm.bannerProperty().get().contains(PlatformHints.current().howToAdd(user)), vm.bannerProperty().get());

        helper.setAuthorised(true);
        scheduler.runAll(Duration.ofSeconds(1));
        assertEquals(Connection.CONNECTED, vm.connectionProperty().get());
        assertNull(vm.bannerProperty().get());
    }

    @Test
    void lostConnectionReconnectsFromTheShortestDelay() {
        helper.with("home", Fixtures.fullTunnel(), false);
        vm.start();
        helper.setReachable(false);
        assertEquals(Connection.UNREACHABLE, vm.connectionProperty().get());
        assertTrue(vm.bannerProperty().get().contains("not affected"), vm.bannerProperty().get());
        assertEquals(List.of(Duration.ofSeconds(1)), scheduler.pending().stream().map(dev.wgdesk.app.testsupport.ManualTasks.Task::delay).toList(),
                "the status refresh is cancelled and one reconnect is scheduled");
        helper.setReachable(true);
        scheduler.runAll(Duration.ofSeconds(1));
        assertEquals(Connection.CONNECTED, vm.connectionProperty().get());
    }

    @Test
    void retryNowSkipsTheWait() {
        helper.setReachable(false);
        vm.start();
        helper.setReachable(true);
        vm.retryNow();
        assertEquals(Connection.CONNECTED, vm.connectionProperty().get());
        assertEquals(2, helper.connectAttempts());
    }

    @Test
    void reconnectDelayIsCapped() {
        assertEquals(Duration.ofSeconds(1), MainViewModel.reconnectDelay(0));
        assertEquals(Duration.ofSeconds(8), MainViewModel.reconnectDelay(3));
        assertEquals(MainViewModel.MAX_RECONNECT_DELAY, MainViewModel.reconnectDelay(4));
        assertEquals(MainViewModel.MAX_RECONNECT_DELAY, MainViewModel.reconnectDelay(1000));
    }

    @Test
    void statusRefreshKeepsRunningWhileConnected() {
        helper.with("home", Fixtures.fullTunnel(), true);
        vm.start();
        assertEquals(1, scheduler.runAll(MainViewModel.STATUS_INTERVAL));
        assertEquals(1, scheduler.pending().size(), "rescheduled");
        vm.close();
        assertEquals(0, scheduler.pending().size(), "closing stops it");
    }

    @Test
    void deleteRemovesFromListAndSelectsAnother() {
        helper.with("a", Fixtures.siteTunnel(), false).with("b", Fixtures.siteTunnel(), false);
        vm.start();
        vm.delete(vm.find("a").orElseThrow());
        assertEquals(List.of("b"), names(vm));
        assertEquals("b", vm.selectedProperty().get().name());
    }

    @Test
    void logEventsGoToTheSink() {
        List<String> lines = new ArrayList<>();
        vm.setLogSink(e -> lines.add(e.entry().message()));
        helper.with("home", Fixtures.fullTunnel(), false);
        vm.start();
        vm.toggle("home");
        assertTrue(lines.contains("tunnel activated"), lines.toString());
    }
}
