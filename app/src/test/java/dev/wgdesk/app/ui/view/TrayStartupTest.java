package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.gateway.DemoData;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.tray.Tray;
import dev.wgdesk.app.ui.tray.sni.BusMonitor;
import dev.wgdesk.app.ui.tray.sni.FakeWatcher;
import dev.wgdesk.app.ui.tray.sni.SniTray;
import dev.wgdesk.app.ui.tray.sni.SessionBus;
import dev.wgdesk.app.ui.tray.sni.StatusNotifierWatcherBus;
import dev.wgdesk.engine.testing.Requirements;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.application.Platform;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/**
 * {@code wgdesk tray} (the login autostart) on a desktop with a StatusNotifierItem host starts
 * with no window, only the icon; without a host it shows the window and says why; and when the
 * desktop's tray goes away later, the window comes back rather than leaving an invisible app.
 * The tray menu's "Import from this computer…" opens the window and its import dialog.
 */
class TrayStartupTest {
    @TempDir
    Path dir;
    private SessionBus bus;
    private Stage stage;
    private WgDeskUi ui;

    @BeforeEach
    void setUp() throws Exception {
        Fx.requireDisplay();
        Requirements.require(SessionBus.available(), "dbus-daemon is not installed; .ci/run installs it");
        Messages.useLocale(Locale.ROOT);
        bus = SessionBus.start(dir);
        System.setProperty("wgdesk.tray.dbus", bus.address());
        System.setProperty("wgdesk.tray", "sni");
        System.setProperty("wgdesk.tray.wait", "3000");
        stage = FxToolkit.registerStage(Stage::new);
    }

    @AfterEach
    void tearDown() throws Exception {
        System.clearProperty("wgdesk.tray.dbus");
        System.clearProperty("wgdesk.tray");
        System.clearProperty("wgdesk.tray.wait");
        stopUi();
        if (bus != null) {
            bus.close();
        }
    }

    /**
     * Quits the app (idempotent). A test calls it before its fake desktop services close: dbus-java
     * throws NotConnected on its own worker thread when a connection closes while one of its
     * objects still answers a call, and TestFX hands that to the next test as its failure.
     */
    private void stopUi() throws Exception {
        WgDeskUi running = ui;
        ui = null;
        if (running != null) {
            Fx.run(() -> {
                running.shutdown();
                Platform.setImplicitExit(false); // keep the toolkit for the next tests
                stage.close();
            });
        }
    }

