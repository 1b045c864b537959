package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.io.Autostart;
import dev.wgdesk.app.ui.tray.Tray;
import dev.wgdesk.app.ui.tray.TrayViewModel;
import dev.wgdesk.app.ui.tray.Trays;
import dev.wgdesk.app.ui.vm.LogViewModel;
import dev.wgdesk.app.ui.vm.MainViewModel;
import dev.wgdesk.app.ui.vm.Scheduler;
import dev.wgdesk.app.ui.vm.SettingsViewModel;
import dev.wgdesk.app.ui.vm.Tasks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.stage.Stage;

/**
 * Puts the app together on a stage: view models, main window, theme, tray (or the no-tray
 * fallback) and the connection to the helper. Used by {@link WgDeskApp}, the UI tests and the
 * screenshot script, which pass a fake gateway.
 */
public final class WgDeskUi {

    /**
     * What to build with.
     *
     * @param gateway  the helper
     * @param files    the file choosers
     * @param clock    time source for relative times
     * @param useTray  try to install a tray icon (tests and screenshots say no)
     * @param theme    light, dark, or follow the OS
     * @param open     files the OS asked the app to open (.conf preview, .zip import)
     * @param startHidden start in the tray without showing the window (the login autostart); the
     *                 window is shown anyway when no tray turns out to exist
     * @param autostart the "start at login" entry the settings menu edits
     */
    public record Options(HelperGateway gateway, FileDialogs files, Clock clock, boolean useTray, Theme.Mode theme,
                          List<Path> open, boolean startHidden, Autostart autostart) {
        /** Copies the list. */
        public Options {
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(files, "files");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(theme, "theme");
            Objects.requireNonNull(autostart, "autostart");
            open = List.copyOf(open);
        }

        /** Options with the current user's autostart entry. */
        public Options(HelperGateway gateway, FileDialogs files, Clock clock, boolean useTray, Theme.Mode theme,
                       List<Path> open, boolean startHidden) {
            this(gateway, files, clock, useTray, theme, open, startHidden, Autostart.forCurrentUser());
        }

        /** Options for an app that shows its window at once. */
        public Options(HelperGateway gateway, FileDialogs files, Clock clock, boolean useTray, Theme.Mode theme,
                       List<Path> open) {
            this(gateway, files, clock, useTray, theme, open, false, Autostart.forCurrentUser());
        }
    }

    private final Stage stage;
    private final MainViewModel main;
    private final LogViewModel log;
    private final SettingsViewModel settings;
    private final TrayViewModel trayVm;
    private final MainWindow window;
    private final ExecutorService background;
    /** Set by {@link #shutdown()}: a tray that disappears afterwards is expected, not lost. */
    private volatile boolean shutDown;
    private final ExecutorService validation;
    private volatile Tray tray;
    private boolean trayChecked;

