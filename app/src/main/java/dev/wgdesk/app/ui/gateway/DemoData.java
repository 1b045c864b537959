package dev.wgdesk.app.ui.gateway;

import dev.wgdesk.engine.crypto.PrivateKey;
import java.time.Clock;
import java.util.List;

/**
 * A {@link FakeHelperGateway} filled with two believable tunnels (one active) and a few log lines,
 * for the screenshot script and {@code wgdesk --demo}. The keys are freshly generated.
 */
public final class DemoData {
    private DemoData() {}

    private static String priv() {
        PrivateKey k = PrivateKey.generate();
        try {
            return k.toBase64();
        } finally {
            k.destroy();
        }
    }

    private static String pub() {
        PrivateKey k = PrivateKey.generate();
        try {
            return k.publicKey().toBase64();
        } finally {
            k.destroy();
        }
    }

    /** The "home" tunnel: a full tunnel through a home router. */
    public static String home() {
        return """
                # Home router (full tunnel)
                [Interface]
                PrivateKey = %s
                Address = 10.8.0.2/24, fd08::2/64
                DNS = 10.8.0.1

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 0.0.0.0/0, ::/0
                Endpoint = 203.0.113.24:51820
                PersistentKeepalive = 25
                """.formatted(priv(), pub(), priv());
    }

    /** The "office" tunnel: a split tunnel to two office subnets. */
    public static String office() {
        return """
                [Interface]
                PrivateKey = %s
                Address = 172.16.40.17/32
                DNS = 172.16.0.53, corp.example.com

                [Peer]
                PublicKey = %s
                AllowedIPs = 172.16.0.0/16, 10.20.0.0/16
                Endpoint = vpn.example.com:51820
                """.formatted(priv(), pub());
    }

    /** A wg-quick file of /etc/wireguard, a site-to-site link to a data centre. */
    public static String datacentre() {
        return """
                # Data centre (managed by wg-quick)
                [Interface]
                PrivateKey = %s
                Address = 10.60.0.2/24
                ListenPort = 51821

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.60.0.0/16
                Endpoint = 192.0.2.60:51820
                PersistentKeepalive = 25
                """.formatted(priv(), pub(), priv());
    }

    /** A NetworkManager connection, as wg-quick text. */
    public static String travel() {
        return """
                [Interface]
                PrivateKey = %s
                Address = 10.77.0.5/32, fd77::5/128
                DNS = 10.77.0.1

                [Peer]
                PublicKey = %s
                AllowedIPs = 0.0.0.0/0, ::/0
                Endpoint = travel.example.net:51820
                """.formatted(priv(), pub());
    }

    /**
     * Adds the demo's tunnels "on this computer": a wg-quick file (up now) and a NetworkManager
     * connection, importable as root would find them.
     */
    public static FakeHelperGateway withSystemTunnels(FakeHelperGateway g) {
        return g.withSystemTunnel("wg-quick", "/etc/wireguard/datacentre.conf", "datacentre", "datacentre", true,
                        datacentre(), List.of(), true)
                .withSystemTunnel("networkmanager", "/etc/NetworkManager/system-connections/Travel VPN.nmconnection",
                        "Travel-VPN", "wg-travel", false, travel(),
                        List.of("Travel VPN.nmconnection:5:1: [connection] autoconnect: is a NetworkManager setting"
                                + " wg-quick cannot express; not imported"), true);
    }

    /** A fake helper with "home" (active) and "office" (inactive), and some log lines. */
    public static FakeHelperGateway gateway(Clock clock) {
        FakeHelperGateway g = new FakeHelperGateway(clock)
                .with("home", home(), true)
                .with("office", office(), false);
        withSystemTunnels(g);
        g.log("INFO", null, "wgdesk-helper 0.1.0 started, listening on /run/wgdesk/helper.sock");
        g.log("INFO", "home", "restoring tunnel at start-up (autostart)");
        g.log("INFO", "home", "interface home created (MTU 1420)");
        g.log("INFO", "home", "routes added: 0.0.0.0/0, ::/0 (default route, untunneled traffic blocked)");
        g.log("INFO", "home", "DNS 10.8.0.1 applied");
        g.log("INFO", "home", "handshake with peer completed");
        g.log("WARNING", "office", "endpoint vpn.example.com resolved to 198.51.100.14");
        g.log("DEBUG", "home", "keepalive sent to peer");
        return g;
    }
}
