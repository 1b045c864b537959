package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.Endpoint;
import dev.wgdesk.engine.config.EndpointResolver;
import dev.wgdesk.engine.config.IpAddress;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DeviceSetup}: what every platform's activation does between parsing a tunnel and
 * bringing its device up, checked on an in-memory device through its snapshot.
 */
class DeviceSetupTest {
    private final PrivateKey self = PrivateKey.generate();
    private final PublicKey a = PrivateKey.generate().publicKey();
    private final PublicKey b = PrivateKey.generate().publicKey();
    private final PublicKey c = PrivateKey.generate().publicKey();
    private final PresharedKey psk = PresharedKey.generate();
    private final Device device = new Device(new MemoryTun("t0"), new MemoryBind(new MemoryBind.Network()),
            new VirtualClock(), 0);
    private final List<String> asked = new ArrayList<>();
    private final EndpointResolver resolver = e -> {
        asked.add(e.host());
        if (e.host().equals("vpn.example")) {
            return Endpoint.of(IpAddress.parse("198.51.100.7"), e.port());
        }
        throw new UnknownHostException(e.host());
    };

    @AfterEach
    void close() {
        device.close();
    }

    private TunnelConfig config(String bEndpoint) throws Exception {
        return TunnelConfig.parse("t0.conf", """
                [Interface]
                PrivateKey = %s
                ListenPort = 51999
                FwMark = 1234

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                Endpoint = 192.0.2.1:51820
                AllowedIPs = 10.0.0.2/32, fd00::2/128
                PersistentKeepalive = 25

                [Peer]
                PublicKey = %s
                Endpoint = %s
                AllowedIPs = 10.1.0.0/16

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.2.0.0/24
                """.formatted(self.toBase64(), a.toBase64(), psk.toBase64(), b.toBase64(), bEndpoint, c.toBase64()));
    }

    @Test
    void resolvesLiteralsAsWrittenAndHostNamesThroughTheResolverInPeerOrder() throws Exception {
        Map<PublicKey, InetSocketAddress> eps = DeviceSetup.resolveEndpoints(config("vpn.example:443"), resolver);

        assertEquals(List.of(a, b), List.copyOf(eps.keySet()), "peers with an endpoint, in file order");
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 51820), eps.get(a));
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 443), eps.get(b));
        assertEquals(List.of("vpn.example"), asked, "only the host name goes to the resolver");
    }

    @Test
    void anUnresolvableHostNamesThePeerWhoseEndpointItIs() throws Exception {
        TunnelConfig cfg = config("nowhere.example:443");

        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> DeviceSetup.resolveEndpoints(cfg, resolver));

        assertEquals("nowhere.example (the endpoint of peer " + b + ")", e.getMessage());
    }

    @Test
    void configuresKeyPortMarkAndEveryPeer() throws Exception {
        TunnelConfig cfg = config("vpn.example:443");
        Map<PublicKey, InetSocketAddress> eps = DeviceSetup.resolveEndpoints(cfg, resolver);

        DeviceSetup.configure(device, cfg, eps, 51820);

        assertEquals(self.publicKey(), device.publicKey());
        DeviceSnapshot s = device.snapshot();
        try {
            assertEquals(51999, s.listenPort());
            assertEquals(51820, s.fwmark(), "the mark passed, not the config's FwMark: the platform decides");
            Map<PublicKey, PeerSnapshot> peers = s.peers().stream()
                    .collect(Collectors.toMap(PeerSnapshot::publicKey, p -> p));
            assertEquals(Set.of(a, b, c), peers.keySet());
            PeerSnapshot pa = peers.get(a);
            assertEquals(psk, pa.presharedKey());
            assertEquals(eps.get(a), pa.endpoint());
            assertEquals(List.of("10.0.0.2/32", "fd00::2/128"), pa.allowedIps().stream().map(Object::toString).toList());
            assertEquals(25, pa.persistentKeepaliveSeconds());
            PeerSnapshot pb = peers.get(b);
            assertTrue(pb.presharedKey() == null || pb.presharedKey().isZero(), "no preshared key");
            assertEquals(new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 443), pb.endpoint());
            assertEquals(0, pb.persistentKeepaliveSeconds());
            PeerSnapshot pc = peers.get(c);
            assertNull(pc.endpoint(), "a peer without an endpoint gets none");
            assertEquals(List.of("10.2.0.0/24"), pc.allowedIps().stream().map(Object::toString).toList());
        } finally {
            s.privateKey().destroy();
            s.peers().forEach(p -> {
                if (p.presharedKey() != null) {
                    p.presharedKey().destroy();
                }
            });
        }
    }

    @Test
    void aZeroMarkLeavesTheDeviceUnmarked() throws Exception {
        TunnelConfig cfg = config("vpn.example:443");

        DeviceSetup.configure(device, cfg, DeviceSetup.resolveEndpoints(cfg, resolver), 0);

        assertEquals(0, device.fwmark());
    }
}
