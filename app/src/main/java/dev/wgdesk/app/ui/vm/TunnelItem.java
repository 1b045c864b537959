package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.app.ui.config.ConfigSummary;
import java.util.Objects;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * One tunnel in the list: its name, its state (kept current from the helper's events), its
 * latest status and the public summary of its configuration. Changed only on the UI thread.
 */
public final class TunnelItem {
    private final String name;
    private final ObjectProperty<TunnelState> state = new SimpleObjectProperty<>(this, "state");
    private final ObjectProperty<TunnelStatus> status = new SimpleObjectProperty<>(this, "status");
    private final ObjectProperty<ConfigSummary> summary = new SimpleObjectProperty<>(this, "summary");
    private final BooleanProperty busy = new SimpleBooleanProperty(this, "busy");
    private final BooleanProperty autostart = new SimpleBooleanProperty(this, "autostart");
    private final BooleanProperty shared = new SimpleBooleanProperty(this, "shared");
    private final BooleanProperty canManage = new SimpleBooleanProperty(this, "canManage", true);
    private final BooleanProperty canUse = new SimpleBooleanProperty(this, "canUse", true);
    private final ObjectProperty<String> ownerName = new SimpleObjectProperty<>(this, "ownerName", "");

    /** An item for tunnel {@code name} in {@code state}. */
    public TunnelItem(String name, TunnelState state) {
        this.name = Objects.requireNonNull(name, "name");
        this.state.set(Objects.requireNonNull(state, "state"));
    }

    /** The tunnel's name (never changes; a renamed tunnel is a new item). */
    public String name() {
        return name;
    }

    /** The current state. */
    public ReadOnlyObjectProperty<TunnelState> stateProperty() {
        return state;
    }

    /** The current state. */
    public TunnelState state() {
        return state.get();
    }

    void setState(TunnelState value) {
        state.set(Objects.requireNonNull(value, "state"));
    }

    /** The latest runtime status from the helper, or null before the first. */
    public ReadOnlyObjectProperty<TunnelStatus> statusProperty() {
        return status;
    }

    /** The latest runtime status, or null. */
    public TunnelStatus status() {
        return status.get();
    }

    void setStatus(TunnelStatus value) {
        status.set(value);
        if (value != null) {
            state.set(value.state());
        }
    }

    /** The public summary of the stored configuration, or null until loaded. */
    public ReadOnlyObjectProperty<ConfigSummary> summaryProperty() {
        return summary;
    }

    /** The summary, or null. */
    public ConfigSummary summary() {
        return summary.get();
    }

    void setSummary(ConfigSummary value) {
        summary.set(value);
    }

    /** True when the helper activates this tunnel when it starts (at boot). */
    public ReadOnlyBooleanProperty autostartProperty() {
        return autostart;
    }

    void setAutostart(boolean value) {
        autostart.set(value);
    }

    /** True when the owner lets other users of this computer activate and deactivate it. */
    public ReadOnlyBooleanProperty sharedProperty() {
        return shared;
    }

    /** True when this user may read, edit, remove it and change its sharing (its owner, or root). */
    public ReadOnlyBooleanProperty canManageProperty() {
        return canManage;
    }

    /** True when this user may activate and deactivate it (owner, root, or shared). */
    public ReadOnlyBooleanProperty canUseProperty() {
        return canUse;
    }

    /** The owner's user name. */
    public ReadOnlyObjectProperty<String> ownerNameProperty() {
        return ownerName;
    }

    /** Takes over what the helper says about ownership and sharing. */
    void setAccess(dev.wgdesk.app.ipc.TunnelInfo info) {
        autostart.set(info.autostart());
        shared.set(info.shared());
        canManage.set(info.canManage());
        canUse.set(info.canUse());
        ownerName.set(info.ownerName());
    }

    /** True while an activation or deactivation asked from this app is in progress. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    /** True while busy. */
    public boolean isBusy() {
        return busy.get();
    }

    void setBusy(boolean value) {
        busy.set(value);
    }

    /** True when the tunnel is up or on its way up: the toggle then deactivates it. */
    public boolean isOn() {
        TunnelState s = state.get();
        return s == TunnelState.ACTIVE || s == TunnelState.ACTIVATING;
    }

    @Override
    public String toString() {
        return name + " (" + state.get() + ")";
    }
}
