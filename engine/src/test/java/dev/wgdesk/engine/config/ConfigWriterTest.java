package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** wg-quick, wg setconf and UAPI output for a known config, compared to expected text. */
class ConfigWriterTest {

    private static TunnelConfig known() throws ConfigException {
        return TunnelConfig.parse("known.conf", Fixtures.read("known.conf"));
    }

    @Test
    void wgQuickOutputIsCanonical() throws ConfigException {
        assertEquals(Fixtures.read("known.wgquick"), known().toWgQuickString());
    }

    @Test
    void setconfOutputIsTheStrippedForm() throws ConfigException {
        assertEquals(Fixtures.read("known.setconf"), known().toWgSetconfString());
    }

    @Test
    void setconfOutputParsesBackToTheWgPart() throws ConfigException {
        TunnelConfig c = known();
        TunnelConfig stripped = TunnelConfig.parse("s.conf", c.toWgSetconfString());

        assertEquals(c.peers(), stripped.peers());
        assertEquals(c.interfaceConfig().privateKey(), stripped.interfaceConfig().privateKey());
        assertEquals(c.interfaceConfig().listenPort(), stripped.interfaceConfig().listenPort());
        assertEquals(c.interfaceConfig().fwMark(), stripped.interfaceConfig().fwMark());
        assertEquals(List.of(), stripped.interfaceConfig().addresses());
        assertEquals(List.of(), stripped.interfaceConfig().postUp());
    }

    @Test
    void uapiOutputMatchesWgSetconfOverUapi() throws Exception {
        // Expected text: keys converted to hex independently (python base64 -> hex), layout as
        // wireguard-tools' userspace_set_device writes it.
        assertEquals(Fixtures.read("known.uapi"), known().toUapiSetString());
    }

    @Test
    void uapiWritesZeroPortAndMarkWhenUnsetBecauseSetconfReplacesEverything() throws Exception {
        TunnelConfig c = TunnelConfig.parse("m.conf", "[Interface]\nPrivateKey = " + Fixtures.PRIVATE_1 + "\n");

        assertEquals("""
                set=1
                private_key=f8804d58685f1964a3e27974d73eab67ef902f0ee2ba82119d968e029c8e4458
                listen_port=0
                fwmark=0
                replace_peers=true

                """, c.toUapiSetString());
    }

    @Test
    void minimalWgQuickOutput() throws ConfigException {
        TunnelConfig c = TunnelConfig.parse("m.conf", "[Interface]\nPrivateKey = " + Fixtures.PRIVATE_1
                + "\nTable = off\nPreUp =\n[Peer]\nPublicKey = " + Fixtures.PUBLIC_2 + "\n");

        assertEquals("[Interface]\nPrivateKey = " + Fixtures.PRIVATE_1 + "\nTable = off\nPreUp =\n\n[Peer]\nPublicKey = "
                + Fixtures.PUBLIC_2 + "\n", c.toWgQuickString());
    }

    private static TunnelConfig withHostnameEndpoint() throws ConfigException {
        return TunnelConfig.parse("h.conf", "[Interface]\nPrivateKey = " + Fixtures.PRIVATE_1
                + "\n[Peer]\nPublicKey = " + Fixtures.PUBLIC_2 + "\nEndpoint = vpn.example.com:51820\n");
    }

    @Test
    void hostnameEndpointIsKeptInWgFormsButRefusedInUapi() throws ConfigException {
        TunnelConfig c = withHostnameEndpoint();

        assertTrue(c.toWgSetconfString().contains("Endpoint = vpn.example.com:51820\n"));
        UnresolvedEndpointException e = assertThrows(UnresolvedEndpointException.class, c::toUapiSetString);
        assertEquals(Endpoint.parse("vpn.example.com:51820"), e.endpoint());
        assertEquals(PublicKey.fromBase64(Fixtures.PUBLIC_2), e.peer());
        assertNull(e.getCause());
    }

    @Test
    void resolverSuppliesTheAddressForUapi() throws Exception {
        List<Endpoint> asked = new ArrayList<>();
        String uapi = withHostnameEndpoint().toUapiSetString(e -> {
            asked.add(e);
            return Endpoint.of(IpAddress.parse("2001:db8::53"), e.port());
        });

        assertEquals(List.of(Endpoint.parse("vpn.example.com:51820")), asked);
        assertTrue(uapi.contains("\nendpoint=[2001:db8::53]:51820\n"), uapi);
    }

    @Test
    void resolverIsNotAskedAboutLiterals() throws Exception {
        known().toUapiSetString(e -> {
            throw new AssertionError("asked to resolve " + e);
        });
    }

    @Test
    void resolverFailureIsTyped() throws ConfigException {
        UnknownHostException cause = new UnknownHostException("vpn.example.com");
        UnresolvedEndpointException e = assertThrows(UnresolvedEndpointException.class,
                () -> withHostnameEndpoint().toUapiSetString(x -> {
                    throw cause;
                }));

        assertSame(cause, e.getCause());
    }

    @Test
    void resolverReturningAHostnameIsRefused() throws ConfigException {
        assertThrows(UnresolvedEndpointException.class, () -> withHostnameEndpoint().toUapiSetString(x -> x));
    }

    @Test
    void systemResolverResolvesLocalhostToLoopback() throws Exception {
        Endpoint e = EndpointResolver.system().resolve(Endpoint.parse("localhost:9"));

        assertTrue(e.isResolved());
        assertTrue(e.address().orElseThrow().toInetAddress().isLoopbackAddress());
        assertEquals(9, e.port());
    }

    @Test
    void builtConfigWritesWhatWasBuilt() throws ConfigException {
        TunnelConfig c = TunnelConfig.builder()
                .setInterface(InterfaceConfig.builder()
                        .setPrivateKey(PrivateKey.fromBase64(Fixtures.PRIVATE_1))
                        .addAddress(IpPrefix.parse("10.9.0.1/16"))
                        .addDnsSearchDomain(new SearchDomain("lan"))
                        .setFwMark(0xFFFF_FFFFL)
                        .build())
                .addPeer(PeerConfig.builder()
                        .setPublicKey(PublicKey.fromBase64(Fixtures.PUBLIC_3))
                        .addAllowedIp(IpPrefix.parse("10.9.0.0/16"))
                        .setPersistentKeepalive(65535)
                        .build())
                .build();

        assertEquals("""
                [Interface]
                PrivateKey = %s
                FwMark = 0xffffffff
                Address = 10.9.0.1/16
                DNS = lan

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.9.0.0/16
                PersistentKeepalive = 65535
                """.formatted(Fixtures.PRIVATE_1, Fixtures.PUBLIC_3), c.toWgQuickString());
        assertEquals(c, TunnelConfig.parse("b.conf", c.toWgQuickString()));
    }
}
