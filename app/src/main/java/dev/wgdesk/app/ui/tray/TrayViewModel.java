package dev.wgdesk.app.ui.tray;

import dev.wgdesk.app.ui.vm.MainViewModel;
import dev.wgdesk.app.ui.vm.TunnelItem;
import java.util.Objects;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ChangeListener;
import javafx.collections.ListChangeListener;

/**
 * Keeps the {@link TrayMenuModel} current as tunnels come, go and change state, and carries out
 * the menu's actions: tunnel entries toggle through the {@link MainViewModel}; the window, import
 * and quit actions are the view's. Needs no tray and no stage: a tray implementation draws
 * {@link #modelProperty()} and calls {@link #actions()}.
 */
public final class TrayViewModel {
    private final MainViewModel main;
    private final SimpleObjectProperty<TrayMenuModel> model = new SimpleObjectProperty<>(this, "model");
    private final TrayActions actions;
    private final ChangeListener<Object> rebuild = (o, a, b) -> rebuild();

    /**
     * A tray view model.
     *
     * @param main       the main view model (tunnels, connection, toggling)
     * @param showWindow shows the main window
     * @param importFile opens the import chooser
     * @param importSystem opens "Import from this computer…"
     * @param quit       quits the app
     */
    public TrayViewModel(MainViewModel main, Runnable showWindow, Runnable importFile, Runnable importSystem,
                         Runnable quit) {
        this.main = Objects.requireNonNull(main, "main");
        Objects.requireNonNull(showWindow, "showWindow");
        Objects.requireNonNull(importFile, "importFile");
        Objects.requireNonNull(importSystem, "importSystem");
        Objects.requireNonNull(quit, "quit");
        this.actions = new TrayActions() {
            @Override
            public void toggleTunnel(String name) {
                TrayMenuModel m = model.get();
                if (m != null && m.tunnelsEnabled()) {
                    main.toggleFromTray(name);
                }
            }

            @Override
            public void showWindow() {
                showWindow.run();
            }

            @Override
            public void importFromFile() {
                importFile.run();
            }

            @Override
            public void importFromSystem() {
                importSystem.run();
            }

            @Override
            public void quit() {
                quit.run();
            }
        };
        main.tunnels().addListener((ListChangeListener<TunnelItem>) c -> {
            while (c.next()) {
                c.getRemoved().forEach(t -> t.stateProperty().removeListener(rebuild));
                c.getAddedSubList().forEach(t -> t.stateProperty().addListener(rebuild));
            }
            rebuild();
        });
        main.tunnels().forEach(t -> t.stateProperty().addListener(rebuild));
        main.connectionProperty().addListener(rebuild);
        rebuild();
    }

    private void rebuild() {
        model.set(TrayMenuModel.build(main.tunnels().stream()
                .map(t -> new TrayMenuModel.Tunnel(t.name(), t.state())).toList(), main.connectionProperty().get()));
    }

    /** The current menu. */
    public ReadOnlyObjectProperty<TrayMenuModel> modelProperty() {
        return model;
    }

    /** The current menu. */
    public TrayMenuModel model() {
        return model.get();
    }

    /** What the menu's items do. */
    public TrayActions actions() {
        return actions;
    }
}
