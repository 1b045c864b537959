package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.javafx.scene.input.DragboardHelper;
import com.sun.javafx.tk.TKClipboard;
import com.sun.javafx.tk.Toolkit;
import java.lang.reflect.Proxy;
import java.util.Set;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.tray.TrayMenuModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import javafx.scene.Node;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;
import org.fxmisc.richtext.CodeArea;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * The acceptance scenarios in a real window (Xvfb in CI) against the in-process fake helper:
 * import by the chooser and by drag and drop, edit to an error at the right line and fix it,
 * activate and deactivate from the window and from the tray menu model, export and re-import.
 * Skipped when there is no display.
 */
class AppAcceptanceTest {
    @TempDir
    Path dir;

    private final FakeHelperGateway helper = new FakeHelperGateway(Clock.systemUTC());
    private final ScriptedFileDialogs files = new ScriptedFileDialogs();
    private Stage stage;
    private WgDeskUi ui;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        Fx.requireDisplay();
        Messages.useLocale(Locale.ROOT);
        stage = FxToolkit.registerStage(Stage::new);
        ui = Fx.call(() -> WgDeskUi.show(stage,
                new WgDeskUi.Options(helper, files, Clock.systemUTC(), false, Theme.Mode.LIGHT, List.of())));
        Fx.waitUntil("connected", () -> ui.mainViewModel().connectionProperty().get()
                == dev.wgdesk.app.ui.vm.Connection.CONNECTED);
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

    /** Clicks the tunnel's row in the list once it is drawn. */
    private void clickTunnel(String name) throws Exception {
        Fx.waitUntil(name + " drawn", () -> robot.lookup(".tunnel-name").queryAllAs(javafx.scene.control.Label.class)
                .stream().anyMatch(l -> l.getText().equals(name) && l.isVisible()));
        robot.clickOn(robot.lookup(".tunnel-name").queryAllAs(javafx.scene.control.Label.class).stream()
                .filter(l -> l.getText().equals(name)).findFirst().orElseThrow());
        Fx.waitUntil(name + " selected", () -> ui.mainViewModel().selectedProperty().get() != null
                && ui.mainViewModel().selectedProperty().get().name().equals(name));
    }

    @Test
    void importByFileChooser() throws Exception {
        files.nextImport.add(Files.writeString(dir.resolve("home.conf"), Fixtures.fullTunnel()));
        files.nextImport.add(Files.writeString(dir.resolve("bad.conf"), "[Interface]\nListenPort = x\n"));
        robot.clickOn("#import");
        Fx.waitUntil("home listed", () -> ui.mainViewModel().find("home").isPresent());
        Fx.waitUntil("report shown", () -> ui.mainViewModel().infoProperty().get() != null);
        String report = Fx.call(() -> ui.mainViewModel().infoProperty().get());
        assertTrue(report.startsWith("Imported 1 of 2 tunnels"), report);
        assertTrue(report.contains("bad.conf: bad.conf:1:1: PrivateKey: is missing"), report);
        assertTrue(robot.lookup("#info-bar").query().isVisible());
        assertNotNull(helper.storedConfig("home"));
    }

    @Test
    void importByDragAndDrop() throws Exception {
        Path conf = Files.writeString(dir.resolve("office.conf"), Fixtures.siteTunnel());
        Node target = robot.lookup("#tunnel-list").query();
        Fx.run(() -> {
            Dragboard board = newDragboard();
            ClipboardContent c = new ClipboardContent();
            c.putFiles(List.of(conf.toFile()));
            board.setContent(c);
            DragEvent over = new DragEvent(DragEvent.DRAG_OVER, board, 10, 10, 10, 10, TransferMode.COPY, null, target, null);
            javafx.event.Event.fireEvent(target, over);
            assertTrue(over.isAccepted(), "a .conf file is accepted");
            DragEvent drop = new DragEvent(DragEvent.DRAG_DROPPED, board, 10, 10, 10, 10, TransferMode.COPY, null, target, null);
            javafx.event.Event.fireEvent(target, drop);
        });
        Fx.waitUntil("office listed", () -> ui.mainViewModel().find("office").isPresent());
        assertEquals("Imported 1 of 1 tunnel", Fx.call(() -> ui.mainViewModel().infoProperty().get()));
    }

