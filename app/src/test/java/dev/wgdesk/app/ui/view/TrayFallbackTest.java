package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.gateway.DemoData;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.engine.testing.Requirements;
import java.awt.SystemTray;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * Without a system tray (Xvfb has none, nor has GNOME without the AppIndicator extension) the app
 * keeps its window, says why, and quits when the window is closed, instead of vanishing.
 */
class TrayFallbackTest {
    @Test
    void noTrayKeepsTheWindowAndSaysSo() throws Exception {
        Fx.requireDisplay();
        Requirements.require(!SystemTray.isSupported(), "this desktop has a tray: the no-tray fallback cannot be shown");
        Messages.useLocale(Locale.ROOT);
        // On a desktop session bus without a tray host, don't wait the login grace period.
        System.setProperty("wgdesk.tray.wait", "300");
        Stage stage = FxToolkit.registerStage(Stage::new);
        WgDeskUi ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(DemoData.gateway(Clock.systemUTC()),
                FileDialogs.native_(), Clock.systemUTC(), true, Theme.Mode.SYSTEM, List.of())));
        try {
            Fx.waitUntil("tray checked", ui::trayChecked);
            assertFalse(Fx.call(ui::hasTray));
            assertTrue(Fx.call(stage::isShowing), "the window stays open");
            String info = Fx.call(() -> ui.mainViewModel().infoProperty().get());
            assertTrue(info != null && info.contains("No system tray"), String.valueOf(info));
            assertTrue(Fx.call(javafx.application.Platform::isImplicitExit), "closing the window quits");
        } finally {
            System.clearProperty("wgdesk.tray.wait");
            Fx.run(() -> {
                ui.shutdown();
                javafx.application.Platform.setImplicitExit(false); // keep the toolkit for the next tests
                stage.close();
            });
        }
    }
}
