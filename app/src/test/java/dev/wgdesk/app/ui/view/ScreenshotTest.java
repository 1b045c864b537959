package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.gateway.DemoData;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * The screenshot script's engine: starts the app against the demo helper (two tunnels, one
 * active) and saves PNGs of the main window, the editor with an error, and the log view, in light
 * and dark. Runs only when {@code -Dwgdesk.screenshots=DIR} is given (see
 * {@code app/src/test/screenshots/screenshots.sh}).
 */
class ScreenshotTest {

    @Test
    void screenshots() throws Exception {
        String dir = System.getProperty("wgdesk.screenshots");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "set -Dwgdesk.screenshots=DIR to take screenshots");
        Fx.requireDisplay();
        Messages.useLocale(Locale.ROOT);
        Path out = Path.of(dir);
        for (Theme.Mode mode : List.of(Theme.Mode.LIGHT, Theme.Mode.DARK)) {
            String suffix = mode == Theme.Mode.DARK ? "-dark" : "";
            FakeHelperGateway helper = DemoData.gateway(Clock.systemDefaultZone());
            FileDialogs none = new FileDialogs() {
                @Override
                public List<Path> chooseImport(Window owner) {
                    return List.of();
                }

                @Override
                public Optional<Path> chooseExport(Window owner) {
                    return Optional.empty();
                }

                @Override
                public Optional<Path> chooseLogFile(Window owner) {
                    return Optional.empty();
                }
            };
            Stage stage = FxToolkit.registerStage(Stage::new);
            WgDeskUi ui = Fx.call(() -> WgDeskUi.show(stage,
                    new WgDeskUi.Options(helper, none, Clock.systemDefaultZone(), false, mode, List.of())));
            var vm = ui.mainViewModel();
            Fx.waitUntil("home listed and active", () -> vm.find("home").map(t -> t.state() == TunnelState.ACTIVE).orElse(false));
            Fx.waitUntil("home detail with peers", () -> vm.detailProperty().get() != null
                    && !vm.detailProperty().get().peers().isEmpty());
            Fx.settle();
            Fx.snapshot(stage.getScene(), out.resolve("main-window" + suffix + ".png"));

            Fx.run(() -> ui.window().editSelected());
            Fx.waitUntil("editor open", () -> ui.window().editor() != null);
            Fx.run(() -> {
                var evm = ui.window().editor().viewModel();
                evm.textProperty().set(evm.textProperty().get()
                        .replace("AllowedIPs = 0.0.0.0/0, ::/0", "AllowedIPs = 0.0.0.0/0, ::/0, 10.8.0.0/33")
                        .replace("DNS = 10.8.0.1", "DNS = 10.8.0.1, 1.1.1.1"));
            });
            Fx.waitUntil("error shown", () -> ui.window().editor().viewModel().errorCountProperty().get() == 1);
            Fx.settle();
            Fx.snapshot(stage.getScene(), out.resolve("editor-error" + suffix + ".png"));

            Fx.run(() -> ui.window().editor().viewModel().revert());
            Fx.run(() -> ui.window().editor().requestClose());
            Fx.run(() -> ui.window().showLog());
            Fx.waitUntil("log loaded", () -> !ui.logViewModel().entries().isEmpty());
            Fx.settle();
            Fx.snapshot(stage.getScene(), out.resolve("log-view" + suffix + ".png"));
            Fx.run(() -> {
                ui.shutdown();
                stage.close();
            });
        }
    }
}
