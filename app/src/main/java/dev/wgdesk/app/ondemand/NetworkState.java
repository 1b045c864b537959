package dev.wgdesk.app.ondemand;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The computer's connected networks as on-demand sees them: each active connection, its kind and,
 * for Wi-Fi, its SSID. Immutable; connections are kept sorted so that two states with the same
 * connections are equal whatever order the network source listed them in.
 *
 * @param connections the active connections (empty: no network)
 */
public record NetworkState(List<Connection> connections) {
    private static final Comparator<Connection> ORDER = Comparator.comparing(Connection::kind)
            .thenComparing(c -> c.ssid() == null ? "" : c.ssid()).thenComparing(Connection::device)
            .thenComparing(Connection::id);

    /** No connection at all. */
    public static final NetworkState NONE = new NetworkState(List.of());

    /** What kind of link a connection runs over. */
    public enum Kind {
        /** Wi-Fi (802.11), with an SSID. */
        WIFI,
        /** Wired Ethernet (802.3). */
        ETHERNET,
        /** Anything else (mobile broadband, VPNs, bridges, loopback...): on-demand ignores it. */
        OTHER
    }

    /**
     * One active connection.
     *
     * @param kind      its kind
     * @param ssid      the Wi-Fi network's name for {@link Kind#WIFI} (never null then), else null
     * @param device    the interface it runs on ({@code wlan0}), or "" when unknown
     * @param id        the connection's name in the network source (NetworkManager's connection id), or ""
     */
    public record Connection(Kind kind, String ssid, String device, String id) {
        public Connection {
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.WIFI) {
                Objects.requireNonNull(ssid, "a Wi-Fi connection's ssid");
            } else {
                ssid = null;
            }
            device = device == null ? "" : device;
            id = id == null ? "" : id;
        }

        /** A Wi-Fi connection to {@code ssid}. */
        public static Connection wifi(String ssid, String device) {
            return new Connection(Kind.WIFI, ssid, device, ssid);
        }

        /** A wired connection. */
        public static Connection ethernet(String device) {
            return new Connection(Kind.ETHERNET, null, device, device);
        }

        /** For people: {@code Wi-Fi "Cafe" (wlan0)}, {@code wired (eth0)}. */
        public String describe() {
            String on = device.isEmpty() ? "" : " (" + device + ")";
            return switch (kind) {
                case WIFI -> (ssid.isEmpty() ? "Wi-Fi (network name unknown)" : "Wi-Fi \"" + ssid + "\"") + on;
                case ETHERNET -> "wired" + on;
                case OTHER -> "other connection" + (id.isEmpty() ? "" : " \"" + id + "\"") + on;
            };
        }
    }

    public NetworkState {
        connections = connections.stream().map(Objects::requireNonNull).sorted(ORDER).toList();
    }

    /** The Wi-Fi and wired connections: those on-demand rules speak of. */
    public List<Connection> relevant() {
        return connections.stream().filter(c -> c.kind() != Kind.OTHER).toList();
    }

    /** For people: {@code Wi-Fi "Cafe" (wlan0), wired (eth0)} or {@code no network}. */
    public String describe() {
        List<Connection> r = relevant();
        return r.isEmpty() ? "no Wi-Fi or wired network" : String.join(", ", r.stream().map(Connection::describe).toList());
    }
}
