package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ui.config.BlockUntunneled;
import dev.wgdesk.app.ui.config.ConfigText;
import dev.wgdesk.app.ui.config.Highlighter;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.vm.EditorViewModel;
import dev.wgdesk.app.ui.vm.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Popup;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.CodeArea;
import org.fxmisc.richtext.LineNumberFactory;
import org.fxmisc.richtext.event.MouseOverTextEvent;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

/**
 * The configuration editor: name, public key with "Generate keypair", the wg-quick text in a
 * RichTextFX code area (highlighting, errors and warnings underlined, the message on hover), the
 * problems list (click to jump), "Block untunneled traffic", and Save/Cancel. Save is disabled
 * while an error exists. All state is in the {@link EditorViewModel}.
 */
final class EditorPane extends BorderPane {
    private final EditorViewModel vm;
    private final CodeArea area = new CodeArea();
    private final ListView<Problem> problemList = new ListView<>();
    private final Popup hover = new Popup();
    private final Label hoverLabel = new Label();
    private final Runnable onClose;
    private boolean syncing;

    EditorPane(EditorViewModel vm, Runnable onClose) {
        this.vm = vm;
        this.onClose = onClose;
        getStyleClass().add("editor-pane");

        // Header: title, name and public key.
        Label heading = new Label(Messages.get(vm.isImportPreview() ? "editor.title.import"
                : vm.isNew() ? "editor.title.new" : "editor.title.edit"));
        heading.getStyleClass().add("detail-title");
        TextField name = new TextField();
        name.setId("editor-name");
        name.setPromptText(Messages.get("editor.name.prompt"));
        name.textProperty().bindBidirectional(vm.nameProperty());
        name.setPrefColumnCount(16);
        Label nameLabel = new Label(Messages.get("editor.name"));
        nameLabel.setLabelFor(name);
        nameLabel.getStyleClass().add("field-label");
        Label nameError = new Label();
        nameError.getStyleClass().add("inline-error");
        nameError.textProperty().bind(vm.nameErrorProperty());
        nameError.visibleProperty().bind(vm.nameErrorProperty().isNotNull().and(vm.nameProperty().isNotEmpty()));
        nameError.managedProperty().bind(nameError.visibleProperty());
        // ControlsFX's validation decoration marks the field itself (an error mark at its corner,
        // the message as its tooltip); the line under it says the same for those who do not hover.
        ValidationSupport nameCheck = new ValidationSupport();
        nameCheck.registerValidator(name, false, (Control c, String text) -> ValidationResult.fromErrorIf(c,
                vm.nameErrorProperty().get() == null ? "" : vm.nameErrorProperty().get(),
                vm.nameErrorProperty().get() != null && text != null && !text.isEmpty()));
        vm.nameErrorProperty().addListener((o, a, b) -> nameCheck.revalidate(name));

        TextField pub = new TextField();
        pub.setId("editor-public-key");
        pub.setEditable(false);
        pub.getStyleClass().add("mono-field");
        pub.textProperty().bind(Bindings.when(vm.publicKeyProperty().isEmpty())
                .then(Messages.get("editor.publicKey.none")).otherwise(vm.publicKeyProperty()));
        HBox.setHgrow(pub, Priority.ALWAYS);
        Label pubLabel = new Label(Messages.get("editor.publicKey"));
        pubLabel.setLabelFor(pub);
        pubLabel.getStyleClass().add("field-label");
        Button generate = new Button(Messages.get("editor.generate"), Icons.KEY.node(16));
        generate.setId("generate-keypair");
        generate.setTooltip(new Tooltip(Messages.get("editor.generate.tooltip")));
        generate.setOnAction(e -> vm.generateKeypair());

        GridPane form = new GridPane();
        form.getStyleClass().add("editor-form");
        form.add(nameLabel, 0, 0);
        form.add(new VBox(4, name, nameError), 1, 0);
        form.add(pubLabel, 0, 1);
        HBox pubRow = new HBox(8, pub, generate);
        pubRow.setAlignment(Pos.CENTER_LEFT);
        form.add(pubRow, 1, 1);
        GridPane.setHgrow(pubRow, Priority.ALWAYS);
        VBox top = new VBox(14, heading, form);
        top.getStyleClass().add("editor-top");
        setTop(top);

        // The text.
        area.setId("editor-text");
        area.getStyleClass().add("config-area");
        area.setParagraphGraphicFactory(LineNumberFactory.get(area));
        area.setAccessibleText(Messages.get("editor.text.accessible"));
        area.setWrapText(false);
        area.replaceText(vm.textProperty().get());
        area.getUndoManager().forgetHistory();
        area.textProperty().addListener((o, a, b) -> {
            if (!syncing) {
                syncing = true;
                vm.textProperty().set(b);
                syncing = false;
            }
            restyle();
        });
        vm.textProperty().addListener((o, a, b) -> {
            if (!syncing && !b.equals(area.getText())) {
                syncing = true;
                int caret = Math.min(area.getCaretPosition(), b.length());
                area.replaceText(b);
                area.moveTo(caret);
                syncing = false;
            }
        });
        vm.problems().addListener((javafx.collections.ListChangeListener<Problem>) c -> restyle());
        hoverLabel.getStyleClass().add("hover-message");
        hoverLabel.setWrapText(true);
        hoverLabel.setMaxWidth(460);
        hover.getContent().add(hoverLabel);
        hover.setAutoHide(true);
        area.setMouseOverTextDelay(Duration.ofMillis(250));
        area.addEventHandler(MouseOverTextEvent.MOUSE_OVER_TEXT_BEGIN, e -> {
            Optional<Problem> p = problemAt(e.getCharacterIndex());
            if (p.isPresent()) {
                hoverLabel.setText(p.get().message());
                hoverLabel.getStyleClass().setAll("hover-message", p.get().error() ? "hover-error" : "hover-warning");
                hover.show(area, e.getScreenPosition().getX() + 8, e.getScreenPosition().getY() + 14);
            }
        });
        area.addEventHandler(MouseOverTextEvent.MOUSE_OVER_TEXT_END, e -> hover.hide());
        VirtualizedScrollPane<CodeArea> scroll = new VirtualizedScrollPane<>(area);
        scroll.getStyleClass().add("config-scroll");

        // Problems.
        Label problemsTitle = new Label();
        problemsTitle.getStyleClass().add("problems-title");
        problemsTitle.textProperty().bind(Bindings.createStringBinding(() -> Messages.get("editor.problems.count",
                        vm.errorCountProperty().get(), vm.warningCountProperty().get()),
                vm.errorCountProperty(), vm.warningCountProperty()));
        problemList.setId("problems");
        problemList.setItems(vm.problems());
        problemList.setAccessibleText(Messages.get("editor.problems"));
        problemList.setPlaceholder(new Label(Messages.get("editor.problems.none")));
        problemList.setCellFactory(l -> new ProblemCell());
        problemList.setOnMouseClicked(e -> jumpToSelected());
        problemList.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                jumpToSelected();
            }
        });
        VBox problems = new VBox(6, problemsTitle, problemList);
        problems.getStyleClass().add("problems-box");
        VBox.setVgrow(problemList, Priority.ALWAYS);

        javafx.scene.layout.StackPane frame = new javafx.scene.layout.StackPane(scroll);
        frame.getStyleClass().add("code-frame");
        SplitPane split = new SplitPane(frame, problems);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.72);
        split.getStyleClass().add("editor-split");
        setCenter(split);

        // Bottom: block switch, errors, save/cancel.
        SettingSwitch block = new SettingSwitch("block-untunneled", Messages.get("editor.block"));
        Tooltip blockTip = new Tooltip(Messages.get("editor.block.tooltip"));
        blockTip.setWrapText(true);
        blockTip.setMaxWidth(420);
        blockTip.setShowDuration(javafx.util.Duration.seconds(30));
        block.setTip(blockTip);
        Runnable syncBlock = () -> {
            BlockUntunneled.State s = vm.blockStateProperty().get();
            block.setVisible(s != BlockUntunneled.State.UNAVAILABLE);
            block.show(s == BlockUntunneled.State.BLOCKING);
        };
        vm.blockStateProperty().addListener((o, a, b) -> syncBlock.run());
        syncBlock.run();
        block.managedProperty().bind(block.visibleProperty());
        block.setOnRequest(vm::setBlockUntunneled); // the text is rewritten, and the switch follows it

        Label saveError = new Label();
        saveError.getStyleClass().add("inline-error");
        saveError.setWrapText(true);
        saveError.textProperty().bind(vm.saveErrorProperty());
        saveError.visibleProperty().bind(vm.saveErrorProperty().isNotNull());
        saveError.managedProperty().bind(saveError.visibleProperty());

        Button save = new Button(Messages.get("editor.save"));
        save.setId("save");
        save.getStyleClass().add("primary");
        save.setDefaultButton(false);
        save.disableProperty().bind(vm.canSaveProperty().not());
        save.setOnAction(e -> vm.save());
        Button cancel = new Button(Messages.get("editor.cancel"));
        cancel.setId("cancel");
        cancel.setCancelButton(false);
        cancel.setOnAction(e -> requestClose());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox buttons = new HBox(10, block, grow, cancel, save);
        buttons.setAlignment(Pos.CENTER_LEFT);
        VBox bottom = new VBox(8, saveError, buttons);
        bottom.getStyleClass().add("editor-bottom");
        setBottom(bottom);

        // Ctrl+S saves, Escape cancels.
        addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN).match(e)) {
                vm.save();
                e.consume();
            } else if (e.getCode() == KeyCode.ESCAPE && !hover.isShowing()) {
                requestClose();
                e.consume();
            }
        });
        restyle();
    }

    /** The view model. */
    EditorViewModel viewModel() {
        return vm;
    }

    /** The code area (for tests and focus). */
    CodeArea area() {
        return area;
    }

    /** Focuses the text. */
    void focusText() {
        area.requestFocus();
    }

    /** Closes the editor, asking first if there are unsaved changes. */
    void requestClose() {
        if (confirmDiscard()) {
            onClose.run();
        }
    }

    /** True when there is nothing unsaved, or the user chose to discard it. */
    boolean confirmDiscard() {
        if (!vm.dirtyProperty().get()) {
            return true;
        }
        ButtonType discard = new ButtonType(Messages.get("editor.unsaved.discard"), ButtonBar.ButtonData.OK_DONE);
        ButtonType keep = new ButtonType(Messages.get("editor.unsaved.keep"), ButtonBar.ButtonData.CANCEL_CLOSE);
        String n = vm.nameProperty().get().isEmpty() ? Messages.get("editor.title.new") : vm.nameProperty().get();
        return Dialogs.confirm(getScene() == null ? null : getScene().getWindow(), Messages.get("editor.unsaved.title"),
                Messages.get("editor.unsaved.text", n), discard, keep);
    }

    private Optional<Problem> problemAt(int index) {
        Problem best = null;
        for (Problem p : vm.problems()) {
            if (p.covers(index) && (best == null || (p.error() && !best.error()))) {
                best = p;
            }
        }
        return Optional.ofNullable(best);
    }

    private void jumpToSelected() {
        Problem p = problemList.getSelectionModel().getSelectedItem();
        if (p != null) {
            int at = Math.min(p.start(), area.getLength());
            area.moveTo(at);
            area.selectRange(at, Math.min(p.end(), area.getLength()));
            area.requestFollowCaret();
            area.requestFocus();
        }
    }

    private void restyle() {
        String text = area.getText();
        List<Highlighter.Mark> marks = new ArrayList<>();
        for (Problem p : vm.problems()) {
            if (p.end() <= text.length()) {
                marks.add(new Highlighter.Mark(p.start(), p.end(), p.error()));
            }
        }
        List<Highlighter.Span> spans = Highlighter.spans(ConfigText.of(text), marks);
        StyleSpansBuilder<Collection<String>> b = new StyleSpansBuilder<>();
        for (Highlighter.Span s : spans) {
            b.add(List.copyOf(s.styles()), s.length());
        }
        StyleSpans<Collection<String>> styles = b.create();
        if (styles.length() == area.getLength()) {
            area.setStyleSpans(0, styles);
        }
    }

    private static final class ProblemCell extends ListCell<Problem> {
        @Override
        protected void updateItem(Problem p, boolean empty) {
            super.updateItem(p, empty);
            if (empty || p == null) {
                setGraphic(null);
                setText(null);
                setAccessibleText(null);
                return;
            }
            Label where = new Label(Messages.get("editor.problem.at", p.line(), p.column()));
            where.getStyleClass().add("problem-position");
            Label msg = new Label(p.message());
            msg.getStyleClass().add("problem-message");
            msg.setWrapText(true);
            HBox.setHgrow(msg, Priority.ALWAYS);
            msg.setMaxWidth(Double.MAX_VALUE);
            HBox box = new HBox(10, (p.error() ? Icons.ERROR : Icons.WARNING).node(16), where, msg);
            box.setAlignment(Pos.CENTER_LEFT);
            box.getStyleClass().add(p.error() ? "problem-error" : "problem-warning");
            setGraphic(box);
            setText(null);
            setAccessibleText(Messages.get(p.error() ? "editor.problem.error" : "editor.problem.warning") + ", "
                    + Messages.get("editor.problem.at", p.line(), p.column()) + ": " + p.message());
        }
    }
}
