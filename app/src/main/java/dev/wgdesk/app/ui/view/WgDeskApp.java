package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ipc.IpcProtocol;
import dev.wgdesk.app.ui.gateway.DemoData;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.gateway.IpcHelperGateway;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.application.Application;
import javafx.stage.Stage;

/**
 * The JavaFX application. Arguments: {@code --demo} (an in-process fake helper with two tunnels),
 * {@code --socket PATH}, {@code --theme light|dark|system}, {@code --no-tray}, {@code --hidden}
 * (start in the tray; the window shows anyway when there is no tray), and file paths of
 * .conf/.zip files to open. Unknown options are reported on standard error and ignored. Started by {@link dev.wgdesk.app.ui.UiMain}.
 */
public final class WgDeskApp extends Application {
    private WgDeskUi ui;

    @Override
    public void start(Stage stage) {
        List<String> args = getParameters().getRaw();
        boolean demo = false;
        boolean tray = true;
        boolean hidden = false;
        Path socket = IpcProtocol.defaultSocket();
        Theme.Mode theme = Theme.Mode.SYSTEM;
        List<Path> open = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--demo" -> demo = true;
                case "--no-tray" -> tray = false;
                case "--hidden" -> hidden = true;
                case "--socket" -> {
                    if (i + 1 < args.size()) {
                        socket = Path.of(args.get(++i));
                    } else {
                        System.err.println("wgdesk: --socket needs a path; using " + socket);
                    }
                }
                case "--theme" -> {
                    String v = i + 1 < args.size() ? args.get(++i) : "";
                    try {
                        theme = Theme.Mode.valueOf(v.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        System.err.println("wgdesk: --theme " + v + ": expected light, dark or system; following the OS");
                    }
                }
                default -> {
                    if (!a.startsWith("--")) {
                        open.add(Path.of(a));
                    } else {
                        System.err.println("wgdesk: unknown option " + a + " (ignored)");
                    }
                }
            }
        }
        HelperGateway gateway = demo ? DemoData.gateway(Clock.systemDefaultZone()) : new IpcHelperGateway(socket);
        ui = WgDeskUi.show(stage, new WgDeskUi.Options(gateway, FileDialogs.native_(), Clock.systemDefaultZone(), tray,
                theme, open, hidden));
        StartupTimer.windowShown(stage);
    }

    @Override
    public void stop() {
        if (ui != null) {
            ui.shutdown();
        }
    }
}
