package dev.wgdesk.app.ui.tray.sni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ui.i18n.Messages;
import dev.wgdesk.app.ui.tray.TrayActions;
import dev.wgdesk.app.ui.tray.TrayMenuModel;
import dev.wgdesk.app.ui.tray.TrayMenuModel.Tunnel;
import dev.wgdesk.app.ui.vm.Connection;
import dev.wgdesk.app.ui.vm.UiThread;
import dev.wgdesk.engine.testing.Requirements;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StatusNotifierItem tray on a real {@code dbus-daemon}, with a fake panel (the watcher)
 * and GLib's {@code gdbus} as the host-side client: registration, properties, icon changes, the
 * dbusmenu layout, clicks, and what happens when the panel goes away.
 */
class SniTrayTest {
    private static final long WAIT_S = 20;

    @TempDir
    Path dir;
    private SessionBus bus;
    private final BlockingQueue<String> actions = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final TrayActions recorder = new TrayActions() {
        @Override
        public void toggleTunnel(String name) {
            actions.add("toggle " + name);
        }

        @Override
        public void showWindow() {
            actions.add("show");
        }

        @Override
        public void importFromFile() {
            actions.add("import");
        }

        @Override
        public void importFromSystem() {
            actions.add("import system");
        }

        @Override
        public void quit() {
            actions.add("quit");
        }
    };

    @BeforeAll
    static void english() {
        Messages.useLocale(Locale.ROOT);
    }

    @BeforeEach
    void startBus() throws Exception {
        Requirements.require(SessionBus.available(), "dbus-daemon is not installed (Debian: dbus-daemon); .ci/run installs it");
        bus = SessionBus.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (bus != null) {
            bus.close();
        }
    }

    private Optional<SniTray> install() {
        Optional<SniTray> t = SniTray.install(bus.address(), recorder, UiThread.direct(), () -> actions.add("host lost"));
        t.ifPresent(tray -> cleanup.add(tray::remove));
        return t;
    }

    private FakeWatcher watcher(boolean host) throws Exception {
        FakeWatcher w = new FakeWatcher(bus.address(), host);
        cleanup.add(w);
        return w;
    }

    private static TrayMenuModel model(Connection c, Tunnel... tunnels) {
        return TrayMenuModel.build(List.of(tunnels), c);
    }

