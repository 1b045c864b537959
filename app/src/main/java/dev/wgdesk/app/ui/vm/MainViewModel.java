package dev.wgdesk.app.ui.vm;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.PlatformHints;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.app.ui.config.ConfigSummary;
import dev.wgdesk.app.ui.gateway.HelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The main window's state: the connection to the helper (with automatic reconnection), the tunnel
 * list in natural order with live states, the selected tunnel and its detail, and the last error
 * the user should see. Every helper call runs through {@link Tasks}; state changes only on the UI
 * thread. Needs no stage: tests drive it with {@link Tasks#direct()} and a manual
 * {@link Scheduler}.
 */
public final class MainViewModel implements HelperGateway.Listener {
    /** Longest wait between two reconnection attempts. */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(10);
    /** Interval of the live status refresh while connected. */
    public static final Duration STATUS_INTERVAL = Duration.ofSeconds(1);

    /**
     * How long a tunnel activated from the tray has to come up (some peer's diagnosis "ok") before
     * a notification says what is wrong (issue 14): two handshake retries plus the one-way
     * interval, so every diagnosis has had time to show.
     */
    public static final Duration COME_UP_WITHIN = Duration.ofSeconds(20);

    /** A desktop notification the view should show: title and body. */
    public record Notice(String title, String body) {
    }

    private static final Comparator<TunnelItem> ORDER = Comparator.comparing(TunnelItem::name, NaturalOrder.INSTANCE);

    private final HelperGateway gateway;
    private final Tasks tasks;
    private final Scheduler scheduler;
    private final Clock clock;

    private final ObservableList<TunnelItem> tunnels = FXCollections.observableArrayList();
    private final ObjectProperty<TunnelItem> selected = new SimpleObjectProperty<>(this, "selected");
    private final ObjectProperty<TunnelDetail> detail = new SimpleObjectProperty<>(this, "detail");
    private final ObjectProperty<Connection> connection = new SimpleObjectProperty<>(this, "connection", Connection.CONNECTING);
    private final StringProperty banner = new SimpleStringProperty(this, "banner");
    private final StringProperty error = new SimpleStringProperty(this, "error");
    private final StringProperty info = new SimpleStringProperty(this, "info");
    private final Map<String, String> publicKeys = new HashMap<>();
    private final ObjectProperty<Notice> notice = new SimpleObjectProperty<>(this, "notice");
    /** Tunnels found on the computer, offered while the list is empty (see {@link #systemOfferProperty()}). */
    private final javafx.beans.property.IntegerProperty systemOffer =
            new javafx.beans.property.SimpleIntegerProperty(this, "systemOffer");
    private boolean systemOfferChecked;

    private Consumer<IpcEvent.LogLine> logSink = e -> { };
    private int reconnectAttempt;
    private Scheduler.Cancellable pendingReconnect;
    private Scheduler.Cancellable pendingRefresh;
    private boolean started;
    private boolean closed;

    /** A view model over {@code gateway}. Call {@link #start()} to connect. */
    public MainViewModel(HelperGateway gateway, Tasks tasks, Scheduler scheduler, Clock clock) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        gateway.setListener(this);
        selected.addListener((o, old, now) -> onSelected(now));
    }

    /* ---------- properties ---------- */

    /** The tunnels, in natural order of their names. */
    public ObservableList<TunnelItem> tunnels() {
        return tunnels;
    }

    /** The selected tunnel, or null. */
    public ObjectProperty<TunnelItem> selectedProperty() {
        return selected;
    }

    /** The detail of the selected tunnel, or null. */
    public ReadOnlyObjectProperty<TunnelDetail> detailProperty() {
        return detail;
    }

    /** Where the app stands with the helper. */
    public ReadOnlyObjectProperty<Connection> connectionProperty() {
        return connection;
    }

    /** The banner text when the helper is not usable (how to start it), else null. */
    public ReadOnlyStringProperty bannerProperty() {
        return banner;
    }

    /** The last error to show (activation failed, DNS not applied...), or null. */
    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    /** The last informational message (e.g. the import report), or null. */
    public ReadOnlyStringProperty infoProperty() {
        return info;
    }

    /** The gateway (for the editor and import/export view models). */
    public HelperGateway gateway() {
        return gateway;
    }

    /** The task runner shared with the other view models. */
    public Tasks tasks() {
        return tasks;
    }

    /** Where log events go (the log view model). */
    public void setLogSink(Consumer<IpcEvent.LogLine> sink) {
        this.logSink = Objects.requireNonNull(sink, "sink");
    }

    /** The interface public key of every tunnel whose configuration was loaded, by name. */
    public Map<String, String> knownPublicKeys() {
        return Map.copyOf(publicKeys);
    }

    /** The item named {@code name}, if listed. */
    public Optional<TunnelItem> find(String name) {
        return tunnels.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Clears the error message (the user dismissed it). */
    public void dismissError() {
        error.set(null);
    }

    /** Clears the info message. */
    public void dismissInfo() {
        info.set(null);
    }

    /** Shows an error (used by the other view models). */
    public void showError(String message) {
        error.set(message);
    }

    /** Shows an informational message. */
    public void showInfo(String message) {
        info.set(message);
    }

    /* ---------- connection ---------- */

    /** Connects to the helper, retrying by itself until it answers. Call on the UI thread. */
    public void start() {
        if (started) {
            return;
        }
        started = true;
        connect();
    }

    private void connect() {
        pendingReconnect = null;
        if (closed) {
            return;
        }
        if (connection.get() != Connection.UNREACHABLE && connection.get() != Connection.NOT_AUTHORISED) {
            connection.set(Connection.CONNECTING);
        }
        tasks.run(() -> {
            gateway.connect();
            return new Snapshot(gateway.list(), gateway.status());
        }, this::connected, this::connectFailed);
    }

    private record Snapshot(List<TunnelInfo> list, List<TunnelStatus> status) {
    }

    private void connected(Snapshot s) {
        reconnectAttempt = 0;
        connection.set(Connection.CONNECTED);
        banner.set(null);
        applyList(s.list());
        applyStatus(s.status());
        scheduleRefresh();
        if (!systemOfferChecked && s.list().isEmpty()) {
            // The first start with no tunnels: offer those wg-quick and NetworkManager already have.
            systemOfferChecked = true;
            tasks.run(gateway::systemTunnels, found -> systemOffer.set(found.size()), e -> systemOffer.set(0));
        }
    }

    /**
     * How many WireGuard tunnels the helper found on the computer (wg-quick, NetworkManager), checked
     * once when the first list is empty; 0 otherwise. The empty list offers to import them.
     */
    public javafx.beans.property.ReadOnlyIntegerProperty systemOfferProperty() {
        return systemOffer;
    }

    private void connectFailed(IpcException e) {
        if (e.code() == ErrorCode.NOT_AUTHORISED) {
            connection.set(Connection.NOT_AUTHORISED);
            banner.set(notAuthorisedBanner(PlatformHints.current(), System.getProperty("user.name", "")));
        } else {
            connection.set(Connection.UNREACHABLE);
            banner.set(unreachableBanner(PlatformHints.current(), gateway.address()));
        }
        scheduleReconnect();
    }

    /**
     * The banner for {@code user}, whom the helper refused: the group and the command that adds
     * them to it on the OS of {@code hints} (the same as the CLI's message), and how to log in again.
     */
    public static String notAuthorisedBanner(PlatformHints hints, String user) {
        return Messages.get(hints.isWindows() ? "banner.notAuthorised.windows" : "banner.notAuthorised",
                user, hints.group(), hints.howToAdd(user));
    }

    /** The banner when no helper answers at {@code address}: how to start it on the OS of {@code hints}. */
    public static String unreachableBanner(PlatformHints hints, String address) {
        return hints.isWindows()
                ? Messages.get("banner.unreachable.windows", address, hints.serviceName(), hints.startCommand())
                : Messages.get("banner.unreachable", address, hints.startCommand());
    }

    /** The wait before reconnection attempt {@code attempt} (0-based): 1, 2, 4, 8, 10, 10... seconds. */
    public static Duration reconnectDelay(int attempt) {
        long ms = 1000L << Math.min(attempt, 10);
        return Duration.ofMillis(Math.min(ms, MAX_RECONNECT_DELAY.toMillis()));
    }

    private void scheduleReconnect() {
        if (closed || pendingReconnect != null) {
            return;
        }
        Duration d = reconnectDelay(reconnectAttempt++);
        pendingReconnect = scheduler.schedule(() -> tasks.onUi(this::connect), d);
    }

    /** Tries to reconnect now instead of waiting (the banner's "Retry" button). */
    public void retryNow() {
        if (pendingReconnect != null) {
            pendingReconnect.cancel();
            pendingReconnect = null;
        }
        if (connection.get() != Connection.CONNECTED) {
            connect();
        }
    }

    @Override
    public void onDisconnected(IpcException why) {
        tasks.onUi(() -> {
            if (closed) {
                return;
            }
            connection.set(Connection.UNREACHABLE);
            banner.set(Messages.get("banner.lost", gateway.address()));
            if (pendingRefresh != null) {
                pendingRefresh.cancel();
                pendingRefresh = null;
            }
            scheduleReconnect();
        });
    }

    /* ---------- events and refresh ---------- */

    @Override
    public void onEvent(IpcEvent event) {
        tasks.onUi(() -> {
            if (!closed) {
                handle(event);
            }
        });
    }

    private void handle(IpcEvent event) {
        switch (event) {
            case IpcEvent.StateChanged e -> {
                Optional<TunnelItem> item = find(e.name());
                if (item.isEmpty()) {
                    refreshList();
                    return;
                }
                item.get().setState(e.state());
                if (e.state() == TunnelState.FAILED && e.message() != null) {
                    error.set(Messages.get("error.activationFailed", e.name(), e.message()));
                }
                if (e.state() == TunnelState.ACTIVE || e.state() == TunnelState.INACTIVE) {
                    refreshStatus();
                }
                updateDetail();
            }
            case IpcEvent.HandshakeCompleted e -> refreshStatus();
            case IpcEvent.ErrorOccurred e -> error.set(e.name() == null ? e.message()
                    : Messages.get("error.tunnel", e.name(), e.message()));
            case IpcEvent.LogLine e -> logSink.accept(e);
        }
    }

    private void scheduleRefresh() {
        if (closed || pendingRefresh != null) {
            return;
        }
        pendingRefresh = scheduler.schedule(() -> tasks.onUi(() -> {
            pendingRefresh = null;
            if (!closed && connection.get() == Connection.CONNECTED) {
                refreshStatus();
                scheduleRefresh();
            }
        }), STATUS_INTERVAL);
    }

    /** Asks the helper for the list again. */
    public void refreshList() {
        tasks.run(gateway::list, this::applyList, this::reportCallFailure);
    }

    /** Asks the helper for every tunnel's status (the 1-second live refresh). */
    public void refreshStatus() {
        tasks.run(gateway::status, this::applyStatus, this::reportCallFailure);
    }

    private void applyList(List<TunnelInfo> list) {
        Map<String, TunnelInfo> byName = new HashMap<>();
        list.forEach(t -> byName.put(t.name(), t));
        tunnels.removeIf(t -> !byName.containsKey(t.name()));
        for (TunnelInfo t : list) {
            Optional<TunnelItem> existing = find(t.name());
            if (existing.isPresent()) {
                existing.get().setState(t.state());
                existing.get().setAccess(t);
            } else {
                TunnelItem item = new TunnelItem(t.name(), t.state());
                item.setAccess(t);
                insertSorted(item);
            }
        }
        TunnelItem sel = selected.get();
        if (sel != null && !tunnels.contains(sel)) {
            selected.set(null);
        }
        if (selected.get() == null && !tunnels.isEmpty()) {
            selected.set(tunnels.getFirst());
        }
        updateDetail();
    }

    private void insertSorted(TunnelItem item) {
        int i = 0;
        while (i < tunnels.size() && ORDER.compare(tunnels.get(i), item) < 0) {
            i++;
        }
        tunnels.add(i, item);
    }

    private void applyStatus(List<TunnelStatus> status) {
        for (TunnelStatus s : status) {
            find(s.name()).ifPresent(item -> item.setStatus(s));
        }
        updateDetail();
    }

    private void reportCallFailure(IpcException e) {
        if (e.code() == ErrorCode.DISCONNECTED || e.code() == ErrorCode.UNREACHABLE) {
            return; // the banner says it
        }
        error.set(e.getMessage());
    }

    /* ---------- selection and detail ---------- */

    private void onSelected(TunnelItem item) {
        updateDetail();
        if (item != null) {
            loadSummary(item);
        }
    }

    /** Loads (again) the public summary of a tunnel's stored configuration. */
    public void loadSummary(TunnelItem item) {
        String name = item.name();
        if (!item.canManageProperty().get()) {
            updateDetail(); // someone else's tunnel: its configuration (and keys) are not ours to read
            return;
        }
        tasks.run(() -> ConfigSummary.parse(name, gateway.getConfig(name)), s -> {
            s.ifPresent(summary -> {
                item.setSummary(summary);
                publicKeys.put(name, summary.publicKey());
            });
            updateDetail();
        }, this::reportCallFailure);
    }

    /** Rebuilds the detail of the selected tunnel from its current data. */
    public void updateDetail() {
        TunnelItem item = selected.get();
        detail.set(item == null ? null
                : TunnelDetail.of(item.name(), item.state(), item.summary(), item.status(), clock.millis()));
    }

    /* ---------- actions ---------- */

    /** Activates an inactive tunnel or deactivates an active one. */
    public void toggle(TunnelItem item) {
        if (item.isOn()) {
            deactivate(item);
        } else {
            activate(item);
        }
    }

    /** Asks the helper to activate {@code item}. */
    public void activate(TunnelItem item) {
        item.setBusy(true);
        String name = item.name();
        tasks.run(() -> gateway.activate(name), s -> {
            item.setBusy(false);
            item.setStatus(s);
            if (!s.warnings().isEmpty()) {
                error.set(Messages.get("error.warnings", name, String.join("; ", s.warnings())));
            }
            updateDetail();
            refreshList();
        }, e -> {
            item.setBusy(false);
            error.set(Messages.get("error.activationFailed", name, e.getMessage()));
            refreshList();
        });
    }

    /** Asks the helper to deactivate {@code item}. */
    public void deactivate(TunnelItem item) {
        item.setBusy(true);
        String name = item.name();
        tasks.run(() -> gateway.deactivate(name), s -> {
            item.setBusy(false);
            item.setStatus(s);
            updateDetail();
        }, e -> {
            item.setBusy(false);
            error.set(Messages.get("error.deactivationFailed", name, e.getMessage()));
            refreshList();
        });
    }

    /**
     * Sets whether the helper activates {@code item} when it starts. The item's property follows
     * the helper's answer; a failure is shown and leaves it as it was.
     */
    public void setAutostart(TunnelItem item, boolean enabled) {
        String name = item.name();
        tasks.run(() -> gateway.setAutostart(name, enabled), info -> item.setAutostart(info.autostart()),
                e -> error.set(Messages.get("error.autostartFailed", name, e.getMessage())));
    }

    /**
     * Sets whether other users of this computer may activate and deactivate {@code item} ("Let
     * other users of this computer use this tunnel"). The item follows the helper's answer; a
     * failure is shown and leaves it as it was.
     */
    public void setShared(TunnelItem item, boolean value) {
        String name = item.name();
        tasks.run(() -> gateway.setShared(name, value), info -> {
                    item.setAccess(info);
                    updateDetail();
                },
                e -> error.set(Messages.get("error.sharedFailed", name, e.getMessage())));
    }

    /**
     * Sets {@code item}'s on-demand rule; the item's status follows the helper's answer, then
     * {@code done} runs (on the UI thread). A failure is shown and leaves everything as it was.
     */
    public void setOnDemand(TunnelItem item, dev.wgdesk.app.ipc.OnDemandRule rule, Runnable done) {
        String name = item.name();
        tasks.run(() -> gateway.setOnDemand(name, rule), s -> {
            item.setStatus(s);
            updateDetail();
            done.run();
        }, e -> error.set(Messages.get("error.onDemandFailed", name, e.getMessage())));
    }

    /** Activates or deactivates the tunnel named {@code name} (from the tray menu). */
    public void toggle(String name) {
        find(name).ifPresent(this::toggle);
    }

    /**
     * Activates or deactivates the tunnel named {@code name} from the tray menu. An activation is
     * checked {@link #COME_UP_WITHIN} later: if the tunnel is active but no peer is ok and one
     * reports a problem, {@link #noticeProperty()} says which and why (the window is likely hidden).
     */
    public void toggleFromTray(String name) {
        Optional<TunnelItem> item = find(name);
        if (item.isEmpty()) {
            return;
        }
        boolean activating = !item.get().isOn();
        toggle(item.get());
        if (activating) {
            scheduler.schedule(() -> tasks.onUi(() -> checkCameUp(name)), COME_UP_WITHIN);
        }
    }

    private void checkCameUp(String name) {
        if (closed) {
            return;
        }
        tasks.run(gateway::status, list -> {
            applyStatus(list);
            for (TunnelStatus s : list) {
                String why = s.name().equals(name) ? Diagnoses.notWorking(s) : null;
                if (why != null) {
                    notice.set(new Notice(Messages.get("notify.notUp.title", name), why));
                }
            }
        }, this::reportCallFailure);
    }

    /** The latest notification to show (a tunnel activated from the tray that did not come up), or null. */
    public ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice;
    }

    /** Deletes a tunnel (after the view asked the user). */
    public void delete(TunnelItem item) {
        String name = item.name();
        tasks.run(() -> {
            gateway.delete(name);
            return gateway.list();
        }, list -> {
            publicKeys.remove(name);
            applyList(list);
        }, e -> error.set(Messages.get("error.deleteFailed", name, e.getMessage())));
    }

    /**
     * Called after a tunnel was saved or created by the editor: refreshes the list, selects it
     * and reloads its summary.
     */
    public void saved(String name) {
        tasks.run(gateway::list, list -> {
            applyList(list);
            find(name).ifPresent(item -> {
                selected.set(item);
                loadSummary(item);
            });
        }, this::reportCallFailure);
    }

    /** Stops reconnecting and refreshing and closes the gateway; tunnels keep running. */
    public void close() {
        closed = true;
        if (pendingReconnect != null) {
            pendingReconnect.cancel();
        }
        if (pendingRefresh != null) {
            pendingRefresh.cancel();
        }
        gateway.close();
    }

    /** The number of tunnels that are up (for the quit message). */
    public long activeCount() {
        return tunnels.stream().filter(t -> t.state().isUp()).count();
    }

    /** The connection in words, for the header chip: "Helper connected". */
    public String connectionText() {
        return Messages.get("connection." + connection.get().name());
    }

    /** Current time (for the views' relative times). */
    public long nowMillis() {
        return clock.millis();
    }
}
