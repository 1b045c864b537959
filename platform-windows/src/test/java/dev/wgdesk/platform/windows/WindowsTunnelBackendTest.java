package dev.wgdesk.platform.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.resilience.HostResolver;
import dev.wgdesk.engine.resilience.ResolutionStatus;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.MemoryTun;
import dev.wgdesk.platform.windows.net.DefaultRoute;
import dev.wgdesk.platform.windows.net.FakeIpHelper;
import dev.wgdesk.platform.windows.net.RouteMonitor;
import dev.wgdesk.platform.windows.net.WindowsNetPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** {@link WindowsTunnelBackend} with a fake for every native part: step order, rollback, re-pinning. */
class WindowsTunnelBackendTest {
    static final String KEY = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
    static final String PEER = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    static final long LUID = 0x0047_0000_0100_0000L;
    static final long WIFI = 0x0047_0000_0200_0000L;
    static final long ETHERNET = 0x0006_0000_0300_0000L;

    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final FakeIpHelper ip = new FakeIpHelper();
    final List<DefaultRoute.Candidate> v4Routes = Collections.synchronizedList(new ArrayList<>());
    MemoryTun tun;
    Runnable routeChange;
    boolean failKillSwitch;
    HostResolver names = HostResolver.system();

    final RouteMonitor routes = new RouteMonitor() {
        @Override
        public List<DefaultRoute.Candidate> defaultRoutes(WindowsNetPlan.Family family) {
            return family == WindowsNetPlan.Family.IPV4 ? List.copyOf(v4Routes) : List.of();
        }

        @Override
        public AutoCloseable watch(Runnable onChange) {
            events.add("watch routes");
            routeChange = onChange;
            return () -> events.add("unwatch routes");
        }
    };

    WindowsTunnelBackend backend() {
        return backend(dev.wgdesk.engine.platform.UapiServer.NONE);
    }

    WindowsTunnelBackend backend(dev.wgdesk.engine.platform.UapiServer uapi) {
        return new WindowsTunnelBackend(new WindowsTunnelBackend.Natives(
                (name, mtu) -> {
                    events.add("open adapter " + name + " mtu " + mtu);
                    tun = new MemoryTun(name, mtu);
                    return new WindowsTunnelBackend.OpenedTun(tun, LUID);
                },
                ip,
                (filters, exe, luid) -> {
                    if (failKillSwitch) {
                        throw new IOException("FwpmFilterAdd0: FWP_E_INVALID_PARAMETER");
                    }
                    events.add("kill switch " + filters.size() + " filters for " + exe + " luid " + Long.toHexString(luid));
                    return () -> events.add("kill switch removed");
                },
                (ch, v4, v6) -> events.add("pin v4=" + v4 + " v6=" + v6 + (ch.isOpen() ? " (open socket)" : "")),
                routes,
                name -> name.equals("stale") ? OptionalLong.of(LUID) : OptionalLong.empty(),
                names,
                "C:\\Program Files\\wgdesk\\wgdesk-helper.exe",
                Clock.system(), null), uapi);
    }

    static TunnelConfig config(String allowed) throws Exception {
        return TunnelConfig.parse("t.conf", "[Interface]\nPrivateKey = " + KEY + "\nAddress = 10.64.0.2/32\nDNS = 10.64.0.1\n"
                + "PostUp = echo hi\n\n[Peer]\nPublicKey = " + PEER + "\nAllowedIPs = " + allowed
                + "\nEndpoint = 127.0.0.1:51820\n");
    }

    List<String> netCalls() {
        return ip.calls.stream().filter(c -> c.startsWith("Create") || c.startsWith("Delete") || c.startsWith("Set")).toList();
    }

