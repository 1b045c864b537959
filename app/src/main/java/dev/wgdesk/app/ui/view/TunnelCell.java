package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.vm.Formats;
import dev.wgdesk.app.ui.vm.TunnelItem;
import java.util.Locale;
import javafx.beans.value.ChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;

/** A row of the tunnel list: a state dot, the name, and the state in words. */
final class TunnelCell extends ListCell<TunnelItem> {
    private final Circle dot = new Circle(5);
    private final Label name = new Label();
    private final Label state = new Label();
    private final HBox box;
    private final ChangeListener<TunnelState> onState = (o, a, b) -> show(getItem());
    private TunnelItem watched;

    TunnelCell() {
        dot.getStyleClass().add("state-dot");
        name.getStyleClass().add("tunnel-name");
        state.getStyleClass().add("tunnel-state");
        VBox text = new VBox(1, name, state);
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        box = new HBox(10, dot, text, grow);
        box.setAlignment(Pos.CENTER_LEFT);
        getStyleClass().add("tunnel-cell");
    }

    @Override
    protected void updateItem(TunnelItem item, boolean empty) {
        super.updateItem(item, empty);
        if (watched != null) {
            watched.stateProperty().removeListener(onState);
            watched = null;
        }
        if (empty || item == null) {
            setGraphic(null);
            setText(null);
            setAccessibleText(null);
            return;
        }
        watched = item;
        item.stateProperty().addListener(onState);
        show(item);
        setGraphic(box);
    }

    private void show(TunnelItem item) {
        if (item == null) {
            return;
        }
        TunnelState s = item.state();
        name.setText(item.name());
        state.setText(Formats.state(s));
        dot.getStyleClass().removeIf(c -> c.startsWith("state-") && !c.equals("state-dot"));
        dot.getStyleClass().add("state-" + s.name().toLowerCase(Locale.ROOT));
        setAccessibleText(item.name() + ", " + Formats.state(s));
    }
}
