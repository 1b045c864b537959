package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.gateway.IpcHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.tray.TrayMenuModel;
import dev.wgdesk.app.ui.vm.Connection;
import dev.wgdesk.app.ui.vm.TunnelDetail;
import dev.wgdesk.engine.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.fxmisc.richtext.CodeArea;
import dev.wgdesk.engine.crypto.PrivateKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * Issue 5's acceptance scenarios in a real window (Xvfb in CI) against the real helper
 * ({@link dev.wgdesk.app.helper.Helper}) on a socket in a temporary directory, through the app's
 * real IPC client ({@link IpcHelperGateway}): import by the chooser, edit to an error at the
 * right line and column then fix and save, activate and deactivate from the window, the tray
 * menu model and another client, export and re-import, and the helper going away and coming
 * back. As root, tunnels run on real TUN interfaces (narrow 10.213.x.0/24 prefixes, no DNS, names
 * unique to this JVM, every interface removed afterwards), and one scenario shakes hands with a
 * {@code wireguard-go} peer in a network namespace ({@link PeerNamespace}); otherwise activation
 * uses the fake backend, which the class's display name says (under strict mode, WGDESK_TEST_STRICT=1,
 * it fails instead). Skipped when there is no display.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayNameGeneration(RealHelperAcceptanceTest.Names.class)
class RealHelperAcceptanceTest {
    /** Why tunnels run on the fake backend, or null when they run on real interfaces. */
    static final String NO_REAL_BACKEND = RealHelper.realBackendUnavailable();
    /** Generous: the machine may be busy, and reconnection backs off up to 10 s. */
    private static final int WAIT = 60;

    /** Says in the class's name which backend runs the tunnels. */
    static final class Names extends DisplayNameGenerator.Standard {
        @Override
        public String generateDisplayNameForClass(Class<?> testClass) {
            return super.generateDisplayNameForClass(testClass) + (NO_REAL_BACKEND == null
                    ? " [real Linux backend: TUN interfaces]"
                    : " [activation on the FAKE backend: " + NO_REAL_BACKEND + "]");
        }
    }

    @TempDir
    Path dir;
    @TempDir
    Path helperDir;

