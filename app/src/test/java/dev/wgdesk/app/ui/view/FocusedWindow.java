package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import javafx.stage.Stage;
import org.testfx.api.FxToolkit;

/**
 * The app's main window for a view test: shown on a TestFX stage (English, light theme, no tray,
 * scripted file dialogs) with one tunnel selected and the window focused, as a user who has just
 * clicked it. Skips the test without a display (fails in strict mode).
 */
record FocusedWindow(Stage stage, WgDeskUi ui) {
    /** Shows the app for {@code helper}, waits until {@code selected} is the selected tunnel and the window has focus. */
    static FocusedWindow show(HelperGateway helper, String selected) throws Exception {
        Fx.requireDisplay();
        Messages.useLocale(Locale.ROOT);
        Stage stage = FxToolkit.registerStage(Stage::new);
        WgDeskUi ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(helper, new ScriptedFileDialogs(),
                Clock.systemUTC(), false, Theme.Mode.LIGHT, List.of())));
        Fx.waitUntil(selected + " selected", () -> ui.mainViewModel().detailProperty().get() != null
                && ui.mainViewModel().detailProperty().get().name().equals(selected));
        Fx.run(() -> {
            stage.toFront();
            stage.requestFocus();
        });
        Fx.waitUntil("window focused", stage::isFocused);
        return new FocusedWindow(stage, ui);
    }

    /** Shuts the app down (tunnels keep running in the fake helper) and closes its window. */
    void close() throws Exception {
        Fx.run(() -> {
            ui.shutdown();
            stage.close();
        });
    }
}
