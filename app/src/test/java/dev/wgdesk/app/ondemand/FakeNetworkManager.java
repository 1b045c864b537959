package dev.wgdesk.app.ondemand;

import dev.wgdesk.app.testsupport.ReadOnlyProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * A NetworkManager as far as on-demand asks it, exported on a test's private bus under
 * NetworkManager's bus name and object paths: the manager's {@code ActiveConnections}, active
 * connections ({@code Type}, {@code Id}, {@code State}, {@code Devices}, {@code SpecificObject}),
 * devices ({@code Interface}) and access points ({@code Ssid} as bytes), with
 * {@code PropertiesChanged} sent when the active connections change, as NetworkManager does.
 */
public final class FakeNetworkManager implements AutoCloseable {
    private final DBusConnection bus;
    private final Map<String, Obj> objects = new ConcurrentHashMap<>();
    private final Obj manager = new Obj(NetworkManagerSource.PATH);
    private int next = 1;

    public FakeNetworkManager(String address) throws DBusException {
        bus = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        manager.props.put(NetworkManagerSource.BUS_NAME, new ConcurrentHashMap<>(Map.of("ActiveConnections",
                new Variant<>(List.of(), "ao"))));
        bus.exportObject(NetworkManagerSource.PATH, manager);
        bus.requestBusName(NetworkManagerSource.BUS_NAME);
    }

    /** Adds an active connection in {@code state}; {@code ssid} null for anything but Wi-Fi. Returns its path. */
    public synchronized String add(String type, String id, String iface, String ssid, int state) throws DBusException {
        return add(type, id, iface, ssid, state, true);
    }

    /**
     * As {@link #add(String, String, String, String, int)}; without {@code withAccessPoint} a Wi-Fi
     * connection's {@code SpecificObject} is "/" and its SSID is only in the saved connection's settings.
     */
    public synchronized String add(String type, String id, String iface, String ssid, int state, boolean withAccessPoint)
            throws DBusException {
        int n = next++;
        String settingsPath = NetworkManagerSource.PATH + "/Settings/" + n;
        Map<String, Map<String, Variant<?>>> settings = new java.util.HashMap<>();
        settings.put("connection", Map.of("id", new Variant<>(id), "type", new Variant<>(type)));
        if (ssid != null) {
            settings.put("802-11-wireless", Map.of("ssid", new Variant<>(ssid.getBytes(StandardCharsets.UTF_8), "ay")));
        }
        bus.exportObject(settingsPath, new SavedConnection(settingsPath, settings));
        String dev = NetworkManagerSource.PATH + "/Devices/" + n;
        export(dev, NetworkManagerSource.DEVICE_IFACE, Map.of("Interface", new Variant<>(iface)));
        String specific = "/";
        if (ssid != null && withAccessPoint) {
            specific = NetworkManagerSource.PATH + "/AccessPoint/" + n;
            export(specific, NetworkManagerSource.AP_IFACE, Map.of("Ssid",
                    new Variant<>(ssid.getBytes(StandardCharsets.UTF_8), "ay")));
        }
        String path = NetworkManagerSource.PATH + "/ActiveConnection/" + n;
        export(path, NetworkManagerSource.ACTIVE_IFACE, Map.of(
                "Type", new Variant<>(type), "Id", new Variant<>(id), "State", new Variant<>(new UInt32(state)),
                "Devices", new Variant<>(List.of(new DBusPath(dev)), "ao"),
                "SpecificObject", new Variant<>(new DBusPath(specific)),
                "Connection", new Variant<>(new DBusPath(settingsPath))));
        List<DBusPath> list = new ArrayList<>(activeList());
        list.add(new DBusPath(path));
        setActive(list);
        return path;
    }

    /** Removes an active connection, as when a network is left. */
    public synchronized void remove(String path) throws DBusException {
        List<DBusPath> list = new ArrayList<>(activeList());
        list.removeIf(p -> p.getPath().equals(path));
        bus.unExportObject(path);
        objects.remove(path);
        setActive(list);
    }

    @SuppressWarnings("unchecked")
    private List<DBusPath> activeList() {
        return (List<DBusPath>) manager.props.get(NetworkManagerSource.BUS_NAME).get("ActiveConnections").getValue();
    }

    private void setActive(List<DBusPath> list) throws DBusException {
        Variant<?> v = new Variant<>(List.copyOf(list), "ao");
        manager.props.get(NetworkManagerSource.BUS_NAME).put("ActiveConnections", v);
        bus.sendMessage(new Properties.PropertiesChanged(NetworkManagerSource.PATH, NetworkManagerSource.BUS_NAME,
                Map.of("ActiveConnections", v), List.of()));
    }

    private void export(String path, String iface, Map<String, Variant<?>> props) throws DBusException {
        Obj o = new Obj(path);
        o.props.put(iface, new ConcurrentHashMap<>(props));
        objects.put(path, o);
        bus.exportObject(path, o);
    }

    @Override
    public void close() throws Exception {
        bus.close();
    }

    /** A saved connection: its settings (what GetSettings answers). */
    private record SavedConnection(String path, Map<String, Map<String, Variant<?>>> settings)
            implements NmSettingsConnection {
        @Override
        public Map<String, Map<String, Variant<?>>> GetSettings() {
            return settings;
        }

        @Override
        public String getObjectPath() {
            return path;
        }
    }

    /** One exported object: its properties per interface. */
    private static final class Obj extends ReadOnlyProperties {
        final String path;
        final Map<String, Map<String, Variant<?>>> props = new ConcurrentHashMap<>();

        Obj(String path) {
            this.path = path;
        }

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            Map<String, Variant<?>> m = props.get(iface);
            if (m == null) {
                throw new DBusExecutionException("no interface " + iface + " on " + path);
            }
            return Map.copyOf(m);
        }

        @Override
        public String getObjectPath() {
            return path;
        }
    }
}