    private final String id = Long.toString(ProcessHandle.current().pid() % 100_000);
    private final ScriptedFileDialogs files = new ScriptedFileDialogs();
    private RealHelper helper;
    private IpcClient client;
    private Stage stage;
    private WgDeskUi ui;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        Fx.requireDisplay();
        Messages.useLocale(Locale.ROOT);
        if (NO_REAL_BACKEND != null && Requirements.strict()) { // no falling back to the fake quietly
            throw Requirements.unavailable("the tunnels would run on the FAKE backend: " + NO_REAL_BACKEND);
        }
        if (NO_REAL_BACKEND != null) {
            System.err.println("RealHelperAcceptanceTest: tunnels run on the FAKE backend (" + NO_REAL_BACKEND
                    + "); the IPC, store and reconnection run against the real helper");
        }
        helper = new RealHelper(helperDir, NO_REAL_BACKEND == null);
        helper.start();
        client = helper.connect();
        stage = FxToolkit.registerStage(Stage::new);
        ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(new IpcHelperGateway(helper.socket()), files,
                Clock.systemUTC(), false, Theme.Mode.LIGHT, List.of())));
        Fx.waitUntil("connected", WAIT, () -> ui.mainViewModel().connectionProperty().get() == Connection.CONNECTED);
        Fx.run(stage::toFront);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (ui != null) {
                Fx.run(() -> {
                    ui.shutdown();
                    stage.close();
                });
            }
        } finally {
            if (client != null) {
                client.close();
            }
            if (helper != null) {
                List<String> left = helper.closeAndSweep();
                assertEquals(List.of(), left, "the helper took every interface down when it stopped");
            }
        }
    }

    /* ====================== helpers ====================== */

    /** A tunnel name (and interface name) unique to this JVM. */
    private String name(char suffix) {
        return "wgui" + id + suffix;
    }

    /**
     * A tunnel on 10.213.{@code subnet}.0/24 without endpoint or DNS: activating it changes
     * nothing but its own interface and that prefix's route. With a ListenPort on line 5 if asked.
     */
    private static String config(int subnet, boolean listenPort) {
        return "# UI acceptance test tunnel\n[Interface]\nPrivateKey = " + Fixtures.privateKey() + "\n"
                + "Address = 10.213." + subnet + ".1/24\n"
                + (listenPort ? "ListenPort = 51821\n" : "")
                + "\n[Peer]\nPublicKey = " + Fixtures.publicKey() + "\nAllowedIPs = 10.213." + subnet + ".0/24\n";
    }

    /** Waits (off the FX thread) until {@code condition} holds; for questions to the helper. */
    private static void eventually(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(50);
        }
        AssertionError e = new AssertionError("timed out waiting for: " + what);
        if (last != null) {
            e.addSuppressed(last);
        }
        throw e;
    }

    private TunnelState helperState(String name) throws Exception {
        return client.status().stream().filter(s -> s.name().equals(name)).map(TunnelStatus::state).findFirst()
                .orElseThrow(() -> new AssertionError("the helper has no tunnel " + name));
    }

    private List<String> helperNames() throws Exception {
        return client.list().stream().map(TunnelInfo::name).toList();
    }

    private TunnelState uiState(String name) {
        return ui.mainViewModel().find(name).map(t -> t.state()).orElse(null);
    }

    private boolean trayChecked(String name) {
        return ui.trayViewModel().model().entries().stream().anyMatch(e -> e.name().equals(name) && e.checked());
    }

    private String detailStatus(String name) {
        TunnelDetail d = ui.mainViewModel().detailProperty().get();
        return d == null || !d.name().equals(name) ? null : d.ifaceValue("Status");
    }

    /**
     * Asserts that the tunnel is up everywhere: helper, interface (with {@code address}), list,
     * detail and tray.
     */
    private void assertUp(String name, String address, boolean selected) throws Exception {
        eventually(name + " active in the helper", () -> helperState(name) == TunnelState.ACTIVE);
        if (helper.realBackend()) {
            assertTrue(RealHelper.interfaceExists(name), "the TUN interface " + name + " exists");
            String addr = RealHelper.interfaceAddresses(name);
            assertTrue(addr.contains("inet " + address + " "), "the interface has " + address + ": " + addr);
        }
        Fx.waitUntil(name + " active in the list", WAIT, () -> uiState(name) == TunnelState.ACTIVE);
        Fx.waitUntil(name + " checked in the tray menu", WAIT, () -> trayChecked(name));
        assertEquals(TrayMenuModel.IconState.ACTIVE, Fx.call(() -> ui.trayViewModel().model().icon()));
        if (selected) {
            Fx.waitUntil(name + " detail active with live peer fields", WAIT, () -> "Active".equals(detailStatus(name))
                    && ui.mainViewModel().detailProperty().get().peers().getFirst().stream()
                    .anyMatch(f -> f.label().equals("Latest handshake")));
            // Enabled too: the helper's answer may come after its state event, and a user clicks
            // only an enabled button (a click on a disabled one is lost).
            Fx.waitUntil("button says Deactivate and is enabled", WAIT, () -> robot.lookup("#toggle").queryButton().getText()
                    .equals("Deactivate") && !robot.lookup("#toggle").queryButton().isDisabled());
        }
    }

    /** Asserts that the tunnel is down everywhere. */
    private void assertDown(String name, boolean selected) throws Exception {
        eventually(name + " inactive in the helper", () -> helperState(name) == TunnelState.INACTIVE);
        if (helper.realBackend()) {
            eventually("the interface " + name + " is gone", () -> !RealHelper.interfaceExists(name));
        }
        Fx.waitUntil(name + " inactive in the list", WAIT, () -> uiState(name) == TunnelState.INACTIVE);
        Fx.waitUntil(name + " unchecked in the tray menu", WAIT, () -> !trayChecked(name));
        if (selected) {
            Fx.waitUntil(name + " detail inactive", WAIT, () -> "Inactive".equals(detailStatus(name)));
            // Enabled too: the helper's answer may come after its state event, and a user clicks
            // only an enabled button (a click on a disabled one is lost).
            Fx.waitUntil("button says Activate and is enabled", WAIT, () -> robot.lookup("#toggle").queryButton().getText()
                    .equals("Activate") && !robot.lookup("#toggle").queryButton().isDisabled());
        }
    }

    /** Clicks the tunnel's row in the list once it is drawn. */
    private void clickTunnel(String name) throws Exception {
        Fx.waitUntil(name + " drawn", WAIT, () -> robot.lookup(".tunnel-name").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().equals(name) && l.isVisible()));
        robot.clickOn(robot.lookup(".tunnel-name").queryAllAs(Label.class).stream()
                .filter(l -> l.getText().equals(name)).findFirst().orElseThrow());
        Fx.waitUntil(name + " selected", WAIT, () -> ui.mainViewModel().selectedProperty().get() != null
                && ui.mainViewModel().selectedProperty().get().name().equals(name));
    }

    /** Imports through the helper (not the app) and has the app list it. */
    private void importThroughTheHelper(String name, String text) throws Exception {
        client.importConfig(name, text);
        Fx.run(() -> ui.mainViewModel().refreshList());
        Fx.waitUntil(name + " listed", WAIT, () -> ui.mainViewModel().find(name).isPresent());
    }

    /* ====================== scenarios ====================== */

    @Test
    void importByTheChooserThenEditToAnErrorAtTheRightLineFixAndSave() throws Exception {
        String a = name('a');
        String text = config(101, true);
        files.nextImport.add(Files.writeString(dir.resolve(a + ".conf"), text));
        robot.clickOn("#import");
        Fx.waitUntil(a + " listed", WAIT, () -> ui.mainViewModel().find(a).isPresent());
        Fx.waitUntil("report shown", WAIT, () -> "Imported 1 of 1 tunnel".equals(ui.mainViewModel().infoProperty().get()));
        assertEquals(List.of(a), helperNames(), "the helper's store holds the import");
        assertEquals(text, client.getConfig(a));
        assertEquals(text, Files.readString(helper.storedFile(a)), "and so does its file on disk");

        clickTunnel(a);
        robot.clickOn("#edit");
        Fx.waitUntil("editor open", WAIT, () -> ui.window().editor() != null);
        CodeArea area = robot.lookup("#editor-text").queryAs(CodeArea.class);
        Fx.waitUntil("editor loaded", WAIT, () -> area.getText().contains("ListenPort = 51821"));
        int listen = Fx.call(area::getText).indexOf("51821") + "51821".length();
        robot.clickOn(area);
        Fx.run(() -> area.moveTo(listen));
        robot.write("9");
        Fx.waitUntil("error found", WAIT, () -> ui.window().editor().viewModel().errorCountProperty().get() == 1);
        var problem = Fx.call(() -> ui.window().editor().viewModel().problems().getFirst());
        assertEquals(5, problem.line(), "ListenPort is on line 5, after the comment");
        assertEquals(14, problem.column(), "the value starts at column 14");
        assertTrue(problem.message().contains("out of range"), problem.message());
        assertTrue(robot.lookup("#save").query().isDisabled(), "save is disabled while an error exists");
        assertTrue(Fx.call(() -> area.getStyleOfChar(listen - 2).contains("wg-error")), "the value is underlined");
        assertEquals(text, client.getConfig(a), "nothing was sent to the helper");

        robot.type(javafx.scene.input.KeyCode.BACK_SPACE);
        robot.type(javafx.scene.input.KeyCode.BACK_SPACE);
        robot.write("2");
        Fx.waitUntil("fixed", WAIT, () -> ui.window().editor().viewModel().errorCountProperty().get() == 0);
        assertFalse(robot.lookup("#save").query().isDisabled());
        robot.clickOn("#save");
        Fx.waitUntil("saved and closed", WAIT, () -> ui.window().editor() == null);
        String expected = text.replace("ListenPort = 51821", "ListenPort = 51822");
        eventually("the helper stores the edit", () -> expected.equals(client.getConfig(a)));
        assertEquals(expected, Files.readString(helper.storedFile(a)));
    }

    @Test
    void activateAndDeactivateFromTheWindowTheTrayAndAnotherClient() throws Exception {
        String a = name('b');
        String b = name('c');
        importThroughTheHelper(a, config(102, false));
        importThroughTheHelper(b, config(103, false));
        Fx.waitUntil("two tray entries", WAIT, () -> ui.trayViewModel().model().entries().size() == 2);
        assertEquals(TrayMenuModel.IconState.INACTIVE, Fx.call(() -> ui.trayViewModel().model().icon()));

        // The main window.
        clickTunnel(a);
        robot.clickOn("#toggle");
        assertUp(a, "10.213.102.1/24", true);
        robot.clickOn("#toggle");
        assertDown(a, true);

        // The tray menu (its model and actions, as the AWT tray calls them).
        Fx.run(() -> ui.trayViewModel().actions().toggleTunnel(b));
        assertUp(b, "10.213.103.1/24", false);
        Fx.run(() -> ui.trayViewModel().actions().toggleTunnel(b));
        assertDown(b, false);
        Fx.waitUntil("tray icon inactive", WAIT, () -> ui.trayViewModel().model().icon() == TrayMenuModel.IconState.INACTIVE);

        // Another client (e.g. the CLI): the app follows what the helper pushes.
        client.activate(a);
        assertUp(a, "10.213.102.1/24", true);
        client.deactivate(a);
        assertDown(a, true);
    }

    @Test
    void exportAZipAndImportItAgain() throws Exception {
        String a = name('d');
        String b = name('e');
        String textA = config(104, false);
        String textB = config(105, true);
        importThroughTheHelper(a, textA);
        importThroughTheHelper(b, textB);
        files.nextExport = dir.resolve("backup.zip");
        robot.clickOn("#export");
        robot.clickOn("Export"); // the warning that the zip holds private keys
        Fx.waitUntil("exported", WAIT, () -> Files.exists(files.nextExport));
        Fx.waitUntil("reported", WAIT, () -> String.valueOf(ui.mainViewModel().infoProperty().get())
                .startsWith("Exported 2 tunnels"));

        clickTunnel(b);
        robot.clickOn("#delete");
        robot.clickOn("Delete");
        Fx.waitUntil(b + " deleted in the app", WAIT, () -> ui.mainViewModel().find(b).isEmpty());
        assertEquals(List.of(a), helperNames(), "and in the helper");
        assertFalse(Files.exists(helper.storedFile(b)), "and on disk");

        files.nextImport.add(files.nextExport);
        robot.clickOn("#import");
        Fx.waitUntil(b + " back", WAIT, () -> ui.mainViewModel().find(b).isPresent());
        Fx.waitUntil("report", WAIT, () -> String.valueOf(ui.mainViewModel().infoProperty().get())
                .startsWith("Imported 1 of 2"));
        String report = Fx.call(() -> ui.mainViewModel().infoProperty().get());
        assertTrue(report.contains("backup.zip/" + a + ".conf") && report.contains("exists"), report);
        assertEquals(textB, client.getConfig(b), "the re-imported text is the exported one");
        assertEquals(textA, client.getConfig(a), "the one that existed is untouched");
    }

    @Test
    void theHelperGoingAwayShowsTheBannerAndTheAppReconnectsWhenItIsBack() throws Exception {
        String a = name('f');
        importThroughTheHelper(a, config(106, false));
        clickTunnel(a);
        robot.clickOn("#toggle");
        assertUp(a, "10.213.106.1/24", true);
        assertFalse(robot.lookup(".banner").query().isVisible(), "no banner while connected");

        client.close();
        helper.stop(); // as "systemctl stop": clients are dropped, the socket goes, tunnels go down
        assertFalse(Files.exists(helper.socket()), "the socket is gone");
        if (helper.realBackend()) {
            eventually("the interface went down with the helper", () -> !RealHelper.interfaceExists(a));
        }
        Fx.waitUntil("the app notices", WAIT, () -> ui.mainViewModel().connectionProperty().get()
                == Connection.UNREACHABLE);
        String notRunning = dev.wgdesk.app.ui.vm.MainViewModel.unreachableBanner(dev.wgdesk.app.ipc.PlatformHints.current(), helper.socket().toString());
        Fx.waitUntil("the \"helper not running\" banner", WAIT, () -> notRunning.equals(ui.mainViewModel()
                .bannerProperty().get()));
        Fx.waitUntil("banner shown", WAIT, () -> robot.lookup(".banner").query().isVisible());
        Fx.waitUntil("header says so", WAIT, () -> robot.lookup(".conn-unreachable").tryQuery().isPresent());
        assertTrue(notRunning.contains("helper is not running"), notRunning);

        helper.start(); // same socket, same state: the active tunnel is restored
        client = helper.connect();
        Fx.waitUntil("reconnected by itself", WAIT, () -> ui.mainViewModel().connectionProperty().get()
                == Connection.CONNECTED);
        Fx.waitUntil("banner gone", WAIT, () -> !robot.lookup(".banner").query().isVisible());
        assertUp(a, "10.213.106.1/24", true);
        client.deactivate(a);
        assertDown(a, true);
    }

    @Test
    void aHandshakeWithARealWireGuardPeerShowsInTheDetail() throws Exception {
        String missing = PeerNamespace.missingPrerequisite();
        Requirements.require(missing == null && helper.realBackend(),
                "needs the real backend and a wireguard-go peer in a namespace: " + missing);
        String a = name('g');
        try (PeerNamespace peer = PeerNamespace.create(dir.resolve("peer"), 'u', 107, 251)) {
            PrivateKey key = PrivateKey.generate();
            String text;
            try {
                peer.allowPeer(key.publicKey().toBase64(), peer.tunnelHost);
                text = "[Interface]\nPrivateKey = " + key.toBase64() + "\nAddress = " + peer.tunnelAddress
                        + "\n\n[Peer]\nPublicKey = " + peer.peerPublicKey + "\nAllowedIPs = " + peer.allowedIps
                        + "\nEndpoint = " + peer.endpoint + "\n";
            } finally {
                key.destroy();
            }
            importThroughTheHelper(a, text);
            clickTunnel(a);
            Fx.waitUntil(a + " detail shown", WAIT, () -> ui.mainViewModel().detailProperty().get() != null
                    && ui.mainViewModel().detailProperty().get().name().equals(a));
            robot.clickOn("#toggle");
            assertUp(a, peer.tunnelAddress, true);
            peer.pingPeer(10);
            String never = Messages.get("time.never");
            Fx.waitUntil("the detail shows the handshake and the bytes", WAIT, () -> {
                List<TunnelDetail.Field> f = ui.mainViewModel().detailProperty().get().peers().getFirst();
                return f.stream().anyMatch(x -> x.label().equals("Latest handshake") && !x.value().equals(never))
                        && f.stream().anyMatch(x -> x.label().equals("Transfer") && !x.value().startsWith("0 B"));
            });
            assertTrue(Fx.call(() -> ui.mainViewModel().detailProperty().get().peers().getFirst().stream()
                    .anyMatch(x -> x.value().equals(peer.endpoint))), "the endpoint is shown");
            robot.clickOn("#toggle");
            assertDown(a, true);
            peer.close();
            assertEquals(List.of(), peer.problems(), "the namespace and link are gone");
        }
    }
}
