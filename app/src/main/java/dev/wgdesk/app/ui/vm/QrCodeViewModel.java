package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ui.gateway.HelperGateway;
import java.util.Objects;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * "Show as QR code" for one tunnel at a time. The config (with the private key) is fetched from
 * the helper and encoded only after a deliberate {@link #show}, both in the background; the code is
 * dropped again by {@link #hide} (the view calls it when the window loses focus or another tunnel
 * is selected). A result that arrives after {@link #hide} or a newer {@link #show} is discarded.
 * The config text itself is never kept. Use on the UI thread.
 */
public final class QrCodeViewModel {
    /** What the QR area shows. */
    public enum State {
        /** Nothing: only the "Show as QR code" button. */
        HIDDEN,
        /** Fetching and encoding. */
        LOADING,
        /** The code, in {@link #matrixProperty()}. */
        SHOWN,
        /** Why it cannot be shown, in {@link #errorProperty()}. */
        FAILED
    }

    private final HelperGateway gateway;
    private final Tasks tasks;
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(State.HIDDEN);
    private final ReadOnlyObjectWrapper<QrMatrix> matrix = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper tunnel = new ReadOnlyStringWrapper("");
    private long generation;

    /** A view model fetching configs through {@code gateway}, working on {@code tasks}. */
    public QrCodeViewModel(HelperGateway gateway, Tasks tasks) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
    }

    /** Fetches tunnel {@code name}'s config and encodes it; the state goes LOADING, then SHOWN or FAILED. */
    public void show(String name) {
        Objects.requireNonNull(name, "name");
        long mine = ++generation;
        matrix.set(null);
        error.set("");
        tunnel.set(name);
        state.set(State.LOADING);
        tasks.run(() -> QrMatrix.encode(gateway.getConfig(name)), m -> {
            if (mine == generation) {
                matrix.set(m);
                state.set(State.SHOWN);
            }
        }, e -> {
            if (mine == generation) {
                error.set(e.getMessage() == null ? e.code().name() : e.getMessage());
                state.set(State.FAILED);
            }
        });
    }

    /** Drops the code (and any result still on its way). */
    public void hide() {
        generation++;
        matrix.set(null);
        error.set("");
        tunnel.set("");
        state.set(State.HIDDEN);
    }

    /** What is shown. */
    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /** The code while {@link State#SHOWN}, else null. */
    public ReadOnlyObjectProperty<QrMatrix> matrixProperty() {
        return matrix.getReadOnlyProperty();
    }

    /** Why it failed while {@link State#FAILED}, else empty. */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    /** The tunnel being shown or loaded; empty when hidden. */
    public ReadOnlyStringProperty tunnelProperty() {
        return tunnel.getReadOnlyProperty();
    }
}
