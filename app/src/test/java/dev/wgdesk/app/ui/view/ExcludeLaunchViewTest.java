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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * The window's "⋮" menu has "Launch an app outside the tunnel…" on Linux; the command typed there
 * goes to the launcher, and a launch that fails (here: the demo gateway's address is no helper
 * socket, so {@code wgdesk exclude} cannot reach a helper) shows in the error bar with the
 * launcher's own message.
 */
class ExcludeLaunchViewTest {
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

    @Test
    void aLaunchThatFailsShowsTheLaunchersMessage() throws Exception {
        Assumptions.assumeTrue(dev.wgdesk.app.ui.io.DesktopOs.current() == dev.wgdesk.app.ui.io.DesktopOs.FREEDESKTOP,
                "the entry exists on Linux only");
        robot.clickOn("#settings-menu");
        robot.clickOn(Messages.get("main.exclude"));
        Fx.waitUntil("the dialog", () -> robot.lookup("#launch-excluded-command").tryQuery().isPresent());
        robot.clickOn("#launch-excluded-command").write("true");
        robot.type(KeyCode.ENTER);
        Fx.waitUntil("the error bar", 30, () -> ui.mainViewModel().errorProperty().get() != null);
        String error = Fx.call(() -> ui.mainViewModel().errorProperty().get());
        assertTrue(error.startsWith("Could not launch the app outside the tunnel: wgdesk: "), error);
    }
}