    private WgDeskUi start() throws Exception {
        ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(DemoData.gateway(Clock.systemUTC()),
                FileDialogs.native_(), Clock.systemUTC(), true, Theme.Mode.SYSTEM, List.of(), true)));
        Fx.waitUntil("tray checked", ui::trayChecked);
        return ui;
    }

    @Test
    void withAHostItStartsHiddenInTheTray() throws Exception {
        try (FakeWatcher watcher = new FakeWatcher(bus.address(), true)) {
            start();
            assertTrue(Fx.call(ui::hasTray));
            assertEquals("StatusNotifierItem", Fx.call(() -> ui.tray().map(Tray::kind).orElse("")));
            assertFalse(Fx.call(stage::isShowing), "no window at login");
            assertFalse(Fx.call(Platform::isImplicitExit), "the app lives on without a window");

            Fx.run(() -> ui.trayViewModel().actions().showWindow());
            Fx.waitUntil("window shown from the tray", stage::isShowing);

            watcher.close();
            Fx.waitUntil("tray lost", () -> !ui.hasTray());
            assertTrue(Fx.call(stage::isShowing));
            String info = Fx.call(() -> ui.mainViewModel().infoProperty().get());
            assertTrue(info != null && info.contains("tray went away"), String.valueOf(info));
            assertTrue(Fx.call(Platform::isImplicitExit), "closing the window now quits");
        }
    }

    @Test
    void quittingWhileTheTrayIsBeingInstalledLeavesNoWindowAndNoTray() throws Exception {
        try (FakeWatcher watcher = new FakeWatcher(bus.address(), false)) { // the panel has no host yet: install waits
            ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(DemoData.gateway(Clock.systemUTC()),
                    FileDialogs.native_(), Clock.systemUTC(), true, Theme.Mode.SYSTEM, List.of(), true)));
            assertFalse(Fx.call(ui::trayChecked), "still waiting for a host");
            WgDeskUi running = ui;
            Fx.run(running::shutdown); // quit at login, before the panel is up
            Fx.waitUntil("tray checked", running::trayChecked);
            Fx.run(() -> { }); // the install's answer has been handled
            assertFalse(Fx.call(stage::isShowing), "a quit app shows no window");
            assertFalse(Fx.call(running::hasTray));
        }
    }

    @Test
    void aFailureWhileTheWindowIsHiddenBecomesANotification() throws Exception {
        dev.wgdesk.app.ui.gateway.FakeHelperGateway helper = DemoData.gateway(Clock.systemUTC());
        helper.failNextActivation("office", "the interface name is taken");
        try (FakeWatcher watcher = new FakeWatcher(bus.address(), true);
             dev.wgdesk.app.ui.tray.sni.FakeNotifications server =
                     new dev.wgdesk.app.ui.tray.sni.FakeNotifications(bus.address())) {
            ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(helper, FileDialogs.native_(),
                    Clock.systemUTC(), true, Theme.Mode.SYSTEM, List.of(), true)));
            Fx.waitUntil("tray checked", ui::trayChecked);
            assertTrue(Fx.call(ui::hasTray));
            Fx.waitUntil("tunnels listed", () -> ui.mainViewModel().tunnels().size() == 2);
            Fx.run(() -> ui.trayViewModel().actions().toggleTunnel("office")); // a click in the tray menu
            var shown = server.shown.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(shown != null && shown.body().contains("the interface name is taken"), String.valueOf(shown));
            assertFalse(Fx.call(stage::isShowing), "the window stays hidden");
            // The app may still be notifying (its error and its notice each send one): it goes
            // first, then the notification server and the panel.
            stopUi();
        }
    }

    @Test
    void importFromThisComputerInTheTrayMenuOpensTheWindowAndTheImportDialog() throws Exception {
        // The helper's answer is held back: the menu entry must not wait for it on the FX thread.
        CountDownLatch answer = new CountDownLatch(1);
        List<Boolean> askedOnFxThread = new CopyOnWriteArrayList<>();
        HelperGateway demo = DemoData.gateway(Clock.systemUTC());
        HelperGateway helper = (HelperGateway) Proxy.newProxyInstance(HelperGateway.class.getClassLoader(),
                new Class<?>[] {HelperGateway.class}, (proxy, method, args) -> {
                    if (method.getName().equals("systemTunnels")) {
                        askedOnFxThread.add(Platform.isFxApplicationThread());
                        assertTrue(answer.await(30, TimeUnit.SECONDS));
                    }
                    try {
                        return method.invoke(demo, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (FakeWatcher watcher = new FakeWatcher(bus.address(), true)) {
            ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(helper, FileDialogs.native_(),
                    Clock.systemUTC(), true, Theme.Mode.SYSTEM, List.of(), true)));
            Fx.waitUntil("tray checked", ui::trayChecked);
            SniTray tray = (SniTray) Fx.call(() -> ui.tray().orElseThrow());
            assertFalse(Fx.call(stage::isShowing), "no window at login");

            // A click on the entry, as the panel sends it over D-Bus.
            String layout = bus.gdbus("call", "--session", "--dest", tray.busName(), "--object-path", SniTray.MENU_PATH,
                    "--method", "com.canonical.dbusmenu.GetLayout", "0", "int32 -1", "[]");
            Matcher entry = Pattern.compile("\\((\\d+), \\{[^}]*'label': <'Import from this computer\u2026'>")
                    .matcher(layout);
            assertTrue(entry.find(), layout);
            bus.gdbus("call", "--session", "--dest", tray.busName(), "--object-path", SniTray.MENU_PATH,
                    "--method", "com.canonical.dbusmenu.Event", entry.group(1), "clicked", "<0>", "0");

            Fx.waitUntil("window shown from the tray", stage::isShowing);
            Fx.waitUntil("the import dialog, still loading", () -> systemImportDialog() != null);
            assertEquals(stage, Fx.call(() -> systemImportDialog().getOwner()), "the window's own dialog");
            assertEquals(List.of(false), askedOnFxThread, "the helper is asked once, off the FX thread");
            answer.countDown();
            Fx.waitUntil("the tunnels on this computer listed", () -> {
                ListView<?> list = (ListView<?>) systemImportDialog().getScene().lookup("#system-list");
                return list != null && list.getItems().size() == 2;
            });
            Fx.run(() -> systemImportDialog().close());
            stopUi();
        } finally {
            answer.countDown();
        }
    }

    /** The showing "Import from this computer" dialog, or null. */
    private static Stage systemImportDialog() {
        return Window.getWindows().stream()
                .filter(w -> w instanceof Stage s && s.isShowing() && "Import from this computer".equals(s.getTitle()))
                .map(Stage.class::cast).findFirst().orElse(null);
    }

    @Test
    void aPanelThatStartsAfterTheAppStillGetsTheIcon() throws Exception {
        // The app's wait for a panel must outlast the test's start of one however busy the machine
        // is (3 s did not always); the test never waits it out, it ends when the host appears.
        System.setProperty("wgdesk.tray.wait", "120000");
        try (BusMonitor asked = BusMonitor.busCalls(bus, "NameHasOwner", StatusNotifierWatcherBus.BUS_NAME)) {
            ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(DemoData.gateway(Clock.systemUTC()),
                    FileDialogs.native_(), Clock.systemUTC(), true, Theme.Mode.SYSTEM, List.of(), true)));
            assertTrue(asked.await(1), "the app asks the bus for a StatusNotifierWatcher: " + asked.output());
        }
        assertFalse(Fx.call(ui::trayChecked), "the app found no panel yet and is still looking");
        try (FakeWatcher watcher = new FakeWatcher(bus.address(), true)) {
            Fx.waitUntil("tray checked", ui::trayChecked);
            assertTrue(Fx.call(ui::hasTray), "the icon appears once the panel is up");
            assertFalse(Fx.call(stage::isShowing), "still no window");
            assertTrue(watcher.registered.poll(10, java.util.concurrent.TimeUnit.SECONDS) != null);
        }
    }

    @Test
    void withoutAHostTheWindowShowsAndSaysWhy() throws Exception {
        start();
        assertFalse(Fx.call(ui::hasTray));
        Fx.waitUntil("window shown", stage::isShowing);
        String info = Fx.call(() -> ui.mainViewModel().infoProperty().get());
        assertTrue(info != null && info.contains("No system tray"), String.valueOf(info));
    }
}
