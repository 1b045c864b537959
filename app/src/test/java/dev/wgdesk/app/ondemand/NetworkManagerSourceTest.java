package dev.wgdesk.app.ondemand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ondemand.NetworkState.Connection;
import dev.wgdesk.app.ui.tray.sni.SessionBus;
import dev.wgdesk.engine.testing.Requirements;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NetworkManagerSource} against {@link FakeNetworkManager} on a private dbus-daemon bus:
 * what it reads, the changes it reports, and NetworkManager missing, arriving and leaving.
 */
class NetworkManagerSourceTest {
    @TempDir
    Path dir;
    private SessionBus bus;
    private NetworkManagerSource source;
    private final Semaphore changes = new Semaphore(0);

    @BeforeEach
    void startBus() throws Exception {
        Requirements.require(SessionBus.available(), "dbus-daemon is not installed (Debian: dbus-daemon); .ci/run installs it");
        bus = SessionBus.start(dir);
        source = NetworkManagerSource.atAddress(bus.address());
        source.start(changes::release);
    }

    @AfterEach
    void stop() throws Exception {
        if (source != null) {
            source.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    /** Waits for at least one change notification, then lets the burst settle. */
    private void awaitChange() throws InterruptedException {
        assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "a change was reported");
        Thread.sleep(100);
        changes.drainPermits();
    }

    @Test
    void withoutNetworkManagerItSaysSoLoudly() {
        String why = source.unavailableReason().orElseThrow();
        assertTrue(why.contains("NetworkManager is not running"), why);
        NetworkSource.NetworkSourceException e = assertThrows(NetworkSource.NetworkSourceException.class, source::read);
        assertTrue(e.getMessage().contains("NetworkManager"), e.getMessage());
    }

    @Test
    void readsActiveConnectionsAndReportsChanges() throws Exception {
        try (FakeNetworkManager nm = new FakeNetworkManager(bus.address())) {
            awaitChange(); // NetworkManager arrived on the bus
            assertTrue(source.unavailableReason().isEmpty(), String.valueOf(source.unavailableReason()));
            assertEquals(NetworkState.NONE, source.read());

            String wifi = nm.add("802-11-wireless", "Cafe Free", "wlan0", "Café Free", NetworkManagerSource.ACTIVATED);
            awaitChange();
            assertEquals(new NetworkState(List.of(new Connection(NetworkState.Kind.WIFI, "Café Free", "wlan0", "Cafe Free"))),
                    source.read(), "the SSID is the access point's bytes as UTF-8, not the connection's name");

            nm.add("802-3-ethernet", "Wired connection 1", "eth0", null, NetworkManagerSource.ACTIVATED);
            nm.add("loopback", "lo", "lo", null, NetworkManagerSource.ACTIVATED);
            nm.add("802-11-wireless", "Next", "wlan1", "Next", 1); // still activating: not counted
            awaitChange();
            NetworkState s = source.read();
            assertEquals(List.of(new Connection(NetworkState.Kind.WIFI, "Café Free", "wlan0", "Cafe Free"),
                    new Connection(NetworkState.Kind.ETHERNET, null, "eth0", "Wired connection 1"),
                    new Connection(NetworkState.Kind.OTHER, null, "lo", "lo")), s.connections());

            nm.remove(wifi);
            awaitChange();
            assertEquals(List.of(NetworkState.Kind.ETHERNET), source.read().relevant().stream().map(Connection::kind).toList());

            // No access point to read (SpecificObject "/"): the SSID comes from the saved connection.
            String saved = nm.add("802-11-wireless", "Office 5G", "wlan0", "Office", NetworkManagerSource.ACTIVATED, false);
            awaitChange();
            assertTrue(source.read().connections().contains(new Connection(NetworkState.Kind.WIFI, "Office", "wlan0",
                    "Office 5G")), source.read().describe());
            nm.remove(saved);
            awaitChange();
            assertEquals(List.of(NetworkState.Kind.ETHERNET), source.read().relevant().stream().map(Connection::kind).toList());
        }
        awaitChange(); // NetworkManager left the bus
        assertTrue(source.unavailableReason().orElseThrow().contains("not running"));
    }

    @Test
    void unreachableBusIsAnErrorNotSilence() {
        try (NetworkManagerSource s = NetworkManagerSource.atAddress("unix:path=" + dir.resolve("no-such-bus"))) {
            s.start(() -> { });
            String why = s.unavailableReason().orElseThrow();
            assertTrue(why.contains("cannot connect"), why);
            assertThrows(NetworkSource.NetworkSourceException.class, s::read);
        }
    }
}