    @Test
    void aFullTunnelGoesUpInOrderAndDownInReverse() throws Exception {
        v4Routes.add(new DefaultRoute.Candidate(WIFI, 12, 0, 35));
        v4Routes.add(new DefaultRoute.Candidate(ETHERNET, 7, 0, 25)); // best: 25 < 35
        List<List<List<String>>> journals = new ArrayList<>();
        List<String> log = new ArrayList<>();
        TunnelBackend.Active a = backend().activate("wg0", config("0.0.0.0/0"), false, journals::add, log::add);
        try {
            assertEquals(List.of(List.of(List.of("route", "delete", "0.0.0.0/0"), List.of("address", "delete", "10.64.0.2/32"),
                    List.of("dns", "clear", "ipv4"))), journals);
            assertEquals("open adapter wg0 mtu 1420", events.get(0));
            assertTrue(events.get(1).startsWith("kill switch ") && events.get(1).endsWith("luid " + Long.toHexString(LUID)),
                    events.get(1));
            // pinned before the socket exists (applied as it opens), then the route watch
            assertEquals(List.of("watch routes", "pin v4=7 v6=0 (open socket)"), events.subList(2, events.size()), events.toString());
            assertTrue(a.isAlive());
            assertEquals(1420, a.mtu());
            assertTrue(a.warnings().get(0).contains("not run"), a.warnings().toString());
            List<String> net = netCalls();
            assertTrue(net.get(0).startsWith("CreateIpForwardEntry2 0.0.0.0/0"), net.toString());
            assertTrue(net.get(1).startsWith("CreateUnicastIpAddressEntry 10.64.0.2/32"), net.toString());
            assertTrue(a.snapshot().listenPort() > 0);
        } finally {
            events.clear();
            ip.calls.clear();
            assertEquals(List.of(), a.deactivate());
        }
        // network undone first, then the device (and adapter), the route watch, the kill switch
        List<String> net = netCalls();
        assertTrue(net.get(net.size() - 1).startsWith("DeleteIpForwardEntry2 0.0.0.0/0"), net.toString());
        assertEquals(List.of("unwatch routes", "kill switch removed"), events);
        assertFalse(a.isAlive());
        assertEquals(List.of(), a.deactivate()); // idempotent
    }

    @Test
    void eachTunnelServesItsUapiUntilItIsDeactivated() throws Exception {
        List<String> served = new ArrayList<>();
        dev.wgdesk.engine.uapi.UapiTarget[] target = new dev.wgdesk.engine.uapi.UapiTarget[1];
        dev.wgdesk.engine.platform.UapiServer uapi = (name, t) -> {
            served.add("serve " + name);
            target[0] = t;
            return new dev.wgdesk.engine.platform.UapiServer.Endpoint() {
                @Override
                public String address() {
                    return "pipe " + name;
                }

                @Override
                public void close() {
                    served.add("close " + name);
                }
            };
        };
        List<String> log = new ArrayList<>();
        TunnelBackend.Active a = backend(uapi).activate("wg0", config("10.64.0.0/24"), false, j -> { }, log::add);
        assertEquals(List.of("serve wg0"), served);
        assertTrue(log.contains("wg show wg0: serving the userspace API on pipe wg0"), log.toString());
        // The target is the tunnel's device: what wg show reads is what the helper's status reads.
        assertEquals(a.snapshot().listenPort(), target[0].snapshot().listenPort());
        assertTrue(a.warnings().stream().noneMatch(w -> w.contains("wg show")), a.warnings().toString());
        assertEquals(List.of(), a.deactivate());
        assertEquals(List.of("serve wg0", "close wg0"), served);

        TunnelBackend.Active b = backend((name, t) -> {
            throw new dev.wgdesk.engine.platform.UapiServer.InUseException("\\\\.\\pipe\\...\\wg0 exists", null);
        }).activate("wg0", config("10.64.0.0/24"), false, j -> { }, l -> { });
        assertTrue(b.isAlive(), "the tunnel comes up without its pipe");
        assertTrue(b.warnings().stream().anyMatch(w -> w.startsWith("wg show wg0 will not show this tunnel: another")),
                b.warnings().toString());
        assertEquals(List.of(), b.deactivate());
    }

