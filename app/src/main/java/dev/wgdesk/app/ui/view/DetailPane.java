package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ipc.OnDemandRule;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.vm.Formats;
import dev.wgdesk.app.ui.vm.MainViewModel;
import dev.wgdesk.app.ui.vm.OnDemandViewModel;
import dev.wgdesk.app.ui.vm.QrCodeViewModel;
import dev.wgdesk.app.ui.vm.TunnelDetail;
import dev.wgdesk.app.ui.vm.TunnelItem;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TextField;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The right-hand side for a selected tunnel: a header with the name, a state badge and the
 * Activate/Deactivate and Edit buttons, then an "Interface" card and one card per peer. Values
 * come from {@link TunnelDetail}, rebuilt every second while the tunnel is live. "Show as QR
 * code" shows the config (private key included) as a QR code for the mobile apps, only after that
 * click, and hides it when the window loses focus or another tunnel is selected.
 */
final class DetailPane extends ScrollPane {
    private final MainViewModel vm;
    private final Label title = new Label();
    private final Label badge = new Label();
    private final Button toggle = new Button();
    private final SettingSwitch autostart = new SettingSwitch("autostart", Messages.get("detail.autostart"));
    private final javafx.beans.value.ChangeListener<Boolean> autostartFollower;
    private final SettingSwitch shared = new SettingSwitch("shared", Messages.get("detail.shared"));
    private final Label owner = new Label();
    private final Button edit = new Button(Messages.get("main.edit"), Icons.EDIT.node(16));
    private final VBox cards = new VBox(16);
    private final QrCodeViewModel qr;
    private final Button qrToggle = new Button(Messages.get("qr.show"));
    private final ImageView qrImage = new ImageView();
    private final Label qrNote = new Label();
    private final VBox qrBox = new VBox(10);
    private TunnelDetail shown;

    DetailPane(MainViewModel vm, Runnable onEdit) {
        this.vm = vm;
        autostartFollower = (o, a, b) -> autostart.show(b);
        getStyleClass().add("detail-scroll");
        setFitToWidth(true);
        title.getStyleClass().add("detail-title");
        badge.getStyleClass().add("badge");
        toggle.getStyleClass().addAll("primary", "toggle-button-main");
        toggle.setDefaultButton(false);
        toggle.setId("toggle");
        toggle.setOnAction(e -> {
            TunnelItem item = vm.selectedProperty().get();
            if (item != null) {
                vm.toggle(item);
            }
        });
        edit.setId("edit");
        edit.setOnAction(e -> onEdit.run());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox header = new HBox(12, title, badge, grow, edit, toggle);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add("detail-header");
        autostart.setTip(new Tooltip(Messages.get("detail.autostart.tooltip")));
        autostart.setOnRequest(wanted -> { // the switch shows the helper's answer, not the click
            TunnelItem item = vm.selectedProperty().get();
            if (item != null) {
                vm.setAutostart(item, wanted);
            }
        });
        vm.selectedProperty().addListener((o, a, b) -> {
            if (a != null) {
                a.autostartProperty().removeListener(autostartFollower);
            }
            if (b != null) {
                b.autostartProperty().addListener(autostartFollower);
                autostart.show(b.autostartProperty().get());
            }
        });
        TunnelItem first = vm.selectedProperty().get();
        if (first != null) {
            first.autostartProperty().addListener(autostartFollower);
            autostart.show(first.autostartProperty().get());
        }
        // The toggle also follows the item's busy flag: the helper's answer often arrives after the
        // state event, and a button left disabled until the next refresh swallows the user's click.
        javafx.beans.InvalidationListener accessFollower = o -> {
            applyAccess(vm.selectedProperty().get());
            applyToggleEnabled();
        };
        vm.selectedProperty().addListener((o, a, b) -> {
            if (a != null) {
                a.sharedProperty().removeListener(accessFollower);
                a.canManageProperty().removeListener(accessFollower);
                a.canUseProperty().removeListener(accessFollower);
                a.busyProperty().removeListener(accessFollower);
            }
            if (b != null) {
                b.sharedProperty().addListener(accessFollower);
                b.canManageProperty().addListener(accessFollower);
                b.canUseProperty().addListener(accessFollower);
                b.busyProperty().addListener(accessFollower);
            }
        });
        if (first != null) {
            first.sharedProperty().addListener(accessFollower);
            first.canManageProperty().addListener(accessFollower);
            first.canUseProperty().addListener(accessFollower);
            first.busyProperty().addListener(accessFollower);
        }
        shared.setTip(new Tooltip(Messages.get("detail.shared.tooltip")));
        shared.setOnRequest(wanted -> { // the switch shows the helper's answer, not the click
            TunnelItem item = vm.selectedProperty().get();
            if (item != null) {
                vm.setShared(item, wanted);
            }
        });
        owner.setId("owner");
        owner.getStyleClass().add("detail-owner");
        owner.setWrapText(true);
        owner.managedProperty().bind(owner.visibleProperty());
        qr = new QrCodeViewModel(vm.gateway(), vm.tasks());
        buildQr();
        vm.selectedProperty().addListener((o, a, b) -> qr.hide());
        sceneProperty().addListener((o, a, scene) -> {
            if (scene != null) {
                scene.windowProperty().addListener((o2, a2, w) -> followFocus(w));
                followFocus(scene.getWindow());
            }
        });
        VBox content = new VBox(18, header, owner, autostart, shared, onDemandSection(), qrBox, cards);
        content.getStyleClass().add("detail-content");
        setContent(content);
        vm.detailProperty().addListener((o, a, b) -> show(b));
        show(vm.detailProperty().get());
    }

