package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.SystemTunnel;
import dev.wgdesk.app.ui.i18n.Messages;
import java.util.List;
import java.util.Objects;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * "Import from this computer…": the WireGuard tunnels the helper found outside its store (wg-quick's
 * /etc/wireguard, NetworkManager's system connections), one selected with its preview (no keys), and
 * importing a copy of it under a name. The helper copies; the original stays as it is.
 */
public final class SystemImportViewModel {
    private final MainViewModel main;
    private final ObservableList<SystemTunnel> found = FXCollections.observableArrayList();
    private final ObjectProperty<SystemTunnel> selected = new SimpleObjectProperty<>(this, "selected");
    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final StringProperty error = new SimpleStringProperty(this, "error");
    private final StringProperty done = new SimpleStringProperty(this, "done");
    private final BooleanProperty loading = new SimpleBooleanProperty(this, "loading");
    private final BooleanProperty busy = new SimpleBooleanProperty(this, "busy");

    public SystemImportViewModel(MainViewModel main) {
        this.main = Objects.requireNonNull(main, "main");
        selected.addListener((o, a, b) -> {
            name.set(b == null ? "" : b.importedAs() == null ? b.name() : "");
            error.set(null);
            done.set(null);
        });
    }

    /** Asks the helper what it finds. */
    public void load() {
        loading.set(true);
        main.tasks().run(main.gateway()::systemTunnels, list -> {
            loading.set(false);
            found.setAll(list);
            if (!list.isEmpty()) {
                selected.set(list.stream().filter(SystemTunnel::importable).findFirst().orElse(list.getFirst()));
            }
        }, e -> {
            loading.set(false);
            error.set(e.getMessage());
        });
    }

    /** Imports a copy of the selected tunnel under {@link #nameProperty()}; the list and detail follow. */
    public void importSelected() {
        SystemTunnel t = selected.get();
        if (t == null || !t.importable() || busy.get()) {
            return;
        }
        String as = name.get() == null || name.get().isBlank() ? t.name() : name.get().strip();
        busy.set(true);
        error.set(null);
        main.tasks().run(() -> main.gateway().importSystem(t.path(), as), info -> {
            busy.set(false);
            done.set(Messages.get("system.imported", info.name(), t.path()));
            main.saved(info.name());
            reloadKeepingSelection(t.path());
        }, (IpcException e) -> {
            busy.set(false);
            error.set(e.getMessage());
        });
    }

    private void reloadKeepingSelection(String path) {
        main.tasks().run(main.gateway()::systemTunnels, list -> {
            String message = done.get();
            found.setAll(list);
            list.stream().filter(x -> x.path().equals(path)).findFirst().ifPresent(selected::set);
            done.set(message);
        }, e -> { });
    }

    /** What an entry says about itself in the list: its source, and whether it is up or imported. */
    public static String describe(SystemTunnel t) {
        String source = Messages.get(SystemTunnel.WG_QUICK.equals(t.source()) ? "system.source.wgQuick" : "system.source.nm");
        StringBuilder sb = new StringBuilder(source);
        if (t.up()) {
            sb.append(" · ").append(Messages.get("system.up", t.interfaceName()));
        }
        if (t.importedAs() != null) {
            sb.append(" · ").append(Messages.get("system.importedAs", t.importedAs()));
        }
        return sb.toString();
    }

    public ObservableList<SystemTunnel> found() {
        return found;
    }

    public ObjectProperty<SystemTunnel> selectedProperty() {
        return selected;
    }

    public StringProperty nameProperty() {
        return name;
    }

    public StringProperty errorProperty() {
        return error;
    }

    /** What the last import did, for the dialog; null before. */
    public StringProperty doneProperty() {
        return done;
    }

    public BooleanProperty loadingProperty() {
        return loading;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    /** The problems of the selected entry, for the dialog. */
    public List<String> problems() {
        SystemTunnel t = selected.get();
        return t == null ? List.of() : t.problems();
    }
}