    private WgDeskUi(Stage stage, Options o) {
        this.stage = stage;
        background = Tasks.backgroundPool();
        validation = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wgdesk-ui-validation");
            t.setDaemon(true);
            return t;
        });
        Tasks tasks = new Tasks(background, FxUiThread.INSTANCE);
        main = new MainViewModel(o.gateway(), tasks, Scheduler.daemon("wgdesk-ui-scheduler"), o.clock());
        log = new LogViewModel(o.gateway(), tasks, ZoneId.systemDefault());
        main.setLogSink(log::append);
        settings = new SettingsViewModel(o.autostart(), tasks, main::showError);
        window = new MainWindow(stage, main, log, settings, o.files(), validation);
        trayVm = new TrayViewModel(main, this::showWindow, () -> {
            showWindow();
            window.importWithChooser();
        }, () -> {
            showWindow();
            window.importFromSystem();
        }, this::quit);
        Theme.apply(window.scene(), o.theme());
        // With the window hidden (working from the tray), a failure would otherwise go unseen.
        main.errorProperty().addListener((obs, was, now) -> {
            Tray t = tray;
            if (now != null && t != null && (!stage.isShowing() || stage.isIconified())) {
                t.notify(Messages.get("notify.error.title"), now, true);
            }
        });
        // A tunnel activated from the tray that did not come up: say why (issue 14).
        main.noticeProperty().addListener((obs, was, now) -> {
            Tray t = tray;
            if (now != null && t != null) {
                t.notify(now.title(), now.body(), true);
            }
        });
    }

    /** Builds the app on {@code stage}, shows it, and starts connecting. Call on the FX thread. */
    public static WgDeskUi show(Stage stage, Options o) {
        WgDeskUi ui = new WgDeskUi(stage, o);
        stage.setOnCloseRequest(e -> {
            if (ui.tray != null) {
                e.consume();
                stage.hide();
            } else {
                ui.quit();
            }
        });
        boolean hidden = o.startHidden() && o.useTray() && o.open().isEmpty();
        if (!hidden) {
            stage.show();
        }
        ui.main.start();
        ui.settings.load();
        o.open().forEach(ui.window::openForImport);
        if (o.useTray()) {
            ui.installTray(Trays.Choice.configured());
        } else {
            ui.trayChecked = true;
        }
        return ui;
    }

    private void installTray(Trays.Choice choice) {
        Platform.setImplicitExit(false);
        background.execute(() -> {
            Optional<Tray> t = Trays.install(choice, trayVm.actions(), FxUiThread.INSTANCE, this::trayLost);
            FxUiThread.INSTANCE.run(() -> {
                trayChecked = true;
                if (shutDown) { // quit while the tray was being installed: it goes too, no window
                    t.ifPresent(Tray::remove);
                    return;
                }
                if (t.isPresent()) {
                    tray = t.get();
                    tray.show(trayVm.model());
                    trayVm.modelProperty().addListener((o, a, b) -> {
                        Tray current = tray;
                        if (current != null) {
                            current.show(b);
                        }
                    });
                } else {
                    Platform.setImplicitExit(true);
                    showWindow();
                    main.showInfo(Messages.get("tray.unavailable"));
                }
            });
        });
    }

    /** The desktop's tray went away while the app was running: never stay invisible. */
    private void trayLost() {
        if (shutDown) {
            return; // the tray going away is part of quitting (its bus connection closes)
        }
        Tray lost = tray;
        tray = null;
        if (lost != null) {
            background.execute(lost::remove);
        }
        Platform.setImplicitExit(true);
        showWindow();
        main.showInfo(Messages.get("tray.lost"));
    }

    /** Shows and raises the main window. */
    public void showWindow() {
        stage.show();
        stage.setIconified(false);
        stage.toFront();
    }

    /**
     * Shows the window and opens {@code files} the OS handed over: a .conf as an import preview
     * in the editor, a .zip imported. Call on the FX thread.
     */
    public void openFiles(List<Path> files) {
        showWindow();
        files.forEach(window::openForImport);
    }

    /** Quits: says how many tunnels stay active in the helper, then exits. Tunnels keep running. */
    public void quit() {
        long active = main.activeCount();
        Tray t = tray;
        if (active > 0 && !stage.isShowing() && t != null) {
            t.notify(Messages.get("app.title"), Messages.get("main.quitting", active), false);
        } else if (active > 0 && stage.isShowing()) {
            Alert a = new Alert(Alert.AlertType.INFORMATION, Messages.get("main.quitting", active), ButtonType.OK);
            a.initOwner(stage);
            a.setTitle(Messages.get("app.title"));
            a.setHeaderText(null);
            a.getDialogPane().getStylesheets().setAll(stage.getScene().getStylesheets());
            a.showAndWait();
        }
        shutdown();
        Platform.exit();
    }

    /** Stops background work and closes the connection (tunnels keep running). */
    public void shutdown() {
        shutDown = true;
        main.close();
        Tray t = tray;
        tray = null;
        if (t != null) {
            t.remove();
        }
        background.shutdownNow();
        validation.shutdownNow();
    }

    /** The main view model. */
    public MainViewModel mainViewModel() {
        return main;
    }

    /** The log view model. */
    public LogViewModel logViewModel() {
        return log;
    }

    /** The settings view model. */
    public SettingsViewModel settingsViewModel() {
        return settings;
    }

    /** The tray's view model (its menu model and actions). */
    public TrayViewModel trayViewModel() {
        return trayVm;
    }

    /** The main window. */
    public MainWindow window() {
        return window;
    }

    /** True once the tray was installed or found missing. */
    public boolean trayChecked() {
        return trayChecked;
    }

    /** True when a tray icon is shown. */
    public boolean hasTray() {
        return tray != null;
    }

    /** The tray in use, if any. */
    public Optional<Tray> tray() {
        return Optional.ofNullable(tray);
    }
}
