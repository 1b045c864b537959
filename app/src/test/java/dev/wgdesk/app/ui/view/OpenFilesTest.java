package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.gateway.DemoData;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.io.OpenRequests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/**
 * A file the OS hands over while the app's window is hidden (a macOS open-file event, routed
 * as {@link WgDeskApp} does) brings the window up with the file as an import preview in the editor.
 */
class OpenFilesTest {
    @TempDir
    Path dir;

    @Test
    void anOpenFileEventShowsTheImportPreview() throws Exception {
        Fx.requireDisplay();
        Messages.useLocale(Locale.ROOT);
        String text = Fixtures.fullTunnel();
        Path conf = Files.writeString(dir.resolve("office.conf"), text);
        OpenRequests requests = new OpenRequests();
        requests.open(List.of(conf)); // arrives before the UI exists
        Stage stage = FxToolkit.registerStage(Stage::new);
        WgDeskUi ui = Fx.call(() -> WgDeskUi.show(stage, new WgDeskUi.Options(DemoData.gateway(Clock.systemUTC()),
                FileDialogs.native_(), Clock.systemUTC(), false, Theme.Mode.LIGHT, List.of(), true)));
        try {
            Fx.run(stage::hide); // as when working from the tray
            requests.setTarget(files -> FxUiThread.INSTANCE.run(() -> ui.openFiles(files)));
            Fx.waitUntil("preview open", () -> {
                try {
                    return Fx.call(() -> ui.window().editor() != null);
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(Fx.call(stage::isShowing), "the window comes up for the file");
            var editor = Fx.call(() -> ui.window().editor().viewModel());
            assertTrue(Fx.call(editor::isNew), "a preview of a new tunnel, not yet imported");
            assertEquals("office", Fx.call(() -> editor.nameProperty().get()));
            assertEquals(text, Fx.call(() -> editor.textProperty().get()));
        } finally {
            Fx.run(() -> {
                ui.shutdown();
                javafx.application.Platform.setImplicitExit(false);
                stage.close();
            });
        }
    }
}
