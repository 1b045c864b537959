package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ipc.PeerStatus;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.net.DatagramSocket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15 item 5, the rest of the helper's harder paths with the real Linux backend in a
 * namespace ({@link HelperInNetns}), each judged by what the namespace does (routes taken,
 * packets reaching the wireguard-go peer) rather than by the commands issued: an IPv6-only full
 * tunnel; endpoints given as host names; {@code Table} and {@code FwMark}; a restore that fails
 * when the helper starts; saving a tunnel while it runs; two clients racing on one tunnel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class RealBackendScenariosTest {
    private ConnectedNetns net;
    private HelperInNetns h;
    private IpcClient client;
    private String privateKey;

    @BeforeAll
    void setUp() throws Exception {
        net = ConnectedNetns.connect("real-backend scenario tests", "s", false, "10.200.0.1/32,fd20::1/128");
        h = net.helper();
        privateKey = net.key().toBase64();
        client = net.client();
    }

    @AfterAll
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    private String config(String interfaceLines, String allowedIps) {
        return "[Interface]\nPrivateKey = " + privateKey + "\n" + interfaceLines + "\n[Peer]\nPublicKey = "
                + h.peerPublicKey + "\nEndpoint = 10.99.0.2:51820\nAllowedIPs = " + allowedIps + "\n";
    }

    /** A new interface gets a new random IPv6 link-local address; everything else must match. */
    /**
     * The routing state with the kernel's own link-local routes of each interface left out: their
     * addresses are random and, when an interface is re-created, the kernel lists them in another
     * order.
     */
    static String withoutLinkLocal(String routingState) {
        return routingState.lines().filter(l -> !l.contains("fe80::")).collect(java.util.stream.Collectors.joining("\n"));
    }

    private static List<String> lines(String s) {
        return s.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void anIpv6OnlyFullTunnelCarriesIpv6AndLeavesIpv4Alone() throws Exception {
        String before = h.routingState();
        String rulesV4 = h.a("-4", "rule");
        client.importConfig("six", config("Address = fd20::1/64\n", "::/0"));
        try {
            TunnelStatus s = client.activate("six");
            assertEquals(TunnelState.ACTIVE, s.state());
            assertEquals(List.of(), s.warnings());
            String rules = h.a("-6", "rule");
            assertTrue(rules.contains("not from all fwmark 0xca6c lookup 51820"), rules);
            assertTrue(rules.contains("from all lookup main suppress_prefixlength 0"), rules);
            assertEquals(rulesV4, h.a("-4", "rule"), "no IPv4 policy rules for an IPv6 full tunnel");
            assertTrue(h.a("-6", "route", "get", "2001:db8:ffff::1").contains("dev six table 51820"));
            assertTrue(h.a("-4", "route", "get", "198.51.100.1").contains("dev " + h.vethA), "IPv4 stays outside");
            String table = h.inA("nft", "list", "table", "inet", "wgdesk-six").stdout();
            assertTrue(table.contains("meta nfproto ipv6 meta l4proto udp meta mark 0x0000ca6c ct mark set meta mark"), table);
            assertFalse(table.contains("meta nfproto ipv4 meta l4proto udp"), "no IPv4 connection marks: " + table);

            long rx = h.peerRxBytes();
            h.ping("2001:db8:ffff::1"); // only B's loopback has it: reached through the peer or not at all
            assertTrue(h.peerRxBytes() - rx >= 2 * (104 + 32), "the IPv6 pings went through the tunnel");
            client.deactivate("six");
            assertEquals(before, h.routingState());
            assertEquals("", h.nftTables());
        } finally {
            client.deactivate("six");
            client.delete("six");
        }
    }

    private static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Two tunnels of this helper are each other's peer, one reaching the other at
     * {@code localhost}: the name is resolved at activation and the handshake happens over it.
     */
    @Test
    void anEndpointGivenAsAHostNameIsResolvedAndUsed() throws Exception {
        PrivateKey kx = PrivateKey.generate();
        PrivateKey ky = PrivateKey.generate();
        int px = freePort();
        int py = freePort();
        client.importConfig("hx", "[Interface]\nPrivateKey = " + kx.toBase64() + "\nListenPort = " + px
                + "\nAddress = 10.77.0.1/32\n\n[Peer]\nPublicKey = " + ky.publicKey().toBase64()
                + "\nEndpoint = localhost:" + py + "\nAllowedIPs = 10.77.0.2/32\nPersistentKeepalive = 1\n");
        client.importConfig("hy", "[Interface]\nPrivateKey = " + ky.toBase64() + "\nListenPort = " + py
                + "\nAddress = 10.77.0.2/32\n\n[Peer]\nPublicKey = " + kx.publicKey().toBase64()
                + "\nAllowedIPs = 10.77.0.1/32\n");
        BlockingQueue<IpcEvent> events = new LinkedBlockingQueue<>();
        try (IpcClient.Subscription sub = client.subscribe(events::add)) {
            client.activate("hy");
            TunnelStatus x = client.activate("hx");
            String ep = x.peers().getFirst().endpoint();
            assertTrue(ep.equals("127.0.0.1:" + py) || ep.equals("[::1]:" + py), "localhost resolved: " + ep);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean handshake = false;
            while (!handshake && System.nanoTime() < deadline) {
                IpcEvent e = events.poll(200, TimeUnit.MILLISECONDS);
                handshake = e instanceof IpcEvent.HandshakeCompleted hc && hc.name().equals("hy");
            }
            assertTrue(handshake, "hy completed a handshake with hx, which found it by name");
            PeerStatus seenByY = client.status("hy").peers().getFirst();
            assertTrue(seenByY.endpoint().endsWith(":" + px), "hy learned hx's address: " + seenByY.endpoint());
            assertTrue(seenByY.lastHandshakeMillis() > 0);
        } finally {
            client.delete("hx");
            client.delete("hy");
        }
        assertFalse(h.linkExists("hx"));
        assertFalse(h.linkExists("hy"));
    }

    @Test
    void tableNumberPutsTheRoutesThereAndARuleMakesThemCarryTraffic() throws Exception {
        String before = h.routingState();
        String main = h.a("-4", "route");
        client.importConfig("tbl", config("Address = 10.200.0.1/24\nTable = 1234\n", "10.200.0.0/24, 0.0.0.0/0"));
        try {
            client.activate("tbl");
            assertEquals(List.of("default dev tbl scope link", "10.200.0.0/24 dev tbl scope link"),
                    lines(h.a("-4", "route", "show", "table", "1234")));
            assertEquals(lines(main).size() + 1, lines(h.a("-4", "route")).size(),
                    "main got only the kernel's route of the address: " + h.a("-4", "route"));
            assertEquals("", h.nftTables(), "an explicit table is not a full tunnel: no packet filter rules");
            assertTrue(h.a("-4", "route", "get", "198.51.100.1").contains("dev " + h.vethA), "no rule yet: main wins");
            h.a("-4", "rule", "add", "to", "198.51.100.1", "lookup", "1234", "priority", "100");
            try {
                assertTrue(h.a("-4", "route", "get", "198.51.100.1").contains("dev tbl table 1234"));
                long rx = h.peerRxBytes();
                h.ping("198.51.100.1");
                assertTrue(h.peerRxBytes() - rx >= 2 * (84 + 32), "the ping went through the tunnel");
            } finally {
                h.a("-4", "rule", "del", "to", "198.51.100.1", "lookup", "1234", "priority", "100");
            }
            client.deactivate("tbl");
            assertEquals(before, h.routingState());
        } finally {
            client.deactivate("tbl");
            client.delete("tbl");
        }
    }

    @Test
    void tableOffAddsNoRouteAtAll() throws Exception {
        client.importConfig("off", config("Address = 10.200.0.1/32, fd20::1/128\nTable = off\n", "0.0.0.0/0, ::/0, 10.9.0.0/16"));
        try {
            client.activate("off");
            for (String family : List.of("-4", "-6")) {
                for (String route : lines(h.a(family, "route", "show", "table", "all", "dev", "off"))) {
                    assertTrue(route.contains("proto kernel"), "only the kernel's own routes: " + route);
                }
            }
            assertFalse(h.a("-4", "rule").contains("fwmark"), "no policy routing");
            assertEquals("", h.nftTables(), "Table = off is no full tunnel");
        } finally {
            client.deactivate("off");
            client.delete("off");
        }
    }

    @Test
    void fwMarkIsTheMarkOfTheEngineAndTheTableOfAFullTunnel() throws Exception {
        String before = h.routingState();
        client.importConfig("mark", config("Address = 10.200.0.1/24\nFwMark = 0x4242\n", "0.0.0.0/0"));
        try {
            client.activate("mark");
            String rules = h.a("-4", "rule");
            assertTrue(rules.contains("not from all fwmark 0x4242 lookup 16962"), rules);
            assertEquals(List.of("default dev mark scope link"), lines(h.a("-4", "route", "show", "table", "16962")));
            String table = h.inA("nft", "list", "table", "inet", "wgdesk-mark").stdout();
            assertTrue(table.contains("meta mark 0x00004242 ct mark set meta mark"), table);
            assertTrue(h.a("-4", "route", "get", "10.99.0.2", "mark", "0x4242").contains("dev " + h.vethA));
            // The engine's UDP must carry 0x4242 to leave through the veth: without it every packet
            // would loop back into the tunnel and nothing would reach the peer.
            long rx = h.peerRxBytes();
            h.ping("198.51.100.1");
            assertTrue(h.peerRxBytes() - rx >= 2 * (84 + 32), "traffic reached the peer: the mark works");
            client.deactivate("mark");
            assertEquals(before, h.routingState());
            assertEquals("", h.nftTables());
        } finally {
            client.deactivate("mark");
            client.delete("mark");
        }
    }

    @Test
    void aRestoreThatFailsAtStartUpLeavesNothingAndTheHelperServes() throws Exception {
        client.importConfig("rs", config("Address = 10.200.0.1/24\n", "10.200.0.0/24, 10.252.0.0/16"));
        client.activate("rs");
        String up = h.routingState();
        client.close();
        h.stop(); // recorded as active: the next start restores it
        String before = h.routingState();
        assertFalse(up.equals(before));
        h.a("link", "add", "rs", "type", "veth", "peer", "name", "rs-peer"); // the name is taken meanwhile
        try {
            String withBlocker = h.routingState();
            h.start();
            client = h.client();
            TunnelStatus s = client.status("rs");
            assertEquals(TunnelState.FAILED, s.state());
            assertTrue(s.error().contains("step \"interface\" failed"), s.error());
            List<String> log = client.logTail(200).stream().map(LogEntry::message).toList();
            assertTrue(log.stream().anyMatch(l -> l.startsWith("Not restored: cannot activate rs: step \"interface\"")),
                    log.toString());
            assertEquals(withBlocker, h.routingState(), "nothing of rs was left, and the other link is intact");
            assertEquals(List.of(), h.journals());
            assertEquals(1, client.list().size(), "the helper serves");
        } finally {
            h.a("link", "del", "rs");
        }
        assertEquals(TunnelState.ACTIVE, client.activate("rs").state(), "activates once the name is free");
        assertTrue(h.a("-4", "route").contains("10.252.0.0/16 dev rs"));
        client.delete("rs");
    }

    @Test
    void savingARunningTunnelKeepsItRunningAsItWasUntilTheNextActivation() throws Exception {
        String original = config("Address = 10.200.0.1/24\n", "10.200.0.0/24");
        client.importConfig("sv", original);
        try {
            client.activate("sv");
            long since = client.status("sv").activeSinceMillis();
            String changed = config("Address = 10.200.0.1/24\n", "10.200.0.0/24, 10.253.0.0/16");
            assertEquals(TunnelState.ACTIVE, client.save("sv", changed).state());
            TunnelStatus s = client.status("sv");
            assertEquals(TunnelState.ACTIVE, s.state());
            assertEquals(since, s.activeSinceMillis(), "not restarted");
            assertFalse(h.a("-4", "route").contains("10.253.0.0/16"), "the running tunnel is unchanged");
            assertEquals(changed, client.getConfig("sv"));
            assertTrue(client.logTail(20).stream().anyMatch(l -> l.message().equals(
                    "Configuration saved; it takes effect when the tunnel is next activated")));
            h.ping("10.200.0.2");

            IpcException bad = assertThrows(IpcException.class, () -> client.save("sv", "[Interface]\nAddress = x\n"));
            assertEquals(ErrorCode.INVALID_CONFIG, bad.code());
            assertEquals(changed, client.getConfig("sv"), "an invalid save changes nothing");
            assertEquals(TunnelState.ACTIVE, client.status("sv").state());

            client.deactivate("sv");
            client.activate("sv");
            assertTrue(h.a("-4", "route").contains("10.253.0.0/16 dev sv"), "the saved configuration is used now");
        } finally {
            client.delete("sv");
        }
        assertFalse(h.linkExists("sv"));
    }

    @Test
    void twoClientsRacingOnOneTunnelLeaveTheSystemAsTheStateSays() throws Exception {
        client.importConfig("race", config("Address = 10.200.0.1/24\n", "10.200.0.0/24, 10.254.0.0/16"));
        String inactive = h.routingState();
        try (IpcClient other = h.client()) {
            // Both activate at once: one activation, both told ACTIVE.
            CompletableFuture<TunnelStatus> a = client.activateAsync("race");
            CompletableFuture<TunnelStatus> b = other.activateAsync("race");
            assertEquals(TunnelState.ACTIVE, a.get(60, TimeUnit.SECONDS).state());
            assertEquals(TunnelState.ACTIVE, b.get(60, TimeUnit.SECONDS).state());
            assertEquals(1, client.logTail(200).stream().filter(l -> "race".equals(l.tunnel())
                    && l.message().startsWith("INACTIVE -> ACTIVATING")).count(), "activated once");
            String active = withoutLinkLocal(h.routingState());

            // One activates while the other deactivates, over and over: whoever wins, the system
            // matches the state the helper reports.
            for (int round = 0; round < 8; round++) {
                IpcClient first = round % 2 == 0 ? client : other;
                IpcClient second = first == client ? other : client;
                CompletableFuture<TunnelStatus> up = first.activateAsync("race");
                CompletableFuture<TunnelStatus> down = second.deactivateAsync("race");
                up.get(60, TimeUnit.SECONDS);
                down.get(60, TimeUnit.SECONDS);
                TunnelState s = client.status("race").state();
                if (s == TunnelState.ACTIVE) {
                    assertEquals(active, withoutLinkLocal(h.routingState()), "round " + round + ": active, routes once");
                } else {
                    assertEquals(TunnelState.INACTIVE, s, "round " + round);
                    assertEquals(inactive, h.routingState(), "round " + round + ": inactive, nothing left");
                }
            }

            // One deletes while the other activates: if the tunnel is gone, so is its interface.
            CompletableFuture<Void> del = client.deleteAsync("race");
            CompletableFuture<TunnelStatus> act = other.activateAsync("race");
            del.get(60, TimeUnit.SECONDS);
            try {
                act.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof IpcException ie && ie.code() == ErrorCode.NOT_FOUND, e.toString());
            }
            assertEquals(List.of(), client.list().stream().filter(t -> t.name().equals("race")).toList());
            assertFalse(h.linkExists("race"));
            assertEquals(inactive, h.routingState());
            assertEquals(List.of(), h.journals());
        } finally {
            if (client.list().stream().anyMatch(t -> t.name().equals("race"))) {
                client.delete("race");
            }
        }
    }
}