    private String call(SniTray tray, String path, String method, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("call", "--session", "--dest", tray.busName(), "--object-path", path,
                "--method", method));
        a.addAll(List.of(args));
        return bus.gdbus(a.toArray(String[]::new));
    }

    private String property(SniTray tray, String name) throws Exception {
        return call(tray, SniTray.ITEM_PATH, "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierItem", name);
    }

    @Test
    void noWatcherMeansNoTray() {
        assertTrue(install().isEmpty(), "without a StatusNotifierWatcher nothing would draw the icon");
    }

    @Test
    void watcherWithoutHostMeansNoTray() throws Exception {
        FakeWatcher w = watcher(false);
        assertTrue(install().isEmpty(), "a watcher with no host registered draws nothing");
        assertNull(w.registered.poll(), "nothing registered");
    }

    @Test
    void registersWithTheWatcherAndServesItsProperties() throws Exception {
        FakeWatcher w = watcher(true);
        SniTray tray = install().orElseThrow();
        assertEquals("org.kde.StatusNotifierItem-" + ProcessHandle.current().pid() + "-1",
                w.registered.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("StatusNotifierItem", tray.kind());
        assertTrue(property(tray, "Id").contains("'wgdesk'"), property(tray, "Id"));
        assertTrue(property(tray, "Status").contains("'Active'"));
        assertTrue(property(tray, "Menu").contains("objectpath '/MenuBar'"), property(tray, "Menu"));
        assertTrue(property(tray, "ItemIsMenu").contains("false"));
        String all = call(tray, SniTray.ITEM_PATH, "org.freedesktop.DBus.Properties.GetAll", "org.kde.StatusNotifierItem");
        for (String p : List.of("Category", "Title", "IconPixmap", "ToolTip", "WindowId")) {
            assertTrue(all.contains("'" + p + "'"), p + " missing from " + all.substring(0, Math.min(300, all.length())));
        }
        String introspection = bus.gdbus("introspect", "--session", "--dest", tray.busName(), "--object-path",
                SniTray.ITEM_PATH);
        assertTrue(introspection.contains("interface org.kde.StatusNotifierItem"), introspection);
        assertTrue(introspection.contains("Activate("), introspection);
    }

    @Test
    void iconFollowsTheTunnelStateAndTheHostIsTold() throws Exception {
        watcher(true);
        SniTray tray = install().orElseThrow();
        // Listening before the first change: signals go out on the tray's own thread, so the one
        // for "connecting" -> inactive may leave after show() returned.
        BusMonitor newIcon = BusMonitor.signals(bus, tray.busName(), "org.kde.StatusNotifierItem.NewIcon");
        cleanup.add(newIcon);
        tray.show(model(Connection.CONNECTED, new Tunnel("home", TunnelState.INACTIVE)));
        String inactive = iconCentre(property(tray, "IconPixmap"));
        assertTrue(newIcon.await(1), "a NewIcon signal for the first icon change; saw: " + newIcon.output());

        tray.show(model(Connection.CONNECTED, new Tunnel("home", TunnelState.ACTIVATING)));
        String activating = iconCentre(property(tray, "IconPixmap"));
        tray.show(model(Connection.CONNECTED, new Tunnel("home", TunnelState.ACTIVE)));
        String active = iconCentre(property(tray, "IconPixmap"));
        assertTrue(newIcon.await(3), "two more NewIcon signals, one per icon change; saw: " + newIcon.output());

        assertFalse(inactive.equals(active) || inactive.equals(activating) || active.equals(activating),
                "three different icons: " + inactive + " / " + activating + " / " + active);
        assertTrue(property(tray, "ToolTip").contains("Active: home"), property(tray, "ToolTip"));
    }

    /** The first pixmap's raw ARGB bytes around the top centre of the shield, as printed by gdbus. */
    private static String iconCentre(String gdbusPixmap) {
        Matcher m = Pattern.compile("\\(16, 16, \\[([^\\]]*)\\]").matcher(gdbusPixmap);
        assertTrue(m.find(), "a 16x16 pixmap in " + gdbusPixmap.substring(0, Math.min(200, gdbusPixmap.length())));
        String[] bytes = m.group(1).replace("byte ", "").split(",\\s*");
        assertEquals(16 * 16 * 4, bytes.length, "16x16 ARGB32");
        int px = (6 * 16 + 8) * 4; // row 6, column 8: inside the shield, away from the glyph
        return bytes[px] + "," + bytes[px + 1] + "," + bytes[px + 2] + "," + bytes[px + 3];
    }

    @Test
    void menuLayoutHasStatusTunnelsWithCheckmarksAndActions() throws Exception {
        watcher(true);
        SniTray tray = install().orElseThrow();
        tray.show(model(Connection.CONNECTED, new Tunnel("office", TunnelState.INACTIVE),
                new Tunnel("home", TunnelState.ACTIVE), new Tunnel("my_vpn", TunnelState.INACTIVE)));
        String layout = call(tray, SniTray.MENU_PATH, "com.canonical.dbusmenu.GetLayout", "0", "int32 -1", "[]");
        List<String> labels = new ArrayList<>();
        Matcher m = Pattern.compile("'label': <'([^']*)'>").matcher(layout);
        while (m.find()) {
            labels.add(m.group(1));
        }
        assertEquals(List.of("Active: home", "home", "my__vpn", "office", "Manage tunnels\u2026",
                "Import tunnel(s) from file\u2026", "Import from this computer\u2026", "Quit wgdesk"), labels, layout);
        assertEquals(3, count(layout, "'toggle-type': <'checkmark'>"));
        assertEquals(1, count(layout, "'toggle-state': <1>"), "only home is checked: " + layout);
        assertEquals(3, count(layout, "'type': <'separator'>"));
        String version = call(tray, SniTray.MENU_PATH, "org.freedesktop.DBus.Properties.Get", "com.canonical.dbusmenu",
                "Version");
        assertTrue(version.contains("uint32 3"), version);
    }

    @Test
    void clicksReachTheRightActions() throws Exception {
        watcher(true);
        SniTray tray = install().orElseThrow();
        tray.show(model(Connection.CONNECTED, new Tunnel("home", TunnelState.ACTIVE),
                new Tunnel("office", TunnelState.INACTIVE)));
        int office = idOf(call(tray, SniTray.MENU_PATH, "com.canonical.dbusmenu.GetLayout", "0", "int32 -1", "[]"), "office");

        click(tray, office);
        assertEquals("toggle office", actions.poll(WAIT_S, TimeUnit.SECONDS));
        click(tray, SniMenu.MANAGE);
        assertEquals("show", actions.poll(WAIT_S, TimeUnit.SECONDS));
        click(tray, SniMenu.IMPORT);
        assertEquals("import", actions.poll(WAIT_S, TimeUnit.SECONDS));
        click(tray, SniMenu.IMPORT_SYSTEM);
        assertEquals("import system", actions.poll(WAIT_S, TimeUnit.SECONDS));
        call(tray, SniTray.ITEM_PATH, "org.kde.StatusNotifierItem.Activate", "10", "10");
        assertEquals("show", actions.poll(WAIT_S, TimeUnit.SECONDS), "a left click on the icon opens the window");

        click(tray, SniMenu.STATUS);
        click(tray, 9999);
        // A tunnel list change keeps office's id; a click meant for a tunnel that is gone does nothing.
        tray.show(model(Connection.CONNECTED, new Tunnel("office", TunnelState.ACTIVE)));
        int officeAgain = idOf(call(tray, SniTray.MENU_PATH, "com.canonical.dbusmenu.GetLayout", "0", "int32 -1", "[]"),
                "office");
        assertEquals(office, officeAgain, "ids are stable across layouts");
        // While the helper is away, tunnel entries are disabled and clicks on them are ignored.
        tray.show(model(Connection.UNREACHABLE, new Tunnel("office", TunnelState.ACTIVE)));
        click(tray, office);
        click(tray, SniMenu.QUIT);
        assertEquals("quit", actions.poll(WAIT_S, TimeUnit.SECONDS), "the status line, an unknown id and a disabled"
                + " tunnel did nothing; quit did");
        assertNull(actions.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void moreThanTenTunnelsGoIntoASubmenu() throws Exception {
        watcher(true);
        SniTray tray = install().orElseThrow();
        List<Tunnel> many = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            many.add(new Tunnel("wg" + i, TunnelState.INACTIVE));
        }
        tray.show(model(Connection.CONNECTED, many.toArray(Tunnel[]::new)));
        String top = call(tray, SniTray.MENU_PATH, "com.canonical.dbusmenu.GetLayout", "0", "1", "[]");
        assertTrue(top.contains("'label': <'Tunnels'>"), top);
        assertFalse(top.contains("'wg1'"), "tunnels are not in the top level: " + top);
        String sub = call(tray, SniTray.MENU_PATH, "com.canonical.dbusmenu.GetLayout", String.valueOf(SniMenu.TUNNELS_SUBMENU),
                "int32 -1", "[]");
        assertTrue(sub.contains("'children-display': <'submenu'>"), sub);
        assertTrue(sub.indexOf("'wg2'") < sub.indexOf("'wg10'"), "natural order: " + sub);
        int wg11 = idOf(sub, "wg11");
        click(tray, wg11);
        assertEquals("toggle wg11", actions.poll(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void panelGoingAwayShowsTheWindowAndAReturningPanelGetsTheItemAgain() throws Exception {
        FakeWatcher w = watcher(true);
        SniTray tray = install().orElseThrow();
        assertNotNull(w.registered.poll(WAIT_S, TimeUnit.SECONDS));
        w.close();
        assertEquals("host lost", actions.poll(WAIT_S, TimeUnit.SECONDS));
        FakeWatcher again = watcher(true);
        assertEquals(tray.busName(), again.registered.poll(WAIT_S, TimeUnit.SECONDS));
        // The item leaves before the panel: the panel may still be answering the registration,
        // and dbus-java throws NotConnected on its worker thread if its connection closes then.
        tray.remove();
    }

    @Test
    void errorsBecomeDesktopNotificationsAndTheNextReplacesTheLast() throws Exception {
        watcher(true);
        FakeNotifications server = new FakeNotifications(bus.address());
        cleanup.add(server);
        SniTray tray = install().orElseThrow();
        tray.notify("wgdesk: something went wrong", "activating office failed: no route", true);
        FakeNotifications.Shown first = server.shown.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(first, "no notification");
        assertEquals("wgdesk", first.app());
        assertEquals("activating office failed: no route", first.body());
        assertEquals((byte) 2, first.urgency(), "errors are critical");
        assertEquals(0, first.replaces());
        tray.notify("wgdesk", "second", false);
        FakeNotifications.Shown second = server.shown.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(second);
        assertEquals(first.id(), second.replaces(), "replaces the last bubble instead of stacking");
        assertEquals((byte) 1, second.urgency());
    }

    @Test
    void aLastNotificationGoesOutBeforeTheTrayLeaves() throws Exception {
        watcher(true);
        FakeNotifications server = new FakeNotifications(bus.address());
        cleanup.add(server);
        SniTray tray = install().orElseThrow();
        tray.notify("wgdesk", "1 tunnel stays active in the helper.", false); // what quitting from the tray says
        tray.remove();
        FakeNotifications.Shown last = server.shown.poll(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(last, "the notification was lost when the tray closed its connection");
        assertEquals("1 tunnel stays active in the helper.", last.body());
    }

    @Test
    void noNotificationServerIsNotAnError() throws Exception {
        watcher(true);
        SniTray tray = install().orElseThrow();
        tray.notify("t", "nobody shows this", true);
        tray.show(model(Connection.CONNECTED, new Tunnel("home", TunnelState.ACTIVE)));
        assertTrue(property(tray, "ToolTip").contains("Active: home"), "the tray keeps working");
    }

    /**
     * Quitting from the tray menu where the click is handled on the thread that answers it (as
     * with {@link UiThread#direct()}): the tray is removed, so its D-Bus connection closes, while
     * that call is still being answered. dbus-java then waited 10 s for the call, closed, and
     * printed a NotConnected stack trace on its worker when the answer could not be sent. Now the
     * click is answered and nothing is printed or logged.
     */
    @Test
    void quittingFromTheMenuLeavesNoStackTrace() throws Exception {
        watcher(true);
        SniTray[] self = new SniTray[1];
        java.util.concurrent.CountDownLatch removed = new java.util.concurrent.CountDownLatch(1);
        TrayActions quitting = new TrayActions() {
            @Override
            public void toggleTunnel(String name) {
            }

            @Override
            public void showWindow() {
            }

            @Override
            public void importFromFile() {
            }

            @Override
            public void importFromSystem() {
            }

            @Override
            public void quit() {
                self[0].remove();
                removed.countDown();
            }
        };
        try (LogCapture log = LogCapture.start()) {
            SniTray tray = SniTray.install(bus.address(), quitting, UiThread.direct(), () -> { }).orElseThrow();
            self[0] = tray;
            cleanup.add(tray::remove);
            String answer;
            try {
                click(tray, SniMenu.QUIT);
                answer = "answered";
            } catch (java.io.IOException e) {
                answer = e.getMessage();
            }
            assertTrue(removed.await(WAIT_S, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            while (tray.connected() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(tray.connected(), "the connection closes");
            Thread.sleep(300); // a failing worker prints just after its call returns
            assertEquals("", log.text(), "nothing printed or logged at quit");
            assertEquals("answered", answer, "the click is answered before the connection closes");
        }
    }

    @Test
    void removeLeavesTheBus() throws Exception {
        watcher(true);
        SniTray tray = install().orElseThrow();
        String name = tray.busName();
        String has = bus.gdbus("call", "--session", "--dest", "org.freedesktop.DBus", "--object-path",
                "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.NameHasOwner", name);
        assertTrue(has.contains("true"), has);
        tray.remove();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        do {
            has = bus.gdbus("call", "--session", "--dest", "org.freedesktop.DBus", "--object-path",
                    "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.NameHasOwner", name);
        } while (has.contains("true") && System.nanoTime() < deadline && sleep());
        assertTrue(has.contains("false"), "the item's name is released: " + has);
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }

    private void click(SniTray tray, int id) throws Exception {
        call(tray, SniTray.MENU_PATH, "com.canonical.dbusmenu.Event", String.valueOf(id), "clicked", "<0>", "0");
    }

    /** The id of the item labelled {@code label} in gdbus's printout of a layout. */
    private static int idOf(String layout, String label) {
        Matcher m = Pattern.compile("\\((\\d+), \\{[^}]*'label': <'" + Pattern.quote(label) + "'>").matcher(layout);
        assertTrue(m.find(), label + " in " + layout);
        return Integer.parseInt(m.group(1));
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
