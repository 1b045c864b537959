package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.vm.LogViewModel;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/** The helper's log: one line per entry with time, level and tunnel; follow, copy and save. */
final class LogPane extends BorderPane {
    private final LogViewModel vm;
    private final ListView<LogEntry> list = new ListView<>();

    LogPane(LogViewModel vm, FileDialogs files, Consumer<String> report) {
        this.vm = vm;
        getStyleClass().add("log-pane");
        list.setId("log-list");
        list.setItems(vm.entries());
        list.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        list.setAccessibleText(Messages.get("log.accessible"));
        list.setPlaceholder(new Label(Messages.get("log.empty")));
        list.setCellFactory(l -> new LogCell());
        list.getStyleClass().add("log-list");
        vm.entries().addListener((ListChangeListener<LogEntry>) c -> {
            if (vm.followProperty().get() && !vm.entries().isEmpty()) {
                list.scrollTo(vm.entries().size() - 1);
            }
        });
        list.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN).match(e)) {
                copy();
                e.consume();
            }
        });

        ToggleButton follow = new ToggleButton(Messages.get("log.follow"), Icons.FOLLOW.node(16));
        follow.setId("log-follow");
        follow.selectedProperty().bindBidirectional(vm.followProperty());
        Button copy = new Button(Messages.get("log.copy"), Icons.COPY.node(16));
        copy.setId("log-copy");
        copy.setOnAction(e -> copy());
        Button save = new Button(Messages.get("log.save"), Icons.SAVE.node(16));
        save.setId("log-save");
        save.setOnAction(e -> files.chooseLogFile(getScene().getWindow()).ifPresent(p -> vm.saveTo(p, report)));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, follow, grow, copy, save);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("log-toolbar");
        setTop(bar);
        setCenter(list);
    }

    private void copy() {
        List<LogEntry> sel = list.getSelectionModel().getSelectedItems();
        String text = vm.asText(sel.isEmpty() ? List.copyOf(vm.entries()) : List.copyOf(sel));
        ClipboardContent c = new ClipboardContent();
        c.putString(text);
        Clipboard.getSystemClipboard().setContent(c);
    }

    private final class LogCell extends ListCell<LogEntry> {
        private final Label time = new Label();
        private final Label level = new Label();
        private final Label tunnel = new Label();
        private final Label message = new Label();
        private final HBox box = new HBox(12, time, level, tunnel, message);

        LogCell() {
            time.getStyleClass().add("log-time");
            level.getStyleClass().add("log-level");
            fix(level, 72);
            tunnel.getStyleClass().add("log-tunnel");
            fix(tunnel, 96);
            message.getStyleClass().add("log-message");
            // Long messages (paths, commands) wrap within the list's width instead of running
            // off its right edge: the cell takes the list's width, not its text's.
            time.setMinWidth(Region.USE_PREF_SIZE);
            message.setWrapText(true);
            message.setMinWidth(0);
            message.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(message, Priority.ALWAYS);
            box.setAlignment(Pos.TOP_LEFT);
            setPrefWidth(0);
            getStyleClass().add("log-cell");
        }

        private static void fix(Label l, double width) {
            l.setMinWidth(width);
            l.setPrefWidth(width);
            l.setMaxWidth(width);
        }

        @Override
        protected void updateItem(LogEntry e, boolean empty) {
            super.updateItem(e, empty);
            if (empty || e == null) {
                setGraphic(null);
                setAccessibleText(null);
                return;
            }
            time.setText(vm.formatTime(e));
            level.setText(e.level());
            level.getStyleClass().setAll("log-level", "log-level-" + e.level().toLowerCase(Locale.ROOT));
            tunnel.setText(e.tunnel() == null ? "" : e.tunnel());
            message.setText(e.message());
            setGraphic(box);
            setAccessibleText(vm.format(e));
        }
    }
}
