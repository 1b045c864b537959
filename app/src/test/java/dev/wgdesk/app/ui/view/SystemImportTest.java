package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.gateway.DemoData;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * "Import from this computer…" in a real window against the fake helper holding two tunnels "on the
 * computer" (a wg-quick file that is up, a NetworkManager connection): the first start with no
 * tunnels offers them, the dialog previews them without keys, importing makes a copy that the list
 * shows, a copy of the original that is up is not activated, and a user who is not root is told why
 * they cannot import.
 */
class SystemImportTest {
    private Stage stage;
    private WgDeskUi ui;
    private final FxRobot robot = new FxRobot();

    private void start(FakeHelperGateway helper) throws Exception {
        Fx.requireDisplay();
        Messages.useLocale(Locale.ROOT);
        stage = FxToolkit.registerStage(Stage::new);
        ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(helper, new ScriptedFileDialogs(), Clock.systemUTC(),
                false, Theme.Mode.LIGHT, List.of())));
        Fx.waitUntil("connected", () -> ui.mainViewModel().connectionProperty().get()
                == dev.wgdesk.app.ui.vm.Connection.CONNECTED);
        Fx.run(stage::toFront);
    }

    @BeforeEach
    void locale() {
        Messages.useLocale(Locale.ROOT);
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

    @Test
    void theFirstStartOffersTheTunnelsOnTheComputerAndImportsACopy() throws Exception {
        String datacentre = DemoData.datacentre();
        FakeHelperGateway helper = new FakeHelperGateway(Clock.systemUTC())
                .withSystemTunnel("wg-quick", "/etc/wireguard/datacentre.conf", "datacentre", "datacentre", true,
                        datacentre, List.of(), true)
                .withSystemTunnel("networkmanager", "/etc/NetworkManager/system-connections/Travel VPN.nmconnection",
                        "Travel-VPN", "wg-travel", false, DemoData.travel(),
                        List.of("Travel VPN.nmconnection:5:1: [connection] autoconnect: not imported"), true);
        start(helper);
        Fx.waitUntil("the offer", () -> robot.lookup("#offer-import-system").tryQuery().map(n -> n.isVisible()).orElse(false));
        assertTrue(robot.lookup(".list-empty").queryAllAs(javafx.scene.control.Label.class).stream()
                .anyMatch(l -> l.getText().equals("2 WireGuard tunnels were found on this computer (wg-quick or NetworkManager).")));
        robot.clickOn("#offer-import-system");
        Fx.waitUntil("both listed", () -> robot.lookup("#system-list").tryQueryAs(ListView.class)
                .map(l -> l.getItems().size() == 2).orElse(false));
        // the first importable one is selected: the wg-quick file, up now
        Fx.waitUntil("preview", () -> !robot.lookup("#system-preview").queryAs(TextArea.class).getText().isEmpty());
        String preview = robot.lookup("#system-preview").queryAs(TextArea.class).getText();
        assertTrue(preview.contains("PrivateKey = (hidden)") && preview.contains("PresharedKey = (hidden)"), preview);
        assertTrue(preview.contains("Endpoint = 192.0.2.60:51820"), preview);
        for (String secret : List.of("PrivateKey", "PresharedKey")) {
            String line = datacentre.lines().filter(l -> l.startsWith(secret)).findFirst().orElseThrow();
            assertFalse(preview.contains(line.substring(line.indexOf('=') + 2)), secret + " shown");
        }
        assertTrue(robot.lookup("#system-notes").queryAs(javafx.scene.control.Label.class).getText()
                .startsWith(Messages.get("system.upWarning")));
        assertEquals("datacentre", robot.lookup("#system-name").queryAs(TextField.class).getText());

        // a copy under another name
        Fx.run(() -> robot.lookup("#system-name").queryAs(TextField.class).setText("dc"));
        robot.clickOn("#system-import");
        Fx.waitUntil("copy listed", () -> ui.mainViewModel().find("dc").isPresent());
        Fx.waitUntil("done said", () -> robot.lookup("#system-status").queryAs(javafx.scene.control.Label.class).getText()
                .equals("Imported a copy of /etc/wireguard/datacentre.conf as \u201cdc\u201d. The original is unchanged."));
        Fx.waitUntil("marked imported", () -> robot.lookup("#system-list").queryAs(ListView.class).getItems().stream()
                .anyMatch(t -> "dc".equals(((dev.wgdesk.app.ipc.SystemTunnel) t).importedAs())));

        // the original is up: activating the copy is refused with the reason
        Fx.run(() -> ui.mainViewModel().activate(ui.mainViewModel().find("dc").orElseThrow()));
        Fx.waitUntil("refused", () -> ui.mainViewModel().errorProperty().get() != null);
        assertTrue(ui.mainViewModel().errorProperty().get().contains("is a copy of /etc/wireguard/datacentre.conf, which is up now"),
                ui.mainViewModel().errorProperty().get());
        assertEquals(TunnelState.INACTIVE, helper.state("dc"));

        // the NetworkManager connection, with its default name
        Fx.run(() -> robot.lookup("#system-list").queryAs(ListView.class).getSelectionModel().select(1));
        Fx.waitUntil("NM selected", () -> robot.lookup("#system-name").queryAs(TextField.class).getText().equals("Travel-VPN"));
        assertTrue(robot.lookup("#system-notes").queryAs(javafx.scene.control.Label.class).getText().contains("autoconnect"));
        robot.clickOn("#system-import");
        Fx.waitUntil("copy listed", () -> ui.mainViewModel().find("Travel-VPN").isPresent());
        Fx.run(() -> ui.mainViewModel().activate(ui.mainViewModel().find("Travel-VPN").orElseThrow()));
        Fx.waitUntil("its original is not up: active", () -> helper.state("Travel-VPN") == TunnelState.ACTIVE);
    }

    @Test
    void aMemberSeesWhyTheyCannotImport() throws Exception {
        FakeHelperGateway helper = new FakeHelperGateway(Clock.systemUTC()).withSystemTunnel("wg-quick",
                "/etc/wireguard/lab.conf", "lab", "lab", false, DemoData.office(), List.of(), false);
        start(helper);
        SystemImportDialog d = Fx.call(() -> ui.window().importFromSystem());
        Fx.waitUntil("listed", () -> robot.lookup("#system-list").tryQueryAs(ListView.class)
                .map(l -> l.getItems().size() == 1).orElse(false));
        Fx.waitUntil("reason shown", () -> robot.lookup("#system-notes").queryAs(javafx.scene.control.Label.class).getText()
                .startsWith("only root can import tunnels from the system's files"));
        assertTrue(robot.lookup("#system-import").queryAs(Button.class).isDisabled());
        Fx.run(() -> d.dialog().close());
    }
}
