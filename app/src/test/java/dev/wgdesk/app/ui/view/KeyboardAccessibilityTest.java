package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.gateway.DemoData;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.vm.Connection;
import dev.wgdesk.app.ui.vm.TunnelItem;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * Keyboard operation and accessible text, in a real window: every button a user can reach is
 * focus-traversable and has text a screen reader can speak (its label, or accessible text when it
 * shows only an icon), in the tunnel view, the editor and the log; and the main tasks work from the
 * keyboard alone (select with arrows, Space toggles, Ctrl+N / Ctrl+S create and save a tunnel).
 */
class KeyboardAccessibilityTest {
    private final FakeHelperGateway helper = DemoData.gateway(Clock.systemUTC());
    private final FxRobot robot = new FxRobot();
    private Stage stage;
    private WgDeskUi ui;

    @BeforeEach
    void start() throws Exception {
        Fx.requireDisplay();
        Messages.useLocale(Locale.ROOT);
        stage = FxToolkit.registerStage(Stage::new);
        ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(helper, FileDialogs.native_(), Clock.systemUTC(),
                false, Theme.Mode.LIGHT, List.of())));
        Fx.waitUntil("connected", () -> ui.mainViewModel().connectionProperty().get() == Connection.CONNECTED);
        Fx.waitUntil("tunnels listed", () -> ui.mainViewModel().tunnels().size() == 2);
        Fx.run(stage::toFront);
    }

    @AfterEach
    void stop() throws Exception {
        if (ui != null) {
            Fx.run(() -> {
                ui.shutdown();
                stage.close();
            });
        }
    }

    private List<dev.wgdesk.app.ipc.TunnelStatus> statuses() {
        try {
            return helper.status();
        } catch (dev.wgdesk.app.ipc.IpcException e) {
            throw new AssertionError(e);
        }
    }

    private List<dev.wgdesk.app.ipc.TunnelInfo> names() {
        try {
            return helper.list();
        } catch (dev.wgdesk.app.ipc.IpcException e) {
            throw new AssertionError(e);
        }
    }

    /** Every visible button-like control under {@code root}. */
    private static List<ButtonBase> buttons(Node root) {
        List<ButtonBase> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(Node n, List<ButtonBase> out) {
        if (!n.isVisible()) {
            return;
        }
        if (n instanceof ButtonBase b) {
            out.add(b);
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                collect(c, out);
            }
        }
    }

    private void assertSpeakableAndReachable(String view) throws Exception {
        List<String> problems = Fx.call(() -> {
            List<String> p = new ArrayList<>();
            for (ButtonBase b : buttons(stage.getScene().getRoot())) {
                String spoken = b.getAccessibleText() != null && !b.getAccessibleText().isBlank()
                        ? b.getAccessibleText() : ((Labeled) b).getText();
                if (spoken == null || spoken.isBlank()) {
                    p.add(view + ": a button with no text and no accessible text: " + b);
                }
                if (!b.isFocusTraversable() && !b.isDisabled()) {
                    p.add(view + ": \"" + spoken + "\" cannot be reached with Tab");
                }
            }
            return p;
        });
        assertEquals(List.of(), problems);
        int count = Fx.call(() -> buttons(stage.getScene().getRoot()).size());
        assertTrue(count >= 3, view + " has buttons to check (" + count + ")");
    }

    @Test
    void everyButtonSpeaksAndIsReachableInEveryView() throws Exception {
        assertSpeakableAndReachable("tunnels");
        Fx.run(() -> ui.window().newTunnel());
        Fx.waitUntil("editor open", () -> robot.lookup("#editor-name").tryQuery().isPresent());
        assertSpeakableAndReachable("editor");
        robot.clickOn("#cancel");
        Fx.waitUntil("editor closed", () -> robot.lookup("#editor-name").tryQuery().isEmpty());
        TabPane tabs = robot.lookup(".tab-pane").queryAs(TabPane.class);
        Fx.run(() -> tabs.getSelectionModel().select(1));
        Fx.settle();
        assertSpeakableAndReachable("log");
    }

    @Test
    void startAtLoginFromTheSettingsMenu(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Fx.run(() -> {
            ui.shutdown();
            stage.close();
        });
        java.nio.file.Path userDir = dir.resolve("autostart");
        dev.wgdesk.app.ui.io.Autostart autostart = new dev.wgdesk.app.ui.io.XdgAutostart(userDir, List.of(dir.resolve("xdg")),
                "/opt/wgdesk/bin/wgdesk", true);
        stage = FxToolkit.registerStage(Stage::new);
        ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(helper, FileDialogs.native_(), Clock.systemUTC(),
                false, Theme.Mode.LIGHT, List.of(), false, autostart)));
        Fx.waitUntil("settings loaded", () -> ui.settingsViewModel().startAtLoginAvailableProperty().get());
        assertTrue(!Fx.call(() -> ui.settingsViewModel().startAtLoginProperty().get()));
        java.nio.file.Path entry = userDir.resolve(dev.wgdesk.app.ui.io.XdgAutostart.FILE_NAME);
        robot.clickOn("#settings-menu");
        robot.clickOn(Messages.get("settings.autostart"));
        Fx.waitUntil("entry written", () -> java.nio.file.Files.exists(entry));
        assertTrue(java.nio.file.Files.readString(entry).contains("Exec=/opt/wgdesk/bin/wgdesk tray"));
        Fx.waitUntil("shown as on", () -> ui.settingsViewModel().startAtLoginProperty().get());
        robot.clickOn("#settings-menu");
        robot.clickOn(Messages.get("settings.autostart"));
        Fx.waitUntil("turned off", () -> !ui.settingsViewModel().startAtLoginProperty().get());
        assertEquals(dev.wgdesk.app.ui.io.Autostart.State.DISABLED, autostart.state());
    }

    @Test
    void mainTasksWorkFromTheKeyboardAlone() throws Exception {
        @SuppressWarnings("unchecked")
        ListView<TunnelItem> list = robot.lookup("#tunnel-list").queryAs(ListView.class);
        assertNotNull(list);
        Fx.run(() -> {
            list.requestFocus();
            list.getSelectionModel().select(0);
        });
        Fx.waitUntil("list focused", list::isFocused);
        assertEquals("home", Fx.call(() -> list.getSelectionModel().getSelectedItem().name()));
        robot.type(KeyCode.DOWN);
        Fx.waitUntil("office selected", () -> list.getSelectionModel().getSelectedItem() != null
                && list.getSelectionModel().getSelectedItem().name().equals("office"));
        robot.type(KeyCode.SPACE);
        Fx.waitUntil("office active", () -> statuses().stream()
                .anyMatch(s -> s.name().equals("office") && s.state() == TunnelState.ACTIVE));
        robot.type(KeyCode.SPACE);
        Fx.waitUntil("office inactive", () -> statuses().stream()
                .anyMatch(s -> s.name().equals("office") && s.state() == TunnelState.INACTIVE));

        robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL);
        Fx.waitUntil("editor open", () -> robot.lookup("#editor-name").tryQuery().isPresent());
        Fx.run(() -> robot.lookup("#editor-name").query().requestFocus());
        robot.write("laptop");
        robot.press(KeyCode.CONTROL).type(KeyCode.S).release(KeyCode.CONTROL);
        Fx.waitUntil("saved by Ctrl+S", () -> names().stream().anyMatch(t -> t.name().equals("laptop")));
    }
}