    @Test
    void theSocketFollowsTheDefaultRouteAndIsABlackholeWithoutOne() throws Exception {
        v4Routes.add(new DefaultRoute.Candidate(WIFI, 12, 0, 35));
        TunnelBackend.Active a = backend().activate("wg0", config("0.0.0.0/0"), false, j -> { }, l -> { });
        try {
            // the tunnel's own default route (metric 0) never wins
            v4Routes.add(new DefaultRoute.Candidate(LUID, 40, 0, 0));
            events.clear();
            routeChange.run();
            assertEquals(List.of(), events, "nothing changed outside the tunnel: no setsockopt");
            v4Routes.add(new DefaultRoute.Candidate(ETHERNET, 7, 0, 5));
            routeChange.run();
            assertEquals(List.of("pin v4=7 v6=0 (open socket)"), events);
            v4Routes.removeIf(c -> c.interfaceLuid() != LUID);
            routeChange.run();
            assertEquals("pin v4=0 v6=0 (open socket)", events.get(1));
        } finally {
            a.deactivate();
        }
    }

    @Test
    void aSplitTunnelHasNoKillSwitch() throws Exception {
        TunnelBackend.Active a = backend().activate("wg1", config("10.64.0.0/16"), false, j -> { }, l -> { });
        a.deactivate();
        assertEquals(List.of("open adapter wg1 mtu 1420", "watch routes", "unwatch routes"), events,
                "no kill switch, no pinning; routes watched only for the resilience loop");
    }

    @Test
    void splitDnsIsNotImplementedAndSaysSoAtActivation() throws Exception {
        TunnelConfig c = TunnelConfig.parse("t.conf", "[Interface]\nPrivateKey = " + KEY + "\nAddress = 10.64.0.2/32\n"
                + "DNS = 10.64.0.1, ~corp.example\n\n[Peer]\nPublicKey = " + PEER + "\nAllowedIPs = 10.64.0.0/16\n"
                + "Endpoint = 127.0.0.1:51820\n");
        List<String> log = new ArrayList<>();
        TunnelBackend.Active a = backend().activate("wg1", c, false, j -> { }, log::add);
        try {
            String w = "split DNS (~corp.example) is not implemented on Windows yet (it would need the Name Resolution"
                    + " Policy Table): the tunnel's DNS server(s) are set on its interface as without routing domains,"
                    + " and Windows may ask them for any name";
            assertEquals(List.of(w), a.warnings());
            assertTrue(log.contains("WARNING: " + w), log.toString());
        } finally {
            a.deactivate();
        }
        TunnelBackend.Active plain = backend().activate("wg2", config("10.64.0.0/16"), true, j -> { }, l -> { });
        assertTrue(plain.warnings().stream().noneMatch(x -> x.contains("split DNS")), plain.warnings().toString());
        plain.deactivate();
    }

    @Test
    void aFailedRouteRollsEverythingBack() throws Exception {
        v4Routes.add(new DefaultRoute.Candidate(WIFI, 12, 0, 35));
        ip.failOn = "CreateUnicastIpAddressEntry";
        ip.failWith = 87;
        TunnelBackend.ActivationException e = assertThrows(TunnelBackend.ActivationException.class,
                () -> backend().activate("wg0", config("0.0.0.0/0"), false, j -> { }, l -> { }));
        assertEquals("network", e.step());
        assertTrue(e.getMessage().contains("ERROR_INVALID_PARAMETER"), e.getMessage());
        List<String> net = netCalls();
        assertTrue(net.get(net.size() - 1).startsWith("DeleteIpForwardEntry2 0.0.0.0/0"), net.toString());
        assertEquals(List.of("unwatch routes", "kill switch removed"), events.subList(events.size() - 2, events.size()));
        assertThrows(IOException.class, () -> tun.read(new java.nio.ByteBuffer[] {java.nio.ByteBuffer.allocate(100)}, 1),
                "the adapter was closed");
    }

