package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ui.config.Linter;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.io.Exporter;
import dev.wgdesk.app.ui.io.ImportReport;
import dev.wgdesk.app.ui.io.Importer;
import dev.wgdesk.app.ui.vm.Connection;
import dev.wgdesk.app.ui.vm.EditorViewModel;
import dev.wgdesk.app.ui.vm.LogViewModel;
import dev.wgdesk.app.ui.vm.SettingsViewModel;
import dev.wgdesk.app.ui.vm.MainViewModel;
import dev.wgdesk.app.ui.vm.SystemImportViewModel;
import dev.wgdesk.app.ui.vm.TunnelItem;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Tab;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The main window: a header, the helper banner and message bars, and two tabs. "Tunnels" has the
 * list (with add, import, export and delete below it) and, beside it, the selected tunnel's detail
 * or the editor. "Log" has the helper's log. Files dropped on the window are imported.
 */
public final class MainWindow {
    private final Stage stage;
    private final MainViewModel vm;
    private final LogViewModel logVm;
    private final FileDialogs files;
    private final Executor validation;
    private final Scene scene;
    private final StackPane content = new StackPane();
    private final ListView<TunnelItem> list = new ListView<>();
    private final TabPane tabs = new TabPane();
    private final DetailPane detail;
    private final VBox placeholder;
    private final Label dropHint = new Label(Messages.get("main.drop"));
    private EditorPane editor;

