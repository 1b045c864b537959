package dev.wgdesk.app.ui.view;

import java.util.Objects;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.controlsfx.control.ToggleSwitch;

/**
 * An on/off setting whose truth lives elsewhere (the helper, a view model): ControlsFX's
 * {@link ToggleSwitch} followed by its text. A click (or Space) on the switch, or a click on the text,
 * asks for the change through {@link #setOnRequest}; the switch itself does not move until the
 * owner shows the answer with {@link #show}. The switch carries the id, so tests and the keyboard
 * reach it; the text is the switch's accessible text.
 */
final class SettingSwitch extends HBox {
    private final ToggleSwitch toggle = new ToggleSwitch();
    private final Label text;
    private boolean showing;
    private Consumer<Boolean> onRequest = wanted -> {};

    SettingSwitch(String id, String label) {
        super(8);
        setAlignment(Pos.CENTER_LEFT);
        getStyleClass().add("setting-switch");
        toggle.setId(id);
        toggle.setFocusTraversable(true);
        toggle.setAccessibleText(label);
        text = new Label(label);
        text.setWrapText(true);
        text.setLabelFor(toggle);
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && !toggle.isDisabled()) {
                toggle.requestFocus();
                toggle.fire();
            }
        });
        text.disableProperty().bind(toggle.disabledProperty());
        toggle.selectedProperty().addListener((o, was, now) -> {
            if (showing) {
                return;
            }
            show(was); // the owner's answer decides, not the click
            onRequest.accept(now);
        });
        // The skin keeps a fixed 20 px gap for the switch's own (here empty) text before the track.
        HBox.setMargin(toggle, new Insets(0, 0, 0, -20));
        getChildren().addAll(toggle, text);
    }

    /** Shows {@code on} without asking for anything. */
    void show(boolean on) {
        showing = true;
        try {
            toggle.setSelected(on);
        } finally {
            showing = false;
        }
    }

    /** What a click asks for: called with the state the user wants. */
    void setOnRequest(Consumer<Boolean> c) {
        onRequest = Objects.requireNonNull(c, "c");
    }

    boolean isOn() {
        return toggle.isSelected();
    }

    void setSwitchDisabled(boolean disabled) {
        toggle.setDisable(disabled);
    }

    void setTip(Tooltip tip) {
        toggle.setTooltip(tip);
        text.setTooltip(tip);
    }
}
