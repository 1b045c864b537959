package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ui.gateway.DemoData;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.gateway.IpcHelperGateway;
import dev.wgdesk.app.ui.io.OpenRequests;
import dev.wgdesk.app.ui.io.SingleInstance;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import javafx.application.Application;
import javafx.stage.Stage;

/**
 * The JavaFX application. {@link UiArgs} describes its arguments. Started by
 * {@link dev.wgdesk.app.ui.UiMain}, which makes it the one running instance for its helper.
 */
public final class WgDeskApp extends Application {
    private static volatile SingleInstance instance;
    private static volatile OpenRequests openRequests;
    private WgDeskUi ui;

    @Override
    public void start(Stage stage) {
        UiArgs a = UiArgs.parse(getParameters().getRaw(), System.err);
        HelperGateway gateway = a.demo() ? DemoData.gateway(Clock.systemDefaultZone()) : new IpcHelperGateway(a.socket());
        ui = WgDeskUi.show(stage, new WgDeskUi.Options(gateway, FileDialogs.native_(), Clock.systemDefaultZone(), a.tray(),
                a.theme(), a.open(), a.hidden()));
        StartupTimer.windowShown(stage);
        SingleInstance running = instance;
        if (running != null) {
            WgDeskUi shown = ui;
            running.setHandler(new SingleInstance.Handler() {
                @Override
                public void show() {
                    FxUiThread.INSTANCE.run(shown::showWindow);
                }

                @Override
                public void open(List<Path> files) {
                    FxUiThread.INSTANCE.run(() -> shown.openFiles(files));
                }
            });
        }
        OpenRequests requests = openRequests;
        if (requests != null) {
            WgDeskUi shown = ui;
            requests.setTarget(files -> FxUiThread.INSTANCE.run(() -> shown.openFiles(files)));
        }
    }

    /**
     * Files the OS asks to open while the app runs (macOS open-file events) go to the import
     * preview. Called by {@link dev.wgdesk.app.ui.UiMain} before launching.
     */
    public static void receiveOpenRequests(OpenRequests requests) {
        openRequests = requests;
    }

    /**
     * Runs the app as the one instance for its helper: later starts hand their request to it.
     * Called by {@link dev.wgdesk.app.ui.UiMain} before launching.
     */
    public static void runAsInstance(SingleInstance claimed) {
        instance = claimed;
    }

    @Override
    public void stop() {
        if (ui != null) {
            ui.shutdown();
        }
        SingleInstance running = instance;
        if (running != null) {
            running.close();
        }
    }
}
