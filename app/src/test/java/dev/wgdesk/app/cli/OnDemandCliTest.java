package dev.wgdesk.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.app.ondemand.FakeNetworkManager;
import dev.wgdesk.app.ondemand.NetworkManagerSource;
import dev.wgdesk.app.ui.tray.sni.SessionBus;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wgdesk ondemand} end to end: the CLI, a real helper (fake tunnel backend) whose
 * on-demand asks a fake NetworkManager on a private dbus-daemon bus, the tunnel coming up on an
 * untrusted Wi-Fi and going down on a trusted one, and the status saying why.
 */
class OnDemandCliTest {
    @TempDir
    Path dir;
    private SessionBus bus;
    private CliHarness cli;
    private Path socket;
    private String out;
    private String err;

    @BeforeEach
    void start() throws Exception {
        Requirements.require(SessionBus.available(), "dbus-daemon is not installed (Debian: dbus-daemon); .ci/run installs it");
        bus = SessionBus.start(Files.createDirectories(dir.resolve("bus")));
        System.setProperty("wgdesk.onDemand.bus", bus.address());
        cli = CliHarness.start(dir);
        socket = cli.socket();
    }

    @AfterEach
    void stop() throws Exception {
        System.clearProperty("wgdesk.onDemand.bus");
        if (cli != null) {
            cli.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    private int run(String... args) {
        CliHarness.Result r = cli.run(args);
        out = r.out();
        err = r.err();
        return r.code();
    }

    /**
     * The status once the tunnel is {@code want} and on-demand has recorded its decision: the
     * state changes while on-demand acts, its decision is recorded just after.
     */
    private TunnelStatus awaitState(String name, TunnelState want, String decision) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        try (IpcClient c = IpcClient.connect(socket)) {
            while (true) {
                TunnelStatus s = c.status(name);
                if (s.state() == want && s.onDemand() != null && decision.equals(s.onDemand().decision())) {
                    return s;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + " did not become " + want + " with decision " + decision + ": " + s);
                }
                Thread.sleep(50);
            }
        }
    }

    private void importTunnel(String name) throws Exception {
        Path f = Files.writeString(dir.resolve(name + ".conf"), "[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64()
                + "\nAddress = 10.9.0.1/24\n\n[Peer]\nPublicKey = " + PrivateKey.generate().publicKey().toBase64()
                + "\nAllowedIPs = 10.1.0.0/16\n");
        assertEquals(Main.EXIT_OK, run("import", f.toString()), err);
    }

    @Test
    void upOnUntrustedWifiDownOnTrustedWithReasons() throws Exception {
        importTunnel("vpn");
        try (FakeNetworkManager nm = new FakeNetworkManager(bus.address())) {
            String cafe = nm.add("802-11-wireless", "Cafe", "wlan0", "Cafe", NetworkManagerSource.ACTIVATED);

            assertEquals(Main.EXIT_OK, run("ondemand", "vpn"), err);
            assertTrue(out.contains("on-demand off"), out);

            assertEquals(Main.EXIT_OK, run("ondemand", "vpn", "--wifi-except", "Home, Office", "--ethernet", "off"), err);
            assertTrue(out.contains("Wi-Fi: except \"Home\", \"Office\"; wired: off"), out);
            TunnelStatus up = awaitState("vpn", TunnelState.ACTIVE, "up");
            assertEquals("up", up.onDemand().decision());

            assertEquals(Main.EXIT_OK, run("show", "vpn"), err);
            assertTrue(out.contains("on-demand: Wi-Fi: except \"Home\", \"Office\"; wired: off"), out);
            assertTrue(out.contains("brought up by on-demand: on Wi-Fi \"Cafe\" (wlan0)"), out);

            nm.remove(cafe);
            nm.add("802-11-wireless", "Home", "wlan0", "Home", NetworkManagerSource.ACTIVATED);
            TunnelStatus down = awaitState("vpn", TunnelState.INACTIVE, "down");
            assertEquals("down", down.onDemand().decision(), String.valueOf(down.onDemand()));
            assertEquals(Main.EXIT_OK, run("ondemand", "vpn"), err);
            assertTrue(out.contains("brought down by on-demand: on Wi-Fi \"Home\" (wlan0), trusted"), out);

            // --ethernet alone keeps the Wi-Fi part
            assertEquals(Main.EXIT_OK, run("ondemand", "vpn", "--ethernet", "on"), err);
            assertTrue(out.contains("Wi-Fi: except \"Home\", \"Office\"; wired: on"), out);
            assertEquals(Main.EXIT_OK, run("ondemand", "vpn", "--off"), err);
            assertTrue(out.contains("on-demand off"), out);
        }
    }

    @Test
    void badRulesAreUsageErrorsNamingTheField() throws Exception {
        importTunnel("vpn");
        assertEquals(Main.EXIT_USAGE, run("ondemand", "vpn", "--wifi-only", "Cafe,,Bar"));
        assertTrue(err.contains("ssids[1]") && err.contains("empty"), err);
        assertEquals(Main.EXIT_USAGE, run("ondemand", "vpn", "--wifi-only", "x".repeat(33)));
        assertTrue(err.contains("ssids[0]") && err.contains("33 bytes"), err);
        assertEquals(Main.EXIT_USAGE, run("ondemand", "vpn", "--wifi", "any", "--wifi-only", "A"));
        assertEquals(Main.EXIT_USAGE, run("ondemand", "vpn", "--ethernet", "maybe"));
        assertEquals(Main.EXIT_USAGE, run("ondemand", "vpn", "--wifi", "sometimes"));
        assertEquals(Main.EXIT_OK, run("ondemand", "vpn", "--wifi-only", "Caf\\,e, Bar"), err);
        assertTrue(out.contains("only \"Caf,e\", \"Bar\""), out);
    }

    @Test
    void withoutNetworkManagerTheStatusSaysSo() throws Exception {
        importTunnel("vpn");
        assertEquals(Main.EXIT_OK, run("ondemand", "vpn", "--wifi", "any"), err);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!out.contains("NetworkManager is not running") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            run("ondemand", "vpn");
        }
        assertTrue(out.contains("on-demand unavailable: NetworkManager is not running"), out);
        assertEquals(Main.EXIT_OK, run("log", "-n", "50"), err);
        assertTrue(out.contains("On-demand is unavailable") && out.contains("vpn"), out);
    }
}
