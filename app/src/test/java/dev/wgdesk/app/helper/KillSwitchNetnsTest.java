package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.platform.linux.net.CommandException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The Linux kill switch ("Block untunneled traffic") judged by what the namespace does, with the
 * real helper and backend in namespace A and a wireguard-go peer in B ({@link HelperInNetns}):
 * <pre>
 *   [A: tunnel]  vA 10.99.0.1/24 fd99::1/64 ---- vB 10.99.0.2/24 fd99::2/64  [B: wireguard-go; lo 198.51.100.1, 2001:db8:ffff::1]
 * </pre>
 * A's default routes (v4 and v6) go through B, so 198.51.100.1 and 2001:db8:ffff::1 are "the
 * internet" (reached through a gateway) and B's 10.99.0.2 / fd99::2 are the LAN. With the switch
 * on ({@code 0.0.0.0/0}): pings through the tunnel work, a ping forced out of vA
 * ({@code ping -I}, SO_BINDTODEVICE) is dropped and counted, IPv6 to the internet is dropped too
 * (an IPv4-only full tunnel), the LAN answers; after the tunnel's interface is deleted (the engine
 * dies) the internet stays unreachable until the user deactivates; then everything is as before.
 * With the switch off (two /1 halves) there is no filter and the forced ping gets through, which
 * shows the drop above is the kill switch's doing. While the tunnel is up, a subnet added to or
 * removed from the physical interface joins or leaves the LAN let through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class KillSwitchNetnsTest {
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes \\d+ drop");

    private ConnectedNetns net;
    private HelperInNetns h;
    private IpcClient client;
    private String privateKey;
    private final String name = "wgk" + ProcessHandle.current().pid() % 100_000;

    @BeforeAll
    void setUp() throws Exception {
        net = ConnectedNetns.connect("kill switch namespace tests", "k", false, "10.200.0.1/32");
        h = net.helper();
        privateKey = net.key().toBase64();
        h.a("-6", "address", "add", "fd99::1/64", "dev", h.vethA, "nodad");
        h.b("-6", "address", "add", "fd99::2/64", "dev", h.vethB, "nodad");
        h.a("-6", "route", "add", "default", "via", "fd99::2");
        client = net.client();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    private String config(String allowedIps) {
        return "[Interface]\nPrivateKey = " + privateKey + "\nAddress = 10.200.0.1/24\n[Peer]\nPublicKey = "
                + h.peerPublicKey + "\nEndpoint = 10.99.0.2:51820\nAllowedIPs = " + allowedIps + "\n";
    }

    /** Exit code of one short ping from A (no retries). */
    private int pingOnce(String... args) throws CommandException {
        String[] cmd = new String[args.length + 5];
        cmd[0] = "ping";
        cmd[1] = "-c";
        cmd[2] = "2";
        cmd[3] = "-W";
        cmd[4] = "1";
        System.arraycopy(args, 0, cmd, 5, args.length);
        return h.inA(cmd).exitCode();
    }

    /** The kill switch's output drop counter. */
    private long dropped() throws CommandException {
        return droppedIn(name);
    }

    private long droppedIn(String tunnel) throws CommandException {
        String chain = h.inA("nft", "list", "chain", "inet", "wgdesk-" + tunnel, "killout").stdout();
        Matcher m = COUNTER.matcher(chain);
        assertTrue(m.find(), chain);
        return Long.parseLong(m.group(1));
    }

    @Test
    void switchOnBlocksEverythingButTheTunnelAndTheLanEvenAfterTheEngineDies() throws Exception {
        String before = RealBackendScenariosTest.withoutLinkLocal(h.routingState());
        client.importConfig(name, config("0.0.0.0/0"));
        try {
            TunnelStatus s = client.activate(name);
            assertEquals(TunnelState.ACTIVE, s.state());
            assertEquals(List.of(), s.warnings());
            assertTrue(h.nftTables().contains("table inet wgdesk-" + name), h.nftTables());

            long rx = h.peerRxBytes();
            h.ping("198.51.100.1");
            assertTrue(h.peerRxBytes() - rx >= 2 * (84 + 32), "the pings went through the tunnel");
            h.ping("10.99.0.2"); // the LAN stays direct
            h.ping("fd99::2");

            long d0 = dropped();
            assertNotEquals(0, pingOnce("-I", h.vethA, "198.51.100.1"), "forced out of the physical interface");
            long d1 = dropped();
            assertTrue(d1 - d0 >= 2, "the kill switch dropped the forced pings: " + d0 + " -> " + d1);
            assertNotEquals(0, pingOnce("-6", "2001:db8:ffff::1"), "no IPv6 outside an IPv4 full tunnel");
            assertTrue(dropped() - d1 >= 2, "the IPv6 pings were dropped by the kill switch");

            h.a("link", "del", name); // the engine dies with its interface
            TunnelStatus failed = null;
            for (int i = 0; i < 100; i++) {
                failed = client.status(name);
                if (failed.state() == TunnelState.FAILED) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(TunnelState.FAILED, failed.state());
            assertTrue(failed.error().contains("kill switch keeps blocking"), failed.error());
            assertTrue(h.a("-4", "route", "get", "198.51.100.1").contains("dev " + h.vethA),
                    "the tunnel's routes are gone: the main table's default route would be used");
            long d2 = dropped();
            assertNotEquals(0, pingOnce("198.51.100.1"), "still blocked after the engine died");
            assertTrue(dropped() - d2 >= 2, "dropped by the kill switch");
            h.ping("10.99.0.2");

            client.deactivate(name);
            assertEquals(TunnelState.INACTIVE, client.status(name).state());
            assertEquals("", h.nftTables());
            assertEquals(before, RealBackendScenariosTest.withoutLinkLocal(h.routingState()));
            assertEquals(0, pingOnce("-I", h.vethA, "198.51.100.1"), "direct again once deactivated");
            assertEquals(List.of(), h.journals());
        } finally {
            client.deactivate(name);
            client.delete(name);
        }
    }

    /** Pings until {@code wanted} (reachable or not) holds; false if it still does not after about 10 s. */
    private boolean pingsUntil(boolean wanted, String... args) throws Exception {
        for (int i = 0; i < 10; i++) {
            if ((pingOnce(args) == 0) == wanted) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private String lanSets() throws CommandException {
        return h.inA("nft", "list", "set", "inet", "wgdesk-" + name + "l", "lan4").stdout()
                + h.inA("nft", "list", "set", "inet", "wgdesk-" + name + "l", "lan6").stdout();
    }

    /**
     * The machine joins another network while the tunnel is up: a new subnet on the physical
     * interface (10.98.0.0/24 and fd98::/64, addresses on both ends) becomes LAN without
     * reconnecting, and once A's address in it is gone, packets to it leaving by the physical
     * interface are dropped again.
     */
    @Test
    void theLanFollowsTheRoutingTableWhileTheTunnelIsUp() throws Exception {
        String n = name + "l";
        client.importConfig(n, config("0.0.0.0/0"));
        try {
            assertEquals(TunnelState.ACTIVE, client.activate(n).state());
            h.b("address", "add", "10.98.0.2/24", "dev", h.vethB);
            h.b("-6", "address", "add", "fd98::2/64", "dev", h.vethB, "nodad");
            h.a("address", "add", "10.98.0.1/24", "dev", h.vethA);
            h.a("-6", "address", "add", "fd98::1/64", "dev", h.vethA, "nodad");

            assertTrue(pingsUntil(true, "10.98.0.2"), "the new IPv4 LAN becomes reachable: " + lanSets());
            assertTrue(pingsUntil(true, "-6", "fd98::2"), "the new IPv6 LAN becomes reachable: " + lanSets());
            h.ping("10.99.0.2"); // the old LAN, still connected, stays
            long rx = h.peerRxBytes();
            h.ping("198.51.100.1");
            assertTrue(h.peerRxBytes() - rx >= 2 * (84 + 32), "the tunnel is untouched");

            h.a("address", "del", "10.98.0.1/24", "dev", h.vethA);
            h.a("-6", "address", "del", "fd98::1/64", "dev", h.vethA);
            assertTrue(pingsUntil(false, "-I", h.vethA, "10.98.0.2"), "no longer LAN: " + lanSets());
            assertTrue(pingsUntil(false, "-6", "-I", h.vethA, "fd98::2"), "no longer LAN: " + lanSets());
            long d0 = droppedIn(n);
            assertNotEquals(0, pingOnce("-I", h.vethA, "10.98.0.2"));
            assertTrue(droppedIn(n) - d0 >= 2, "dropped by the kill switch, not lost elsewhere");
            h.ping("10.99.0.2");
        } finally {
            client.deactivate(n);
            client.delete(n);
            h.inA("ip", "address", "del", "10.98.0.1/24", "dev", h.vethA);
            h.inA("ip", "-6", "address", "del", "fd98::1/64", "dev", h.vethA);
            h.b("address", "flush", "dev", h.vethB, "to", "10.98.0.0/24");
            h.b("-6", "address", "flush", "dev", h.vethB, "to", "fd98::/64");
        }
    }

    /** A kill switch left by a dead engine is removed at the helper's next start (journal clean-up). */
    @Test
    void aKillSwitchLeftWhenTheHelperStopsIsRemovedAtItsNextStart() throws Exception {
        String n = name + "r";
        client.importConfig(n, config("0.0.0.0/0"));
        try {
            assertEquals(TunnelState.ACTIVE, client.activate(n).state());
            h.a("link", "del", n);
            for (int i = 0; i < 100 && client.status(n).state() != TunnelState.FAILED; i++) {
                Thread.sleep(100);
            }
            assertEquals(TunnelState.FAILED, client.status(n).state());
            assertEquals(List.of(n + ".json"), h.journals(), "the journal is kept for the kill switch");
            client.close();
            client = null;
            h.stop(); // leaves the failed tunnel's kill switch: it blocks until the next start
            assertTrue(h.nftTables().contains("wgdesk-" + n), h.nftTables());
            assertNotEquals(0, pingOnce("198.51.100.1"), "blocked while the helper is stopped");
            h.start();
            client = h.client();
            assertEquals("", h.nftTables(), "removed by the journal clean-up");
            assertEquals(List.of(), h.journals());
            h.ping("198.51.100.1"); // direct, as before the tunnel
        } finally {
            if (client != null) {
                client.deactivate(n);
                client.delete(n);
            }
        }
    }

    @Test
    void switchOffHasNoFilterAndTheForcedPingLeaves() throws Exception {
        client.importConfig(name + "h", config("0.0.0.0/1, 128.0.0.0/1"));
        try {
            assertEquals(TunnelState.ACTIVE, client.activate(name + "h").state());
            assertEquals("", h.nftTables(), "no packet filter for the /1 halves");
            long rx = h.peerRxBytes();
            h.ping("198.51.100.1");
            assertTrue(h.peerRxBytes() - rx >= 2 * (84 + 32), "the pings went through the tunnel");
            assertEquals(0, pingOnce("-I", h.vethA, "198.51.100.1"), "without the kill switch a forced ping gets out");
        } finally {
            client.deactivate(name + "h");
            client.delete(name + "h");
        }
    }
}