    /** Builds the window's scene on {@code stage} (not shown yet). */
    public MainWindow(Stage stage, MainViewModel vm, LogViewModel logVm, SettingsViewModel settings, FileDialogs files,
                      Executor validation) {
        this.stage = stage;
        this.vm = vm;
        this.logVm = logVm;
        this.files = files;
        this.validation = validation;

        detail = new DetailPane(vm, this::editSelected);
        placeholder = placeholder();

        // Header.
        Label appName = new Label(Messages.get("app.title"));
        appName.getStyleClass().add("app-title");
        Node logo = Icons.SHIELD.node(22);
        logo.getStyleClass().add("app-logo");
        Label conn = new Label();
        conn.getStyleClass().add("connection-chip");
        conn.textProperty().bind(Bindings.createStringBinding(vm::connectionText, vm.connectionProperty()));
        vm.connectionProperty().addListener((o, a, b) -> styleConnection(conn, b));
        styleConnection(conn, vm.connectionProperty().get());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        MenuButton more = settingsMenu(settings);
        MenuItem fromSystem = new MenuItem(Messages.get("main.importSystem"));
        fromSystem.setId("import-system");
        fromSystem.setOnAction(e -> importFromSystem());
        more.getItems().addFirst(fromSystem);
        if (dev.wgdesk.app.ui.io.DesktopOs.current() == dev.wgdesk.app.ui.io.DesktopOs.FREEDESKTOP) {
            MenuItem exclude = new MenuItem(Messages.get("main.exclude"));
            exclude.setId("launch-excluded");
            exclude.setOnAction(e -> launchExcluded());
            more.getItems().add(1, exclude);
        }
        HBox header = new HBox(10, logo, appName, grow, conn, more);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add("app-header");

        // Bars.
        Button retry = new Button(Messages.get("banner.retry"));
        retry.setId("retry");
        retry.setOnAction(e -> vm.retryNow());
        HBox banner = bar("banner", Icons.PLUG, vm.bannerProperty(), retry);
        Button dismissError = closeButton(vm::dismissError);
        HBox errorBar = bar("error-bar", Icons.ERROR, vm.errorProperty(), dismissError);
        errorBar.setId("error-bar");
        Button dismissInfo = closeButton(vm::dismissInfo);
        HBox infoBar = bar("info-bar", Icons.INFO, vm.infoProperty(), dismissInfo);
        infoBar.setId("info-bar");
        VBox top = new VBox(header, banner, errorBar, infoBar);

        // Tunnels tab.
        list.setId("tunnel-list");
        list.setItems(vm.tunnels());
        list.setCellFactory(l -> new TunnelCell());
        list.setAccessibleText(Messages.get("main.list.accessible"));
        Label empty = new Label(Messages.get("main.list.empty"));
        empty.setWrapText(true);
        empty.getStyleClass().add("list-empty");
        // The first start with no tunnels offers those wg-quick and NetworkManager already have.
        Label offer = new Label();
        offer.setWrapText(true);
        offer.getStyleClass().add("list-empty");
        Button offerButton = new Button(Messages.get("main.importSystem"));
        offerButton.setId("offer-import-system");
        offerButton.setOnAction(e -> importFromSystem());
        VBox emptyBox = new VBox(12, empty, offer, offerButton);
        emptyBox.setAlignment(Pos.CENTER);
        Runnable showOffer = () -> {
            int n = vm.systemOfferProperty().get();
            offer.setText(n > 0 ? Messages.get("main.list.systemOffer", n) : "");
            offer.setVisible(n > 0);
            offer.setManaged(n > 0);
            offerButton.setVisible(n > 0);
            offerButton.setManaged(n > 0);
        };
        vm.systemOfferProperty().addListener((o, a, b) -> showOffer.run());
        showOffer.run();
        list.setPlaceholder(emptyBox);
        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null && b != vm.selectedProperty().get()) {
                if (editor != null && !editor.confirmDiscard()) {
                    list.getSelectionModel().select(a);
                    return;
                }
                closeEditor();
                vm.selectedProperty().set(b);
            }
        });
        vm.selectedProperty().addListener((o, a, b) -> {
            if (b != null && list.getSelectionModel().getSelectedItem() != b) {
                list.getSelectionModel().select(b);
            }
            updateContent();
        });
        list.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.DELETE) {
                deleteSelected();
            } else if (e.getCode() == KeyCode.ENTER || e.getCode() == KeyCode.SPACE) {
                TunnelItem t = list.getSelectionModel().getSelectedItem();
                if (t != null && e.getCode() == KeyCode.SPACE) {
                    vm.toggle(t);
                    e.consume();
                } else if (t != null) {
                    editSelected();
                }
            }
        });
        list.setOnMouseClicked(e -> {
            TunnelItem t = list.getSelectionModel().getSelectedItem();
            if (t != null && e.getClickCount() == 2) {
                vm.toggle(t);
            }
        });
        VBox.setVgrow(list, Priority.ALWAYS);
        Button add = iconButton("add", Icons.ADD, "main.add", this::newTunnel);
        Button imp = iconButton("import", Icons.IMPORT, "main.import", this::importWithChooser);
        Button exp = iconButton("export", Icons.EXPORT, "main.export", this::exportWithChooser);
        Button del = iconButton("delete", Icons.DELETE, "main.delete", this::deleteSelected);
        del.disableProperty().bind(vm.selectedProperty().isNull());
        exp.disableProperty().bind(Bindings.isEmpty(vm.tunnels()));
        Region g2 = new Region();
        HBox.setHgrow(g2, Priority.ALWAYS);
        HBox listBar = new HBox(4, add, imp, exp, g2, del);
        listBar.getStyleClass().add("list-toolbar");
        listBar.setAlignment(Pos.CENTER_LEFT);
        VBox sidebar = new VBox(list, listBar);
        sidebar.getStyleClass().add("sidebar");
        sidebar.setPrefWidth(250);
        sidebar.setMinWidth(200);
        content.getStyleClass().add("content");
        dropHint.getStyleClass().add("drop-hint");
        dropHint.setMouseTransparent(true);
        dropHint.setVisible(false);
        dropHint.setMaxSize(Double.MAX_VALUE, Double.MAX_VALUE);
        BorderPane tunnelsPane = new BorderPane(content);
        tunnelsPane.setLeft(sidebar);
        StackPane tunnelsStack = new StackPane(tunnelsPane, dropHint);
        Tab tunnelsTab = new Tab(Messages.get("main.tab.tunnels"), tunnelsStack);
        tunnelsTab.setId("tab-tunnels");
        LogPane logPane = new LogPane(logVm, files, vm::showInfo);
        Tab logTab = new Tab(Messages.get("main.tab.log"), logPane);
        logTab.setId("tab-log");
        logTab.setOnSelectionChanged(e -> {
            if (logTab.isSelected() && !logVm.isLoaded()) {
                logVm.load(vm::showError);
            }
        });
        tabs.getTabs().addAll(tunnelsTab, logTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getStyleClass().add("main-tabs");

        BorderPane root = new BorderPane(tabs);
        root.setTop(top);
        root.getStyleClass().add("app-root");
        scene = new Scene(root, 980, 660);
        scene.getStylesheets().add(Theme.stylesheet());
        installDragAndDrop();
        installShortcuts();
        stage.setScene(scene);
        stage.setTitle(Messages.get("app.title"));
        stage.setMinWidth(720);
        stage.setMinHeight(480);
        updateContent();
    }

    /**
     * "Launch an app outside the tunnel…" (Linux): asks for a command line and starts it through
     * {@code wgdesk exclude} ({@link dev.wgdesk.app.ui.io.ExcludedLaunch}); a launch that fails
     * shows in the error bar.
     */
    private void launchExcluded() {
        javafx.scene.control.TextInputDialog d = new javafx.scene.control.TextInputDialog();
        d.initOwner(stage);
        d.setTitle(Messages.get("main.exclude.title"));
        d.setHeaderText(Messages.get("main.exclude.header"));
        d.getEditor().setId("launch-excluded-command");
        d.getEditor().setPromptText("firefox --new-instance");
        d.showAndWait().map(String::strip).filter(l -> !l.isEmpty()).ifPresent(line -> {
            List<String> argv = dev.wgdesk.app.ui.io.ExcludedLaunch.command(vm.gateway().address(), line);
            Thread.ofVirtual().name("launch-excluded").start(() -> {
                String failure;
                try {
                    failure = dev.wgdesk.app.ui.io.ExcludedLaunch.launch(argv, dev.wgdesk.app.ui.io.ExcludedLaunch.FAILURE_WINDOW);
                } catch (java.io.IOException e) {
                    failure = e.getMessage();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (failure != null) {
                    String f = failure;
                    FxUiThread.INSTANCE.run(() -> vm.showError(Messages.get("main.exclude.failed", f)));
                }
            });
        });
    }

    /** The "⋮" menu in the header: settings that belong to the user, not to the helper. */
    private static MenuButton settingsMenu(SettingsViewModel settings) {
        CheckMenuItem login = new CheckMenuItem(Messages.get("settings.autostart"));
        login.setId("settings-autostart");
        login.setSelected(settings.startAtLoginProperty().get());
        settings.startAtLoginProperty().addListener((o, a, b) -> login.setSelected(b));
        login.disableProperty().bind(settings.startAtLoginAvailableProperty().not().or(settings.busyProperty()));
        login.setOnAction(e -> settings.setStartAtLogin(login.isSelected()));
        MenuButton menu = new MenuButton(null, Icons.MORE.node(18), login);
        menu.setId("settings-menu");
        menu.getStyleClass().add("settings-menu");
        menu.setAccessibleText(Messages.get("settings.menu"));
        menu.setTooltip(new Tooltip(Messages.get("settings.menu")));
        return menu;
    }

    private static void styleConnection(Label chip, Connection c) {
        chip.getStyleClass().removeIf(s -> s.startsWith("conn-"));
        chip.getStyleClass().add("conn-" + c.name().toLowerCase(java.util.Locale.ROOT));
    }

    /*
     * The helper banner, the error bar and the info bar stay plain HBoxes rather than ControlsFX
     * NotificationPanes: a NotificationPane shows one notification at a time, sliding over the content,
     * while these three can show together (helper gone and an error), stay until dismissed, and are
     * read by screen readers in place.
     */
    private static HBox bar(String style, Icons icon, ReadOnlyStringProperty text, Button action) {
        Label l = new Label();
        l.textProperty().bind(text);
        l.setWrapText(true);
        l.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(l, Priority.ALWAYS);
        HBox box = new HBox(10, icon.node(18), l, action);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().addAll("message-bar", style);
        box.visibleProperty().bind(text.isNotNull());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private static Button closeButton(Runnable r) {
        Button b = new Button(null, Icons.CLOSE.node(14));
        b.getStyleClass().add("flat");
        b.setAccessibleText(Messages.get("error.dismiss"));
        b.setTooltip(new Tooltip(Messages.get("error.dismiss")));
        b.setOnAction(e -> r.run());
        return b;
    }

    private static Button iconButton(String id, Icons icon, String key, Runnable action) {
        Button b = new Button(null, icon.node(18));
        b.setId(id);
        b.getStyleClass().addAll("flat", "icon-button");
        b.setTooltip(new Tooltip(Messages.get(key)));
        b.setAccessibleText(Messages.get(key));
        b.setOnAction(e -> action.run());
        return b;
    }

    private VBox placeholder() {
        Node logo = Icons.SHIELD.node(64);
        logo.getStyleClass().add("placeholder-logo");
        Label text = new Label(Messages.get("main.noSelection"));
        text.getStyleClass().add("placeholder-text");
        text.setWrapText(true);
        Button imp = new Button(Messages.get("main.import"), Icons.IMPORT.node(16));
        imp.getStyleClass().add("primary");
        imp.setOnAction(e -> importWithChooser());
        Button add = new Button(Messages.get("main.add"), Icons.ADD.node(16));
        add.setOnAction(e -> newTunnel());
        HBox buttons = new HBox(10, imp, add);
        buttons.setAlignment(Pos.CENTER);
        VBox box = new VBox(16, logo, text, buttons);
        box.setAlignment(Pos.CENTER);
        box.getStyleClass().add("placeholder");
        return box;
    }

    private void updateContent() {
        Node show = editor != null ? editor : vm.selectedProperty().get() != null ? detail : placeholder;
        if (content.getChildren().size() != 1 || content.getChildren().getFirst() != show) {
            content.getChildren().setAll(show);
        }
    }

    /* ---------- editor ---------- */

    private Linter.Context lintContext(String editing) {
        Map<String, String> others = new HashMap<>();
        vm.knownPublicKeys().forEach((name, key) -> {
            if (!name.equals(editing)) {
                others.put(key, name);
            }
        });
        return new Linter.Context(others, Linter.DEFAULT_PATH_MTU);
    }

    /** Opens the editor on a new tunnel with a fresh key. */
    public void newTunnel() {
        if (editor != null && !editor.confirmDiscard()) {
            return;
        }
        openEditor(null, EditorViewModel.newTunnelText(), "");
    }

    /** Opens the editor on the selected tunnel. */
    public void editSelected() {
        TunnelItem item = vm.selectedProperty().get();
        if (item == null) {
            return;
        }
        String name = item.name();
        vm.tunnels().forEach(t -> {
            if (t.summary() == null) {
                vm.loadSummary(t);
            }
        });
        vm.tasks().run(() -> vm.gateway().getConfig(name), text -> openEditor(name, text, name), e -> vm.showError(e.getMessage()));
    }

    private void openEditor(String original, String text, String suggestedName) {
        EditorViewModel evm = new EditorViewModel(vm.gateway(), vm.tasks(), validation,
                () -> lintContext(original), original, text, saved -> {
                    closeEditor();
                    vm.saved(saved);
                });
        if (original == null && !suggestedName.isEmpty()) {
            evm.suggestName(suggestedName);
        }
        editor = new EditorPane(evm, this::closeEditor);
        updateContent();
        tabs.getSelectionModel().selectFirst();
        editor.focusText();
    }

    private void closeEditor() {
        if (editor != null) {
            editor = null;
            updateContent();
        }
    }

    /** The open editor, or null. */
    EditorPane editor() {
        return editor;
    }

    /* ---------- import, export, delete ---------- */

    /** "Import from this computer…": shows the tunnels wg-quick and NetworkManager have, to import copies. */
    public SystemImportDialog importFromSystem() {
        SystemImportDialog d = new SystemImportDialog(stage, new SystemImportViewModel(vm));
        d.show();
        return d;
    }

    /** Opens the import chooser and imports what the user picks. */
    public void importWithChooser() {
        List<Path> chosen = files.chooseImport(stage);
        if (!chosen.isEmpty()) {
            importFiles(chosen);
        }
    }

    /** Imports files (from the chooser, a drop, or the command line). */
    public void importFiles(List<Path> paths) {
        vm.tasks().run(() -> new Importer(vm.gateway()).importFiles(paths), this::reportImport,
                e -> vm.showError(e.getMessage()));
    }

    private void reportImport(ImportReport r) {
        if (r.failures().isEmpty() && r.warnings().isEmpty()) {
            vm.showInfo(r.summary());
        } else {
            vm.showInfo(r.details());
        }
        if (!r.imported().isEmpty()) {
            vm.saved(r.imported().getFirst());
        }
    }

    /**
     * Opens a .conf the OS handed to the app (double-click) as a preview in the editor: saving it
     * imports it.
     */
    public void openForImport(Path file) {
        String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
        if (fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
            importFiles(List.of(file));
            return;
        }
        String name = fileName.endsWith(".conf") ? fileName.substring(0, fileName.length() - 5) : fileName;
        vm.tasks().run(() -> {
            if (Files.size(file) > Importer.MAX_CONFIG_BYTES) {
                throw new java.io.IOException(Messages.get("import.tooLarge"));
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        }, text -> openEditor(null, text, name), e -> vm.showError(fileName + ": " + e.getMessage()));
    }

    /** Asks, then exports every tunnel to a zip the user picks. */
    public void exportWithChooser() {
        ButtonType ok = new ButtonType(Messages.get("export.confirm.ok"), ButtonBar.ButtonData.OK_DONE);
        if (!Dialogs.confirm(stage, Messages.get("export.confirm.title"), Messages.get("export.confirm.text"), ok,
                ButtonType.CANCEL)) {
            return;
        }
        files.chooseExport(stage).ifPresent(zip -> vm.tasks().run(() -> new Exporter(vm.gateway()).exportAll(zip),
                n -> vm.showInfo(Messages.get("export.done", n, zip.toString())),
                e -> vm.showError(Messages.get("export.failed", e.getMessage()))));
    }

    /** Asks, then deletes the selected tunnel. */
    public void deleteSelected() {
        TunnelItem item = vm.selectedProperty().get();
        if (item == null) {
            return;
        }
        ButtonType ok = new ButtonType(Messages.get("delete.confirm.ok"), ButtonBar.ButtonData.OK_DONE);
        if (Dialogs.confirm(stage, Messages.get("delete.confirm.title"), Messages.get("delete.confirm.text", item.name()),
                ok, ButtonType.CANCEL)) {
            closeEditor();
            vm.delete(item);
        }
    }

    private void installDragAndDrop() {
        scene.addEventFilter(DragEvent.DRAG_OVER, e -> {
            if (e.getDragboard().hasFiles() && e.getDragboard().getFiles().stream().map(File::toPath).anyMatch(Importer::accepts)) {
                e.acceptTransferModes(TransferMode.COPY);
                dropHint.setVisible(true);
            }
        });
        scene.addEventFilter(DragEvent.DRAG_EXITED_TARGET, e -> dropHint.setVisible(false));
        scene.addEventFilter(DragEvent.DRAG_DROPPED, e -> {
            dropHint.setVisible(false);
            if (e.getDragboard().hasFiles()) {
                List<Path> dropped = e.getDragboard().getFiles().stream().map(File::toPath).toList();
                e.setDropCompleted(true);
                e.consume();
                tabs.getSelectionModel().selectFirst();
                importFiles(dropped);
            }
        });
    }

    private void installShortcuts() {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN), this::newTunnel);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), this::importWithChooser);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN), this::editSelected);
    }

    /** The scene. */
    public Scene scene() {
        return scene;
    }

    /** The stage. */
    public Stage stage() {
        return stage;
    }

    /** Shows the Log tab. */
    public void showLog() {
        tabs.getSelectionModel().select(1);
    }

    /** Shows the Tunnels tab. */
    public void showTunnels() {
        tabs.getSelectionModel().select(0);
    }
}
