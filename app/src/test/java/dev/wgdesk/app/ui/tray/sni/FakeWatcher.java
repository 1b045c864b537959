package dev.wgdesk.app.ui.tray.sni;

import dev.wgdesk.app.testsupport.ReadOnlyProperties;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.types.Variant;

/**
 * A StatusNotifierWatcher such as a desktop panel runs: owns {@code org.kde.StatusNotifierWatcher}
 * on its own connection, records registrations, and says whether a host is registered.
 */
public final class FakeWatcher extends ReadOnlyProperties implements StatusNotifierWatcherBus, AutoCloseable {
    public final BlockingQueue<String> registered = new LinkedBlockingQueue<>();
    private final boolean hostRegistered;
    private final DBusConnection bus;

    public FakeWatcher(String address, boolean hostRegistered) throws DBusException {
        this.hostRegistered = hostRegistered;
        bus = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        bus.exportObject(PATH, this);
        bus.requestBusName(BUS_NAME);
    }

    @Override
    public void RegisterStatusNotifierItem(String service) {
        registered.add(service);
    }

    @Override
    public String getObjectPath() {
        return PATH;
    }

    @Override
    public Map<String, Variant<?>> GetAll(String iface) {
        return Map.of("IsStatusNotifierHostRegistered", new Variant<>(hostRegistered),
                "ProtocolVersion", new Variant<>(0),
                "RegisteredStatusNotifierItems", new Variant<>(List.copyOf(registered), "as"));
    }

    /** Leaves the bus, as a panel that crashed or an extension that was turned off. */
    @Override
    public void close() throws Exception {
        bus.close();
    }
}
