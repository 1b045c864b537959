package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.OnDemandRule;
import dev.wgdesk.app.ipc.OnDemandRule.WifiMode;
import dev.wgdesk.app.ipc.OnDemandRuleException;
import dev.wgdesk.app.ipc.OnDemandStatus;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.app.ui.i18n.Messages;
import java.util.List;
import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ChangeListener;

/**
 * The "On-demand" section of the selected tunnel: the form (Wi-Fi mode, the SSIDs as
 * comma-separated text, wired on or off), what on-demand last did, and "Apply". The form is
 * loaded when another tunnel is selected and after the helper accepted a rule, never while the
 * user edits; a rule that is not valid is not sent, and {@link #problemProperty()} names the field.
 * The helper's own words (why a tunnel was brought up or down) stay English, as its other
 * messages. UI thread only.
 */
public final class OnDemandViewModel {
    private final MainViewModel main;
    private final ObjectProperty<WifiMode> wifi = new SimpleObjectProperty<>(this, "wifi", WifiMode.OFF);
    private final StringProperty ssids = new SimpleStringProperty(this, "ssids", "");
    private final BooleanProperty ethernet = new SimpleBooleanProperty(this, "ethernet");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyBooleanWrapper editable = new ReadOnlyBooleanWrapper(this, "editable");
    private final BooleanBinding ssidsUsed = Bindings.createBooleanBinding(
            () -> wifi.get() == WifiMode.ONLY || wifi.get() == WifiMode.EXCEPT, wifi);
    private final ChangeListener<TunnelStatus> statusFollower = (o, a, b) -> showStatus(b);
    private final javafx.beans.InvalidationListener accessFollower = o -> applyAccess();
    private TunnelItem item;

    public OnDemandViewModel(MainViewModel main) {
        this.main = Objects.requireNonNull(main, "main");
        main.selectedProperty().addListener((o, a, b) -> select(b));
        select(main.selectedProperty().get());
        wifi.addListener(o -> problem.set(null));
        ssids.addListener(o -> problem.set(null));
    }

    private void select(TunnelItem value) {
        if (item != null) {
            item.statusProperty().removeListener(statusFollower);
            item.canManageProperty().removeListener(accessFollower);
        }
        item = value;
        if (item != null) {
            item.statusProperty().addListener(statusFollower);
            item.canManageProperty().addListener(accessFollower);
        }
        load();
        applyAccess();
    }

    private void applyAccess() {
        editable.set(item != null && item.canManageProperty().get());
    }

    /** Fills the form from the selected tunnel's rule (off when it has none). */
    private void load() {
        TunnelStatus s = item == null ? null : item.status();
        OnDemandRule r = s == null || s.onDemand() == null ? OnDemandRule.OFF : s.onDemand().rule();
        wifi.set(r.wifi());
        ssids.set(OnDemandRule.formatSsids(r.ssids()));
        ethernet.set(r.ethernet());
        problem.set(null);
        showStatus(s);
    }

    private void showStatus(TunnelStatus s) {
        OnDemandStatus od = s == null ? null : s.onDemand();
        status.set(od == null ? Messages.get("ondemand.status.off") : od.describe());
    }

    /** Which Wi-Fi networks bring the tunnel up. */
    public ObjectProperty<WifiMode> wifiProperty() {
        return wifi;
    }

    /** The SSIDs, comma-separated ({@code \,} for a comma inside a name; spaces around names dropped). */
    public StringProperty ssidsProperty() {
        return ssids;
    }

    /** Whether a wired network brings the tunnel up. */
    public BooleanProperty ethernetProperty() {
        return ethernet;
    }

    /** True when the mode uses the SSID list (only, except). */
    public BooleanBinding ssidsUsedProperty() {
        return ssidsUsed;
    }

    /** Why the form's rule cannot be used, naming the field, or null. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** What on-demand last did with the tunnel, or that it is off. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Whether this user may change the rule (the owner and root). */
    public ReadOnlyBooleanProperty editableProperty() {
        return editable.getReadOnlyProperty();
    }

    /** The form's rule; throws naming the field when it is not valid. */
    public OnDemandRule rule() {
        WifiMode m = wifi.get();
        List<String> names = m == WifiMode.ONLY || m == WifiMode.EXCEPT ? OnDemandRule.parseSsids(ssids.get()) : List.of();
        return new OnDemandRule(m, names, ethernet.get());
    }

    /**
     * Sends the form's rule to the helper; returns false (with {@link #problemProperty()} set) when
     * it is not valid, nothing sent.
     */
    public boolean apply() {
        if (item == null) {
            return false;
        }
        OnDemandRule r;
        try {
            r = rule();
        } catch (OnDemandRuleException e) {
            problem.set(Messages.get("ondemand.invalid", e.getMessage()));
            return false;
        }
        TunnelItem target = item;
        main.setOnDemand(target, r, () -> {
            if (target == item) {
                load();
            }
        });
        return true;
    }
}