    @Test
    void aFailedKillSwitchClosesTheAdapterAndChangesNothingElse() throws Exception {
        failKillSwitch = true;
        TunnelBackend.ActivationException e = assertThrows(TunnelBackend.ActivationException.class,
                () -> backend().activate("wg0", config("0.0.0.0/0"), false, j -> { }, l -> { }));
        assertEquals("kill switch", e.step());
        assertEquals(List.of("open adapter wg0 mtu 1420"), events);
        assertEquals(List.of(), netCalls());
    }

    @Test
    void cleanupStaleRemovesTheJournaledStateFromTheReopenedAdapter() {
        List<List<String>> journal = List.of(List.of("route", "delete", "0.0.0.0/0"), List.of("address", "delete", "10.64.0.2/32"),
                List.of("dns", "clear", "ipv4"), List.of("bogus"));
        List<String> done = backend().cleanupStale("stale", journal);
        assertEquals(List.of("route delete 0.0.0.0/0 on stale", "address delete 10.64.0.2/32 on stale",
                "dns clear ipv4 on stale"), done);
        assertTrue(ip.calls.stream().anyMatch(c -> c.startsWith("DeleteIpForwardEntry2 0.0.0.0/0")), ip.calls.toString());
        assertEquals(List.of(), backend().cleanupStale("gone", journal), "no adapter: nothing to clean");
    }

    /** Waits (up to 10 s) for the resilience loop's thread to log {@code line}. */
    static void awaitLine(List<String> log, String line) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!log.contains(line) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(log.contains(line), log.toString());
    }

    static TunnelConfig named(String allowed) throws Exception {
        return TunnelConfig.parse("t.conf", "[Interface]\nPrivateKey = " + KEY + "\nAddress = 10.64.0.2/32\n\n[Peer]\n"
                + "PublicKey = " + PEER + "\nAllowedIPs = " + allowed + "\nEndpoint = vpn.example.org:51820\n"
                + "PersistentKeepalive = 25\n");
    }

    @Test
    void aNewDefaultRouteStartsNewHandshakesAndNamesAreWatched() throws Exception {
        names = host -> {
            if (!host.equals("vpn.example.org")) {
                throw new java.net.UnknownHostException(host);
            }
            return List.of(java.net.InetAddress.getByName("127.0.0.1"));
        };
        v4Routes.add(new DefaultRoute.Candidate(WIFI, 12, 0, 35));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (WindowsTunnelBackend b = backend()) {
            TunnelBackend.Active a = b.activate("wg1", named("10.64.0.0/16"), false, j -> { }, log::add);
            try {
                List<ResolutionStatus> rs = a.resolutions();
                assertEquals(1, rs.size());
                assertEquals("vpn.example.org", rs.getFirst().host());
                assertEquals(51820, rs.getFirst().port());
                assertEquals(List.of(java.net.InetAddress.getByName("127.0.0.1")), rs.getFirst().addresses());

                routeChange.run(); // some route changed, not the default one
                Thread.sleep(1500); // three passes of the loop
                assertTrue(log.stream().noneMatch(l -> l.startsWith("Network changed")), log.toString());
                assertEquals(List.of("watch routes"), events.subList(1, events.size()), "a split tunnel is not pinned");

                v4Routes.add(new DefaultRoute.Candidate(ETHERNET, 7, 0, 5)); // plugged in: a better default route
                routeChange.run();
                awaitLine(log, "Network changed (default route changed): new handshake started with 1 peer");
            } finally {
                assertEquals(List.of(), a.deactivate());
            }
            assertEquals(List.of(), b.resilience().tunnels(), "deactivation unregisters the tunnel");
        }
    }

    @Test
    void resumeFromSleepStartsNewHandshakes() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (WindowsTunnelBackend b = backend()) {
            TunnelBackend.Active a = b.activate("wg1", config("10.64.0.0/16\nPersistentKeepalive = 25"), false, j -> { },
                    log::add);
            try {
                assertEquals(List.of(), a.resolutions(), "no host-name endpoint");
                b.resumed();
                awaitLine(log, "Network changed (resumed from sleep): new handshake started with 1 peer");
            } finally {
                a.deactivate();
            }
        }
    }
}
