package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.io.Autostart;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;

/**
 * The app's own settings, which live with the user and not in the helper: for now "Start wgdesk at
 * login" ({@link Autostart}). File work runs through {@link Tasks}; the properties change on the
 * UI thread.
 */
public final class SettingsViewModel {
    private final Autostart autostart;
    private final Tasks tasks;
    private final Consumer<String> onError;
    private final ReadOnlyBooleanWrapper startAtLogin = new ReadOnlyBooleanWrapper(this, "startAtLogin");
    private final ReadOnlyBooleanWrapper startAtLoginAvailable = new ReadOnlyBooleanWrapper(this, "startAtLoginAvailable");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");

    /**
     * Settings.
     *
     * @param autostart the login autostart entry
     * @param tasks     background work
     * @param onError   shows an error message (on the UI thread)
     */
    public SettingsViewModel(Autostart autostart, Tasks tasks, Consumer<String> onError) {
        this.autostart = Objects.requireNonNull(autostart, "autostart");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.onError = Objects.requireNonNull(onError, "onError");
    }

    /** Reads the current settings. */
    public void load() {
        busy.set(true);
        tasks.run(autostart::state, this::apply, e -> {
            busy.set(false);
            startAtLoginAvailable.set(false);
        });
    }

    /** Turns starting at login on or off; the property follows what is really on disk afterwards. */
    public void setStartAtLogin(boolean on) {
        if (!startAtLoginAvailable.get() || busy.get() || on == startAtLogin.get()) {
            return;
        }
        busy.set(true);
        tasks.run(() -> {
            autostart.setEnabled(on);
            return autostart.state();
        }, this::apply, e -> {
            busy.set(false);
            onError.accept(Messages.get("settings.autostart.failed", e.getMessage()));
            load();
        });
    }

    private void apply(Autostart.State s) {
        busy.set(false);
        startAtLoginAvailable.set(s != Autostart.State.UNSUPPORTED);
        startAtLogin.set(s == Autostart.State.ENABLED);
    }

    /** True when wgdesk starts at login. */
    public ReadOnlyBooleanProperty startAtLoginProperty() {
        return startAtLogin.getReadOnlyProperty();
    }

    /** True when this system and installation can start wgdesk at login. */
    public ReadOnlyBooleanProperty startAtLoginAvailableProperty() {
        return startAtLoginAvailable.getReadOnlyProperty();
    }

    /** True while a change is being written. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }
}
