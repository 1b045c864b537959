package dev.wgdesk.app.ondemand;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * The networks as NetworkManager has them, over D-Bus (its documented API, version 1.x): the
 * {@code ActiveConnections} of {@code /org/freedesktop/NetworkManager}, each one's {@code Type}
 * ({@code 802-11-wireless}: Wi-Fi, {@code 802-3-ethernet}: wired, anything else: other),
 * {@code State} (only {@code ACTIVATED}, 2, counts), {@code Id}, its first device's
 * {@code Interface} and, for Wi-Fi, the {@code Ssid} of the access point in its
 * {@code SpecificObject} (else the {@code 802-11-wireless.ssid} of the saved connection in its
 * {@code Connection}). A Wi-Fi connection whose SSID cannot be read counts as an unknown
 * network (untrusted by "except" rules, not matched by "only" rules).
 *
 * <p>Changes: every {@code org.freedesktop.DBus.Properties.PropertiesChanged} under
 * {@code /org/freedesktop/NetworkManager}, and NetworkManager appearing on or leaving the bus
 * ({@code NameOwnerChanged}). Without NetworkManager on the bus, {@link #unavailableReason()} says
 * so, and the source keeps watching for it to start.
 */
public final class NetworkManagerSource implements NetworkSource {
    /** NetworkManager's bus name. */
    public static final String BUS_NAME = "org.freedesktop.NetworkManager";
    /** Its main object. */
    public static final String PATH = "/org/freedesktop/NetworkManager";
    static final String ACTIVE_IFACE = "org.freedesktop.NetworkManager.Connection.Active";
    static final String AP_IFACE = "org.freedesktop.NetworkManager.AccessPoint";
    static final String DEVICE_IFACE = "org.freedesktop.NetworkManager.Device";
    /** {@code NM_ACTIVE_CONNECTION_STATE_ACTIVATED}. */
    public static final int ACTIVATED = 2;

    private static final System.Logger LOG = System.getLogger("wgdesk.helper.ondemand");

    private final String address;
    private volatile DBusConnection bus;
    private volatile String connectError;
    private final List<AutoCloseable> handlers = new ArrayList<>();

    private NetworkManagerSource(String address) {
        this.address = address;
    }

    /** NetworkManager on the system bus. */
    public static NetworkManagerSource systemBus() {
        return new NetworkManagerSource(null);
    }

    /** NetworkManager on the bus at {@code address} (tests: a private bus with a fake NetworkManager). */
    public static NetworkManagerSource atAddress(String address) {
        return new NetworkManagerSource(Objects.requireNonNull(address, "address"));
    }

    @Override
    public synchronized void start(Runnable changed) {
        Objects.requireNonNull(changed, "changed");
        try {
            DBusConnection c = (address == null ? DBusConnectionBuilder.forSystemBus()
                    : DBusConnectionBuilder.forAddress(address)).withShared(false).build();
            bus = c;
            handlers.add(c.addSigHandler(Properties.PropertiesChanged.class, s -> {
                if (s.getPath().startsWith(PATH)) {
                    changed.run();
                }
            }));
            handlers.add(c.addSigHandler(DBus.NameOwnerChanged.class, s -> {
                if (BUS_NAME.equals(s.name)) {
                    LOG.log(System.Logger.Level.INFO, s.newOwner == null || s.newOwner.isEmpty()
                            ? "NetworkManager left the bus" : "NetworkManager is on the bus");
                    changed.run();
                }
            }));
        } catch (DBusException | RuntimeException e) {
            connectError = "cannot connect to the " + (address == null ? "system bus" : "D-Bus at " + address)
                    + " to ask NetworkManager about the networks: " + e.getMessage();
        }
    }

    @Override
    public Optional<String> unavailableReason() {
        if (connectError != null) {
            return Optional.of(connectError);
        }
        DBusConnection c = bus;
        if (c == null) {
            return Optional.of("the network source was not started");
        }
        try {
            DBus daemon = c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
            if (!daemon.NameHasOwner(BUS_NAME)) {
                return Optional.of("NetworkManager is not running (no " + BUS_NAME + " on the system bus), so wgdesk cannot"
                        + " tell which network the computer is on");
            }
            return Optional.empty();
        } catch (DBusException | DBusExecutionException e) {
            return Optional.of("cannot ask the bus whether NetworkManager runs: " + e.getMessage());
        }
    }

    @Override
    public NetworkState read() throws NetworkSourceException {
        Optional<String> why = unavailableReason();
        if (why.isPresent()) {
            throw new NetworkSourceException(why.get());
        }
        DBusConnection c = bus;
        try {
            Object paths = unwrap(props(c, PATH).Get(BUS_NAME, "ActiveConnections"));
            List<NetworkState.Connection> out = new ArrayList<>();
            if (paths instanceof List<?> list) {
                for (Object p : list) {
                    if (p instanceof DBusPath path) {
                        NetworkState.Connection conn = connection(c, path.getPath());
                        if (conn != null) {
                            out.add(conn);
                        }
                    }
                }
            }
            return new NetworkState(out);
        } catch (DBusException | DBusExecutionException e) {
            throw new NetworkSourceException("cannot read NetworkManager's active connections: " + e.getMessage(), e);
        }
    }

    /** One active connection, or null when it is not activated (yet) or went away meanwhile. */
    private static NetworkState.Connection connection(DBusConnection c, String path) throws DBusException {
        Map<String, Variant<?>> p;
        try {
            p = props(c, path).GetAll(ACTIVE_IFACE);
        } catch (DBusExecutionException e) {
            return null; // removed between the list and this call: the next change reads again
        }
        Object state = unwrap(p.get("State"));
        int st = state instanceof UInt32 u ? u.intValue() : state instanceof Number n ? n.intValue() : -1;
        if (st != ACTIVATED) {
            return null;
        }
        String type = string(p.get("Type"));
        String id = string(p.get("Id"));
        String device = "";
        if (unwrap(p.get("Devices")) instanceof List<?> devs && !devs.isEmpty() && devs.getFirst() instanceof DBusPath d) {
            try {
                device = string(props(c, d.getPath()).Get(DEVICE_IFACE, "Interface"));
            } catch (DBusExecutionException e) {
                device = "";
            }
        }
        return switch (type) {
            case "802-11-wireless" -> {
                String ssid = ssid(c, unwrap(p.get("SpecificObject")));
                if (ssid.isEmpty()) {
                    ssid = savedSsid(c, unwrap(p.get("Connection")));
                }
                yield new NetworkState.Connection(NetworkState.Kind.WIFI, ssid, device, id);
            }
            case "802-3-ethernet" -> new NetworkState.Connection(NetworkState.Kind.ETHERNET, null, device, id);
            default -> new NetworkState.Connection(NetworkState.Kind.OTHER, null, device, id);
        };
    }

    /**
     * The SSID in the saved connection's settings ({@code 802-11-wireless.ssid}), for when the
     * access point cannot be read (no {@code SpecificObject}, or it went away while roaming); ""
     * when that cannot be read either.
     */
    private static String savedSsid(DBusConnection c, Object conn) throws DBusException {
        if (!(conn instanceof DBusPath path) || path.getPath().equals("/")) {
            return "";
        }
        try {
            Map<String, Map<String, Variant<?>>> settings = c.getRemoteObject(BUS_NAME, path.getPath(),
                    NmSettingsConnection.class).GetSettings();
            Map<String, Variant<?>> wifi = settings == null ? null : settings.get("802-11-wireless");
            return wifi == null ? "" : text(unwrap(wifi.get("ssid")));
        } catch (DBusExecutionException e) {
            return "";
        }
    }

    /** The access point's SSID as UTF-8 text, or "" when it cannot be read. */
    private static String ssid(DBusConnection c, Object ap) throws DBusException {
        if (!(ap instanceof DBusPath path) || path.getPath().equals("/")) {
            return "";
        }
        Object v;
        try {
            v = unwrap(props(c, path.getPath()).Get(AP_IFACE, "Ssid"));
        } catch (DBusExecutionException e) {
            return "";
        }
        return text(v);
    }

    /** An {@code ay} value as UTF-8 text; "" for anything else. */
    private static String text(Object v) {
        byte[] bytes;
        if (v instanceof byte[] b) {
            bytes = b;
        } else if (v instanceof List<?> l) {
            bytes = new byte[l.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = ((Number) l.get(i)).byteValue();
            }
        } else {
            return "";
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Properties props(DBusConnection c, String path) throws DBusException {
        return c.getRemoteObject(BUS_NAME, path, Properties.class);
    }

    private static Object unwrap(Object v) {
        return v instanceof Variant<?> var ? var.getValue() : v;
    }

    private static String string(Object v) {
        Object u = unwrap(v);
        return u == null ? "" : u.toString();
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable h : handlers) {
            try {
                h.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        handlers.clear();
        DBusConnection c = bus;
        bus = null;
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the D-Bus connection: " + e);
            }
        }
    }
}
