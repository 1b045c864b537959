package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ipc.SystemTunnel;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.vm.SystemImportViewModel;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.stage.Window;

/**
 * "Import from this computer…": the tunnels wg-quick and NetworkManager have, each with its source,
 * whether it is up now, and a preview without keys; "Import a copy" asks the helper to copy the
 * selected one under the name given. A member who is not root sees why they cannot import.
 */
public final class SystemImportDialog {
    private final Dialog<ButtonType> dialog = new Dialog<>();
    private final SystemImportViewModel vm;

    SystemImportDialog(Window owner, SystemImportViewModel vm) {
        this.vm = vm;
        dialog.setTitle(Messages.get("system.title"));
        dialog.setHeaderText(Messages.get("system.header"));
        dialog.setResizable(true);
        if (owner != null) {
            dialog.initOwner(owner);
            if (owner.getScene() != null) {
                dialog.getDialogPane().getStylesheets().setAll(owner.getScene().getStylesheets());
                dialog.getDialogPane().getStyleClass().addAll(
                        owner.getScene().getRoot().getStyleClass().filtered(c -> c.equals("dark")));
            }
        }
        dialog.getDialogPane().getStyleClass().addAll("wg-dialog", "system-import");
        dialog.getDialogPane().setPrefSize(820, 540);

        ListView<SystemTunnel> list = new ListView<>(vm.found());
        list.setId("system-list");
        list.setPrefWidth(270);
        list.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(SystemTunnel t, boolean empty) {
                super.updateItem(t, empty);
                if (empty || t == null) {
                    setText(null);
                    setGraphic(null);
                    return;
                }
                Label name = new Label(t.name());
                name.getStyleClass().add("tunnel-name");
                Label sub = new Label(SystemImportViewModel.describe(t));
                sub.getStyleClass().add("tunnel-state");
                Circle dot = new Circle(4.5);
                dot.getStyleClass().add("state-dot");
                if (t.up()) {
                    dot.getStyleClass().add("state-active");
                }
                VBox text = new VBox(2, name, sub);
                HBox row = new HBox(10, dot, text);
                row.setAlignment(Pos.CENTER_LEFT);
                setText(null);
                setGraphic(row);
            }
        });
        Label empty = new Label();
        empty.setWrapText(true);
        empty.getStyleClass().add("list-empty");
        empty.textProperty().bind(Bindings.when(vm.loadingProperty())
                .then(Messages.get("system.loading")).otherwise(Messages.get("system.none")));
        list.setPlaceholder(empty);
        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null && b != vm.selectedProperty().get()) {
                vm.selectedProperty().set(b);
            }
        });
        vm.selectedProperty().addListener((o, a, b) -> {
            if (b != null && list.getSelectionModel().getSelectedItem() != b) {
                list.getSelectionModel().select(b);
            }
        });

        Label path = new Label();
        path.setId("system-path");
        path.getStyleClass().add("field-label");
        path.setWrapText(true);
        Label previewLabel = new Label(Messages.get("system.preview"));
        previewLabel.getStyleClass().add("problems-title");
        TextArea preview = new TextArea();
        preview.setId("system-preview");
        preview.setEditable(false);
        preview.getStyleClass().add("mono-field");
        VBox.setVgrow(preview, Priority.ALWAYS);
        Label notes = new Label();
        notes.setId("system-notes");
        notes.setWrapText(true);
        notes.getStyleClass().add("system-notes");
        notes.managedProperty().bind(notes.visibleProperty());
        TextField name = new TextField();
        name.setId("system-name");
        name.textProperty().bindBidirectional(vm.nameProperty());
        name.setPrefColumnCount(16);
        Label nameLabel = new Label(Messages.get("system.name"));
        nameLabel.setLabelFor(name);
        nameLabel.getStyleClass().add("field-label");
        Button importButton = new Button(Messages.get("system.import"));
        importButton.setId("system-import");
        importButton.getStyleClass().add("primary");
        importButton.setOnAction(e -> vm.importSelected());
        HBox nameRow = new HBox(10, nameLabel, name, importButton);
        nameRow.setAlignment(Pos.CENTER_LEFT);
        Label status = new Label();
        status.setId("system-status");
        status.setWrapText(true);
        status.managedProperty().bind(status.visibleProperty());

        Runnable show = () -> {
            SystemTunnel t = vm.selectedProperty().get();
            path.setText(t == null ? "" : t.path());
            preview.setText(t == null || t.preview() == null ? "" : t.preview());
            StringBuilder n = new StringBuilder();
            if (t != null && t.up()) {
                n.append(Messages.get("system.upWarning"));
            }
            if (t != null && t.reason() != null) {
                n.append(n.isEmpty() ? "" : "\n").append(t.reason());
            }
            if (t != null) {
                for (String p : t.problems()) {
                    n.append(n.isEmpty() ? "" : "\n").append(p);
                }
            }
            notes.setText(n.toString());
            notes.setVisible(!n.isEmpty());
            boolean can = t != null && t.importable();
            name.setDisable(!can);
        };
        vm.selectedProperty().addListener((o, a, b) -> show.run());
        show.run();
        Runnable showStatus = () -> {
            String err = vm.errorProperty().get();
            String ok = vm.doneProperty().get();
            status.setText(err != null ? err : ok);
            status.getStyleClass().setAll("label", err != null ? "inline-error" : "field-label");
            status.setVisible(err != null || ok != null);
        };
        vm.errorProperty().addListener((o, a, b) -> showStatus.run());
        vm.doneProperty().addListener((o, a, b) -> showStatus.run());
        showStatus.run();
        importButton.disableProperty().bind(Bindings.createBooleanBinding(() -> {
            SystemTunnel t = vm.selectedProperty().get();
            return t == null || !t.importable() || vm.busyProperty().get();
        }, vm.selectedProperty(), vm.busyProperty()));

        VBox right = new VBox(8, path, previewLabel, preview, notes, nameRow, status);
        HBox.setHgrow(right, Priority.ALWAYS);
        HBox content = new HBox(14, list, right);
        content.getStyleClass().add("system-import-content");
        dialog.getDialogPane().setContent(content);
        ButtonType close = new ButtonType(Messages.get("system.close"), ButtonBar.ButtonData.CANCEL_CLOSE);
        dialog.getDialogPane().getButtonTypes().setAll(close);
    }

    /** Shows the dialog (not waiting) and asks the helper what it finds. */
    void show() {
        vm.load();
        dialog.show();
    }

    public Dialog<ButtonType> dialog() {
        return dialog;
    }
}
