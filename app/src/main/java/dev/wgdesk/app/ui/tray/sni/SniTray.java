package dev.wgdesk.app.ui.tray.sni;

import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.tray.Tray;
import dev.wgdesk.app.ui.tray.TrayActions;
import dev.wgdesk.app.ui.tray.TrayIcons;
import dev.wgdesk.app.ui.tray.TrayMenuModel;
import dev.wgdesk.app.ui.vm.UiThread;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * The tray icon as a StatusNotifierItem on the D-Bus session bus: what KDE Plasma, GNOME with the
 * AppIndicator extension, waybar, xfce and most current Linux desktops draw. The menu is published
 * through {@code com.canonical.dbusmenu}, so the desktop draws it natively.
 *
 * <p>{@link #install} only succeeds when a StatusNotifierWatcher runs <em>and</em> says a host is
 * registered, i.e. when something will really draw the icon; otherwise the caller falls back to
 * another tray or keeps the window open. If the watcher later goes away (the panel crashed, the
 * GNOME extension was turned off), the {@code onHostLost} callback runs so that the app can show
 * its window instead of living on invisibly; if a watcher comes back, the item registers again.
 *
 * <p>D-Bus calls arrive on the library's threads; what they read is an immutable snapshot, and
 * the actions they trigger are handed to the UI thread.
 */
public final class SniTray implements Tray {
    /** Object path of the item. */
    public static final String ITEM_PATH = "/StatusNotifierItem";
    /** Object path of the menu. */
    public static final String MENU_PATH = "/MenuBar";
    /** The item's Id property: stable across runs, used by hosts to remember placement. */
    public static final String ITEM_ID = "wgdesk";
    private static final long HOST_POLL_MILLIS = 250;
    private static final int[] ICON_SIZES = {16, 22, 24, 32, 48, 64};
    private static final System.Logger LOG = System.getLogger(SniTray.class.getName());
    /** dbus-java reports every connection at INFO; only its warnings are worth a user's log. Held: JUL keeps loggers weakly. */
    private static final java.util.logging.Logger DBUS_JAVA_LOG = quiet("org.freedesktop.dbus");

    private final DBusConnection bus;
    private final String busName;
    private final TrayActions actions;
    private final UiThread ui;
    private final Runnable onHostLost;
    private final SniMenu menu = new SniMenu();
    private final Map<TrayMenuModel.IconState, List<Pixmap>> icons = new EnumMap<>(TrayMenuModel.IconState.class);
    private final AtomicBoolean removed = new AtomicBoolean();
    private final java.util.concurrent.ExecutorService signals = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wgdesk-tray-signals");
        t.setDaemon(true);
        return t;
    });
    private volatile TrayMenuModel model;
    private volatile SniMenu.Revision layout;
    private AutoCloseable ownerWatch;
    private UInt32 lastNotification = new UInt32(0); // only touched on the signals thread

    private SniTray(DBusConnection bus, String busName, TrayActions actions, UiThread ui, Runnable onHostLost) {
        this.bus = bus;
        this.busName = busName;
        this.actions = actions;
        this.ui = ui;
        this.onHostLost = onHostLost;
        for (TrayMenuModel.IconState s : TrayMenuModel.IconState.values()) {
            List<Pixmap> images = new ArrayList<>();
            for (int size : ICON_SIZES) {
                BufferedImage img = TrayIcons.draw(s, size);
                images.add(new Pixmap(size, size, TrayIcons.argb32(img)));
            }
            icons.put(s, List.copyOf(images));
        }
        model = new TrayMenuModel(Messages.get("tray.status.connecting"), TrayMenuModel.IconState.DISCONNECTED,
                List.of(), List.of(), false);
        layout = menu.build(model);
    }

    /**
     * Publishes the icon on the session bus, if a StatusNotifierItem host is there to draw it.
     * Blocking (connects to D-Bus): call it off the UI thread.
     *
     * @param busAddress  a D-Bus address, or null for the user's session bus
     * @param actions     what the menu does
     * @param ui          where the actions run
     * @param onHostLost  runs on the UI thread when the desktop's tray goes away
     * @return the tray, or empty (with the reason logged) when there is no session bus, no
     *         watcher, or no host
     */
    public static Optional<SniTray> install(String busAddress, TrayActions actions, UiThread ui, Runnable onHostLost) {
        return install(busAddress, Duration.ZERO, actions, ui, onHostLost);
    }

    /**
     * Like {@link #install(String, TrayActions, UiThread, Runnable)}, but waits up to
     * {@code waitForHost} for a host to appear: at login the app's autostart entry often runs
     * before the panel has started its watcher.
     */
    public static Optional<SniTray> install(String busAddress, Duration waitForHost, TrayActions actions, UiThread ui,
                                            Runnable onHostLost) {
        Objects.requireNonNull(waitForHost, "waitForHost");
        Objects.requireNonNull(actions, "actions");
        Objects.requireNonNull(ui, "ui");
        Objects.requireNonNull(onHostLost, "onHostLost");
        DBusConnection bus = null;
        try {
            bus = (busAddress == null ? DBusConnectionBuilder.forSessionBus() : DBusConnectionBuilder.forAddress(busAddress))
                    .withShared(false).build();
            if (!awaitHost(bus, waitForHost)) {
                LOG.log(System.Logger.Level.INFO, "no StatusNotifierItem host on the session bus");
                bus.close();
                return Optional.empty();
            }
            String name = "org.kde.StatusNotifierItem-" + ProcessHandle.current().pid() + "-1";
            SniTray tray = new SniTray(bus, name, actions, ui, onHostLost);
            try {
                bus.requestBusName(name);
                bus.exportObject(ITEM_PATH, tray.new Item());
                bus.exportObject(MENU_PATH, tray.new Menu());
                tray.ownerWatch = bus.addSigHandler(DBus.NameOwnerChanged.class, tray::ownerChanged);
                tray.register();
            } catch (DBusException | RuntimeException e) {
                tray.signals.shutdown();
                throw e;
            }
            return Optional.of(tray);
        } catch (DBusException | java.io.IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "StatusNotifierItem tray unavailable: " + e.getMessage());
            if (bus != null) {
                try {
                    bus.close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
            return Optional.empty();
        }
    }

    private static boolean awaitHost(DBusConnection bus, Duration wait) throws DBusException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!hostPresent(bus)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(HOST_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static boolean hostPresent(DBusConnection bus) throws DBusException {
        DBus daemon = bus.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
        if (!daemon.NameHasOwner(StatusNotifierWatcherBus.BUS_NAME)) {
            return false;
        }
        Properties watcher = bus.getRemoteObject(StatusNotifierWatcherBus.BUS_NAME, StatusNotifierWatcherBus.PATH,
                Properties.class);
        Object registered = watcher.Get(StatusNotifierWatcherBus.BUS_NAME, "IsStatusNotifierHostRegistered");
        if (registered instanceof Variant<?> v) {
            registered = v.getValue();
        }
        return Boolean.TRUE.equals(registered);
    }

    private void register() throws DBusException {
        bus.getRemoteObject(StatusNotifierWatcherBus.BUS_NAME, StatusNotifierWatcherBus.PATH,
                StatusNotifierWatcherBus.class).RegisterStatusNotifierItem(busName);
    }

    private void ownerChanged(DBus.NameOwnerChanged s) {
        if (removed.get() || !StatusNotifierWatcherBus.BUS_NAME.equals(s.name)) {
            return;
        }
        if (s.newOwner == null || s.newOwner.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "the desktop's StatusNotifierWatcher went away; showing the window");
            ui.run(onHostLost);
        } else {
            try {
                register();
            } catch (DBusException | DBusExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "could not register with the new StatusNotifierWatcher: "
                        + e.getMessage());
            }
        }
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.WARNING);
        return l;
    }

    /** The bus name the item is published under ("org.kde.StatusNotifierItem-PID-1"). */
    public String busName() {
        return busName;
    }

    /** True while the tray's D-Bus connection is open (tests). */
    boolean connected() {
        return bus.isConnected();
    }

    @Override
    public String kind() {
        return "StatusNotifierItem";
    }

    @Override
    public void show(TrayMenuModel next) {
        Objects.requireNonNull(next, "next");
        if (removed.get()) {
            return;
        }
        TrayMenuModel previous = model;
        model = next;
        SniMenu.Revision rev = menu.build(next);
        layout = rev;
        if (previous.icon() != next.icon()) {
            send(() -> new StatusNotifierItemBus.NewIcon(ITEM_PATH));
        }
        if (!previous.tooltip().equals(next.tooltip())) {
            send(() -> new StatusNotifierItemBus.NewToolTip(ITEM_PATH));
        }
        send(() -> new DbusMenuBus.LayoutUpdated(MENU_PATH, new UInt32(rev.number()), SniMenu.ROOT));
    }

    /**
     * A desktop notification through {@code org.freedesktop.Notifications} on the same bus; a
     * second error replaces the first bubble rather than stacking. Sent from the tray's thread;
     * failures (no notification server) are logged, never thrown.
     */
    @Override
    public void notify(String title, String body, boolean error) {
        try {
            signals.execute(() -> {
                try {
                    NotificationsBus n = bus.getRemoteObject(NotificationsBus.BUS_NAME, NotificationsBus.PATH,
                            NotificationsBus.class);
                    Map<String, Variant<?>> hints = new java.util.HashMap<>();
                    hints.put("urgency", new Variant<>((byte) (error ? 2 : 1)));
                    hints.put("desktop-entry", new Variant<>("wgdesk"));
                    UInt32 id = n.Notify(Messages.get("app.name"), lastNotification, "network-vpn", title, body, List.of(),
                            hints, -1);
                    lastNotification = id;
                } catch (DBusException | RuntimeException e) {
                    LOG.log(System.Logger.Level.INFO, "no desktop notification: " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // removed meanwhile
        }
    }

    @Override
    public void remove() {
        if (!removed.compareAndSet(false, true)) {
            return;
        }
        signals.shutdown();
        try {
            // Let a last notification ("tunnels keep running") go out before the bus closes.
            signals.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (ownerWatch != null) {
                ownerWatch.close();
            }
            bus.releaseBusName(busName);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "releasing " + busName + ": " + e.getMessage());
        }
        Runnable close = () -> {
            try {
                bus.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the D-Bus connection: " + e.getMessage());
            }
        };
        if (DBusConnection.getCallInfo() != null) {
            // Removed while answering a D-Bus call (quit clicked in the menu, handled on the
            // calling thread): dbus-java would wait 10 s for this very call to finish, close, and
            // then fail to send its answer, printing a NotConnected stack trace on its thread.
            // Closed on a thread of its own, the connection first lets the answer go out.
            Thread.ofPlatform().name("wgdesk-tray-close").daemon().start(close);
        } else {
            close.run();
        }
    }

    private interface SignalFactory {
        DBusSignal create() throws DBusException;
    }

    /** Sends a signal from the tray's own thread: {@link #show} is called on the UI thread. */
    private void send(SignalFactory signal) {
        try {
            signals.execute(() -> {
                try {
                    bus.sendMessage(signal.create());
                } catch (DBusException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not send a tray signal: " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // removed meanwhile
        }
    }

    private void click(int id) {
        SniMenu.Item item = layout.item(id);
        if (item == null || item.onClick() == null || !Boolean.TRUE.equals(item.properties().get("enabled"))) {
            return;
        }
        Consumer<TrayActions> action = item.onClick();
        ui.run(() -> action.accept(actions));
    }

    /** Converts a property value to a variant of the right D-Bus type. */
    private static Variant<?> variant(Object value) {
        return switch (value) {
            case String s -> new Variant<>(s);
            case Boolean b -> new Variant<>(b);
            case Integer i -> new Variant<>(i);
            default -> throw new IllegalArgumentException("unsupported menu property type " + value.getClass());
        };
    }

    private static DbusMenuBus.Layout toLayout(SniMenu.Item item, int depth, List<String> names) {
        List<Variant<?>> children = new ArrayList<>();
        if (depth != 0) {
            for (SniMenu.Item c : item.children()) {
                children.add(new Variant<>(toLayout(c, depth - 1, names), "(ia{sv}av)"));
            }
        }
        return new DbusMenuBus.Layout(item.id(), properties(item, names), children);
    }

    private static Map<String, Variant<?>> properties(SniMenu.Item item, List<String> names) {
        Map<String, Variant<?>> out = new java.util.LinkedHashMap<>();
        item.properties().forEach((k, v) -> {
            if (names == null || names.isEmpty() || names.contains(k)) {
                out.put(k, variant(v));
            }
        });
        return out;
    }

    /** {@code org.freedesktop.DBus.Properties} for an object whose properties are all read-only. */
    private abstract static class ReadOnlyProperties implements Properties {
        @SuppressWarnings("unchecked")
        @Override
        public <A> A Get(String iface, String name) {
            Variant<?> v = GetAll(iface).get(name);
            if (v == null) {
                throw new DBusExecutionException("no property " + iface + "." + name);
            }
            return (A) v;
        }

        @Override
        public <A> void Set(String iface, String name, A value) {
            throw new DBusExecutionException("property " + name + " is read-only");
        }
    }

    /** The exported {@code org.kde.StatusNotifierItem} object. */
    private final class Item extends ReadOnlyProperties implements StatusNotifierItemBus {
        @Override
        public void Activate(int x, int y) {
            ui.run(actions::showWindow);
        }

        @Override
        public void SecondaryActivate(int x, int y) {
            ui.run(actions::showWindow);
        }

        @Override
        public void ContextMenu(int x, int y) {
            // The host draws the D-Bus menu itself; nothing to do.
        }

        @Override
        public void Scroll(int delta, String orientation) {
            // Scrolling over the icon does nothing.
        }

        @Override
        public String getObjectPath() {
            return ITEM_PATH;
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return all();
        }

        private Map<String, Variant<?>> all() {
            TrayMenuModel m = model;
            Map<String, Variant<?>> p = new java.util.LinkedHashMap<>();
            p.put("Category", new Variant<>("Communications"));
            p.put("Id", new Variant<>(ITEM_ID));
            p.put("Title", new Variant<>(Messages.get("app.name")));
            p.put("Status", new Variant<>("Active"));
            p.put("WindowId", new Variant<>(0));
            p.put("IconName", new Variant<>(""));
            p.put("IconPixmap", new Variant<>(icons.get(m.icon()), "a(iiay)"));
            p.put("OverlayIconName", new Variant<>(""));
            p.put("AttentionIconName", new Variant<>(""));
            p.put("IconThemePath", new Variant<>(""));
            p.put("ToolTip", new Variant<>(new ToolTip("", icons.get(m.icon()), Messages.get("app.name"), m.status()),
                    "(sa(iiay)ss)"));
            p.put("ItemIsMenu", new Variant<>(false));
            p.put("Menu", new Variant<>(new DBusPath(MENU_PATH)));
            return p;
        }
    }

    /** The exported {@code com.canonical.dbusmenu} object. */
    private final class Menu extends ReadOnlyProperties implements DbusMenuBus {
        @Override
        public Pair<UInt32, Layout> GetLayout(int parentId, int recursionDepth, List<String> propertyNames) {
            SniMenu.Revision rev = layout;
            SniMenu.Item parent = rev.item(parentId);
            if (parent == null) {
                throw new DBusExecutionException("no menu item " + parentId);
            }
            return new Pair<>(new UInt32(rev.number()), toLayout(parent, recursionDepth, propertyNames));
        }

        @Override
        public List<ItemProperties> GetGroupProperties(List<Integer> ids, List<String> propertyNames) {
            SniMenu.Revision rev = layout;
            List<ItemProperties> out = new ArrayList<>();
            for (int id : ids) {
                SniMenu.Item item = rev.item(id);
                if (item != null) {
                    out.add(new ItemProperties(id, properties(item, propertyNames)));
                }
            }
            return out;
        }

        @Override
        public Variant<?> GetProperty(int id, String name) {
            SniMenu.Item item = layout.item(id);
            Object value = item == null ? null : item.properties().get(name);
            if (value == null) {
                throw new DBusExecutionException("no property " + name + " on menu item " + id);
            }
            return variant(value);
        }

        @Override
        public void Event(int id, String eventId, Variant<?> data, UInt32 timestamp) {
            if ("clicked".equals(eventId)) {
                click(id);
            }
        }

        @Override
        public List<Integer> EventGroup(List<MenuEvent> events) {
            List<Integer> errors = new ArrayList<>();
            SniMenu.Revision rev = layout;
            for (MenuEvent e : events) {
                if (rev.item(e.id) == null) {
                    errors.add(e.id);
                } else if ("clicked".equals(e.eventId)) {
                    click(e.id);
                }
            }
            return errors;
        }

        @Override
        public boolean AboutToShow(int id) {
            return false;
        }

        @Override
        public Pair<List<Integer>, List<Integer>> AboutToShowGroup(List<Integer> ids) {
            SniMenu.Revision rev = layout;
            return new Pair<>(List.of(), ids.stream().filter(id -> rev.item(id) == null).toList());
        }

        @Override
        public String getObjectPath() {
            return MENU_PATH;
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            Map<String, Variant<?>> p = new java.util.LinkedHashMap<>();
            p.put("Version", new Variant<>(new UInt32(3)));
            p.put("TextDirection", new Variant<>("ltr"));
            p.put("Status", new Variant<>("normal"));
            p.put("IconThemePath", new Variant<>(List.of(), "as"));
            return p;
        }
    }
}