    private static Dragboard newDragboard() {
        try {
            Class.forName(Dragboard.class.getName(), true, Dragboard.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        // A drag-and-drop clipboard as the toolkit gives a drop target: the local clipboard holds
        // the files; the transfer modes are those of a copying drag source.
        TKClipboard local = Toolkit.getToolkit().createLocalClipboard();
        TKClipboard dnd = (TKClipboard) Proxy.newProxyInstance(TKClipboard.class.getClassLoader(),
                new Class<?>[] {TKClipboard.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getTransferModes" -> Set.of(TransferMode.COPY);
                    case "setDragView", "setDragViewOffsetX", "setDragViewOffsetY" -> null;
                    case "getDragView" -> null;
                    case "getDragViewOffsetX", "getDragViewOffsetY" -> 0.0;
                    default -> method.invoke(local, args);
                });
        return DragboardHelper.createDragboard(dnd);
    }

    @Test
    void editToAnErrorAtTheRightLineThenFixAndSave() throws Exception {
        helper.with("site", Fixtures.siteTunnel(), false);
        Fx.run(() -> ui.mainViewModel().refreshList());
        Fx.waitUntil("site listed", () -> ui.mainViewModel().find("site").isPresent());
        clickTunnel("site");
        robot.clickOn("#edit");
        Fx.waitUntil("editor open", () -> ui.window().editor() != null);
        CodeArea area = robot.lookup("#editor-text").queryAs(CodeArea.class);
        String text = Fx.call(area::getText);
        int listen = text.indexOf("51821") + "51821".length();
        robot.clickOn(area);
        Fx.run(() -> area.moveTo(listen));
        robot.write("9");
        Fx.waitUntil("error found", () -> ui.window().editor().viewModel().errorCountProperty().get() == 1);
        var problem = Fx.call(() -> ui.window().editor().viewModel().problems().getFirst());
        assertEquals(4, problem.line(), "ListenPort is on line 4");
        assertEquals(14, problem.column());
        assertTrue(problem.message().contains("out of range"), problem.message());
        assertTrue(robot.lookup("#save").query().isDisabled(), "save is disabled while an error exists");
        assertTrue(Fx.call(() -> area.getStyleOfChar(listen - 2).contains("wg-error")), "the value is underlined");

        robot.type(KeyCode.BACK_SPACE);
        robot.type(KeyCode.BACK_SPACE);
        robot.write("2");
        Fx.waitUntil("fixed", () -> ui.window().editor().viewModel().errorCountProperty().get() == 0);
        assertFalse(robot.lookup("#save").query().isDisabled());
        robot.clickOn("#save");
        Fx.waitUntil("saved and closed", () -> ui.window().editor() == null);
        assertTrue(helper.storedConfig("site").contains("ListenPort = 51822"), helper.storedConfig("site"));
    }

    @Test
    void activateAtStartupFromTheDetailPane() throws Exception {
        files.nextImport.add(Files.writeString(dir.resolve("home.conf"), Fixtures.fullTunnel()));
        Fx.run(() -> ui.window().importWithChooser());
        clickTunnel("home");
        robot.clickOn("#autostart");
        Fx.waitUntil("stored as autostart", () -> {
            try {
                return helper.list().stream().anyMatch(t -> t.name().equals("home") && t.autostart());
            } catch (dev.wgdesk.app.ipc.IpcException e) {
                return false;
            }
        });
        Fx.waitUntil("box shows it", () -> robot.lookup("#autostart").queryAs(org.controlsfx.control.ToggleSwitch.class)
                .isSelected());
        robot.clickOn("#autostart");
        Fx.waitUntil("cleared", () -> {
            try {
                return helper.list().stream().anyMatch(t -> t.name().equals("home") && !t.autostart());
            } catch (dev.wgdesk.app.ipc.IpcException e) {
                return false;
            }
        });
    }

    @Test
    void shareFromTheDetailPaneAndSomeoneElsesTunnelIsReadOnly() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false).with("bobs", Fixtures.siteTunnel(), false)
                .ownedBy("bobs", "bob", false);
        Fx.run(() -> ui.mainViewModel().refreshList());
        Fx.waitUntil("listed", () -> ui.mainViewModel().find("bobs").isPresent());
        clickTunnel("home");
        robot.clickOn("#shared");
        Fx.waitUntil("stored as shared", () -> {
            try {
                return helper.list().stream().anyMatch(t -> t.name().equals("home") && t.shared());
            } catch (dev.wgdesk.app.ipc.IpcException e) {
                return false;
            }
        });
        Fx.waitUntil("box shows it", () -> robot.lookup("#shared").queryAs(org.controlsfx.control.ToggleSwitch.class).isSelected());
        clickTunnel("bobs");
        Fx.waitUntil("read-only", () -> robot.lookup("#shared").queryAs(org.controlsfx.control.ToggleSwitch.class).isDisabled()
                && robot.lookup("#edit").queryButton().isDisabled()
                && robot.lookup("#toggle").queryButton().isDisabled()
                && robot.lookup("#owner").queryAs(javafx.scene.control.Label.class).getText().contains("belongs to bob"));
    }