    /**
     * "On-demand": the Wi-Fi mode, the SSIDs (only for "only" and "except"), wired, Apply, why a
     * rule was not applied, and what on-demand last did. Disabled for users who may not change it.
     */
    private VBox onDemandSection() {
        OnDemandViewModel od = new OnDemandViewModel(vm);
        Label heading = new Label(Messages.get("ondemand.title"));
        heading.getStyleClass().add("detail-section-title");
        Label explain = new Label(Messages.get("ondemand.explain"));
        explain.setWrapText(true);
        ComboBox<OnDemandRule.WifiMode> mode = new ComboBox<>();
        mode.setId("ondemand-wifi");
        mode.getItems().setAll(OnDemandRule.WifiMode.values());
        mode.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(OnDemandRule.WifiMode m) {
                return m == null ? "" : Messages.get("ondemand.wifi." + m.name());
            }

            @Override
            public OnDemandRule.WifiMode fromString(String text) {
                return null;
            }
        });
        mode.valueProperty().bindBidirectional(od.wifiProperty());
        Label modeLabel = new Label(Messages.get("ondemand.wifi"));
        modeLabel.setLabelFor(mode);
        TextField ssids = new TextField();
        ssids.setId("ondemand-ssids");
        ssids.setPromptText(Messages.get("ondemand.ssids"));
        ssids.setAccessibleText(Messages.get("ondemand.ssids"));
        ssids.textProperty().bindBidirectional(od.ssidsProperty());
        ssids.visibleProperty().bind(od.ssidsUsedProperty());
        ssids.managedProperty().bind(ssids.visibleProperty());
        CheckBox ethernet = new CheckBox(Messages.get("ondemand.ethernet"));
        ethernet.setId("ondemand-ethernet");
        ethernet.selectedProperty().bindBidirectional(od.ethernetProperty());
        Button apply = new Button(Messages.get("ondemand.apply"));
        apply.setId("ondemand-apply");
        apply.setOnAction(e -> od.apply());
        Label problem = new Label();
        problem.setId("ondemand-problem");
        problem.getStyleClass().add("field-error");
        problem.setWrapText(true);
        problem.textProperty().bind(od.problemProperty());
        problem.visibleProperty().bind(od.problemProperty().isNotNull());
        problem.managedProperty().bind(problem.visibleProperty());
        Label status = new Label();
        status.setId("ondemand-status");
        status.setWrapText(true);
        status.textProperty().bind(od.statusProperty());
        HBox modeRow = new HBox(10, modeLabel, mode);
        modeRow.setAlignment(Pos.CENTER_LEFT);
        VBox form = new VBox(8, modeRow, ssids, ethernet, apply);
        form.disableProperty().bind(od.editableProperty().not());
        VBox box = new VBox(8, heading, explain, form, problem, status);
        box.setId("ondemand");
        box.getStyleClass().add("detail-ondemand");
        return box;
    }

    /** The QR area: the button, then (after a click) the warning and the code. */
    private void buildQr() {
        qrToggle.setId("show-qr");
        qrToggle.setOnAction(e -> {
            TunnelItem item = vm.selectedProperty().get();
            if (qr.stateProperty().get() != QrCodeViewModel.State.HIDDEN) {
                qr.hide();
            } else if (item != null) {
                qr.show(item.name());
            }
        });
        qrImage.setId("qr-image");
        qrImage.setSmooth(false);
        qrImage.setAccessibleText(Messages.get("qr.image"));
        qrNote.setId("qr-note");
        qrNote.setWrapText(true);
        qrBox.getChildren().setAll(qrToggle);
        qrBox.getStyleClass().add("qr-box");
        qr.stateProperty().addListener((o, a, s) -> showQr(s));
        showQr(qr.stateProperty().get());
    }

    private void showQr(QrCodeViewModel.State s) {
        qrToggle.setText(Messages.get(s == QrCodeViewModel.State.HIDDEN ? "qr.show" : "qr.hide"));
        switch (s) {
            case HIDDEN -> {
                qrImage.setImage(null);
                qrBox.getChildren().setAll(qrToggle);
            }
            case LOADING -> {
                qrImage.setImage(null);
                qrNote.setText(Messages.get("qr.loading"));
                qrBox.getChildren().setAll(qrToggle, qrNote);
            }
            case SHOWN -> {
                var m = qr.matrixProperty().get();
                qrImage.setImage(QrImages.render(m, QrImages.scaleFor(m, 320)));
                qrNote.setText(Messages.get("qr.warning"));
                qrBox.getChildren().setAll(qrToggle, notice("notice-warning", Icons.WARNING, qrNote.getText()), qrImage);
            }
            case FAILED -> {
                qrImage.setImage(null);
                qrNote.setText(Messages.get("qr.failed", qr.errorProperty().get()));
                qrBox.getChildren().setAll(qrToggle, qrNote);
            }
        }
    }

    private final javafx.beans.value.ChangeListener<Boolean> focusFollower = (o, was, focused) -> {
        if (!focused) {
            hideQr();
        }
    };
    private javafx.stage.Window focusWindow;

    /** Hides the code whenever {@code w} loses focus. */
    private void followFocus(javafx.stage.Window w) {
        if (focusWindow != null) {
            focusWindow.focusedProperty().removeListener(focusFollower);
        }
        focusWindow = w;
        if (w != null) {
            w.focusedProperty().addListener(focusFollower);
        }
    }

    private void hideQr() {
        qr.hide();
    }

    /** The QR code's view model (tests). */
    QrCodeViewModel qrViewModel() {
        return qr;
    }

    private void show(TunnelDetail d) {
        if (d == null) {
            shown = null;
            cards.getChildren().clear();
            return;
        }
        boolean sameTunnel = shown != null && shown.name().equals(d.name());
        shown = d;
        title.setText(d.name());
        badge.setText(Formats.state(d.state()));
        badge.getStyleClass().removeIf(c -> c.startsWith("badge-"));
        badge.getStyleClass().add("badge-" + d.state().name().toLowerCase(Locale.ROOT));
        TunnelItem item = vm.selectedProperty().get();
        boolean on = d.state() == TunnelState.ACTIVE || d.state() == TunnelState.ACTIVATING;
        toggle.setText(Messages.get(on ? "main.deactivate" : "main.activate"));
        toggle.setGraphic(Icons.POWER.node(16));
        toggle.getStyleClass().removeAll("primary", "secondary");
        toggle.getStyleClass().add(on ? "secondary" : "primary");
        applyToggleEnabled();
        applyAccess(item);
        rebuildCards(d, sameTunnel);
    }

    /** The toggle works when the shown tunnel is selected, not waiting for the helper, and usable. */
    private void applyToggleEnabled() {
        TunnelItem item = vm.selectedProperty().get();
        toggle.setDisable(shown == null || item == null || !item.name().equals(shown.name()) || item.isBusy()
                || shown.state() == TunnelState.DEACTIVATING || !item.canUseProperty().get());
    }

        /** What this user may do with the selected tunnel: owner and root manage it, others at most switch it. */
    private void applyAccess(TunnelItem item) {
        boolean manage = item != null && item.canManageProperty().get();
        edit.setDisable(!manage);
        autostart.setSwitchDisabled(!manage);
        shared.setSwitchDisabled(!manage);
        qrToggle.setDisable(!manage); // the code holds the private key: only its owner and root may read it
        shared.show(item != null && item.sharedProperty().get());
        owner.setVisible(item != null && !manage);
        if (item != null && !manage) {
            owner.setText(Messages.get(item.canUseProperty().get() ? "detail.owner.shared" : "detail.owner.notShared",
                    item.ownerNameProperty().get()));
        }
    }

    private void rebuildCards(TunnelDetail d, boolean keepScroll) {
        double v = getVvalue();
        cards.getChildren().clear();
        if (d.error() != null) {
            cards.getChildren().add(notice("notice-error", Icons.ERROR, Messages.get("detail.error") + ": " + d.error()));
        }
        for (String w : d.warnings()) {
            cards.getChildren().add(notice("notice-warning", Icons.WARNING, Messages.get("detail.warnings") + ": " + w));
        }
        cards.getChildren().add(card(Messages.get("detail.interface"), d.iface()));
        for (List<TunnelDetail.Field> peer : d.peers()) {
            cards.getChildren().add(card(Messages.get("detail.peer"), peer));
        }
        if (keepScroll) {
            setVvalue(v);
        }
    }

    private static HBox notice(String style, Icons icon, String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        HBox box = new HBox(8, icon.node(16), l);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().addAll("notice", style);
        return box;
    }

    private VBox card(String heading, List<TunnelDetail.Field> fields) {
        Label h = new Label(heading);
        h.getStyleClass().add("card-title");
        GridPane grid = new GridPane();
        grid.getStyleClass().add("card-grid");
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(150);
        labels.setPrefWidth(150);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        values.setFillWidth(true);
        grid.getColumnConstraints().addAll(labels, values);
        int row = 0;
        for (TunnelDetail.Field f : fields) {
            Label k = new Label(f.label());
            k.getStyleClass().add("field-label");
            Label val = new Label(f.value());
            val.getStyleClass().add(f.monospace() ? "field-value-mono" : "field-value");
            if (f.tone() != TunnelDetail.Tone.PLAIN) {
                val.getStyleClass().add(f.tone() == TunnelDetail.Tone.PROBLEM ? "diagnosis-problem" : "diagnosis-good");
                GridPane.setValignment(k, javafx.geometry.VPos.TOP); // level with the first line of a long message
            }
            val.setWrapText(true);
            val.setMaxWidth(Double.MAX_VALUE);
            val.setAccessibleText(f.label() + ": " + f.value());
            if (f.monospace()) {
                Tooltip.install(val, new Tooltip(Messages.get("detail.copy")));
                val.setOnMouseClicked(e -> {
                    ClipboardContent c = new ClipboardContent();
                    c.putString(f.value());
                    Clipboard.getSystemClipboard().setContent(c);
                });
            }
            k.setLabelFor(val);
            grid.add(k, 0, row);
            grid.add(val, 1, row);
            row++;
        }
        VBox card = new VBox(10, h, grid);
        card.getStyleClass().add("card");
        return card;
    }
}