    @Test
    void activateAndDeactivateFromTheWindow() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false);
        Fx.run(() -> ui.mainViewModel().refreshList());
        Fx.waitUntil("home listed", () -> ui.mainViewModel().find("home").isPresent());
        clickTunnel("home");
        robot.clickOn("#toggle");
        Fx.waitUntil("active", () -> helper.state("home") == TunnelState.ACTIVE
                && ui.mainViewModel().find("home").orElseThrow().state() == TunnelState.ACTIVE);
        Fx.waitUntil("detail shows a handshake", () -> ui.mainViewModel().detailProperty().get().peers().getFirst()
                .stream().anyMatch(f -> f.label().equals("Latest handshake")));
        // Enabled too: the state event can come before the helper's answer, and until the answer
        // the button is disabled (a click on it would be lost).
        Fx.waitUntil("button says Deactivate and is enabled", () -> robot.lookup("#toggle").queryButton().getText()
                .equals("Deactivate") && !robot.lookup("#toggle").queryButton().isDisabled());
        robot.clickOn("#toggle");
        Fx.waitUntil("inactive", () -> helper.state("home") == TunnelState.INACTIVE
                && ui.mainViewModel().find("home").orElseThrow().state() == TunnelState.INACTIVE);
        // The helper answers after its state event; the button must come back by itself, not only
        // at the next detail refresh (a click on a disabled button is lost).
        Fx.waitUntil("button says Activate and is enabled", () -> robot.lookup("#toggle").queryButton().getText()
                .equals("Activate") && !robot.lookup("#toggle").queryButton().isDisabled());
        robot.clickOn("#toggle");
        Fx.waitUntil("active again", () -> helper.state("home") == TunnelState.ACTIVE);
    }

    @Test
    void activateAndDeactivateFromTheTrayMenuModel() throws Exception {
        helper.with("home", Fixtures.fullTunnel(), false).with("office", Fixtures.siteTunnel(), false);
        Fx.run(() -> ui.mainViewModel().refreshList());
        Fx.waitUntil("listed", () -> ui.trayViewModel().model().entries().size() == 2);
        TrayMenuModel m = Fx.call(() -> ui.trayViewModel().model());
        assertEquals(TrayMenuModel.IconState.INACTIVE, m.icon());
        Fx.run(() -> ui.trayViewModel().actions().toggleTunnel("office"));
        Fx.waitUntil("office checked", () -> ui.trayViewModel().model().entries().stream()
                .anyMatch(e -> e.name().equals("office") && e.checked()));
        assertEquals(TunnelState.ACTIVE, helper.state("office"));
        assertEquals(TrayMenuModel.IconState.ACTIVE, Fx.call(() -> ui.trayViewModel().model().icon()));
        Fx.run(() -> ui.trayViewModel().actions().toggleTunnel("office"));
        Fx.waitUntil("office unchecked", () -> ui.trayViewModel().model().entries().stream()
                .noneMatch(TrayMenuModel.Entry::checked));
        assertEquals(TunnelState.INACTIVE, helper.state("office"));
    }

    @Test
    void exportZipAndReimport() throws Exception {
        String home = Fixtures.fullTunnel();
        String office = Fixtures.siteTunnel();
        helper.with("home", home, true).with("office", office, false);
        Fx.run(() -> ui.mainViewModel().refreshList());
        Fx.waitUntil("listed", () -> ui.mainViewModel().tunnels().size() == 2);
        files.nextExport = dir.resolve("backup.zip");
        robot.clickOn("#export");
        robot.clickOn("Export"); // the warning that the zip holds private keys
        Fx.waitUntil("exported", () -> Files.exists(files.nextExport));
        Fx.waitUntil("reported", () -> String.valueOf(ui.mainViewModel().infoProperty().get()).startsWith("Exported 2 tunnels"));

        clickTunnel("office");
        robot.clickOn("#delete");
        robot.clickOn("Delete");
        Fx.waitUntil("office deleted", () -> ui.mainViewModel().find("office").isEmpty());

        files.nextImport.add(files.nextExport);
        robot.clickOn("#import");
        Fx.waitUntil("office back", () -> ui.mainViewModel().find("office").isPresent());
        Fx.waitUntil("report", () -> String.valueOf(ui.mainViewModel().infoProperty().get()).startsWith("Imported 1 of 2"));
        String report = Fx.call(() -> ui.mainViewModel().infoProperty().get());
        assertTrue(report.contains("backup.zip/home.conf") && report.contains("exists"), report);
        assertEquals(office, helper.storedConfig("office"));
    }
}
