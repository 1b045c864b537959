package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Configs as people really write them (a commercial VPN provider's download, IPv6 only, a hub
 * with many peers, comments everywhere) parse without a problem, keep their meaning, and
 * survive a round trip through the canonical writer unchanged.
 */
class RealWorldConfigTest {
    private static String read(String name) throws IOException {
        try (InputStream in = RealWorldConfigTest.class.getResourceAsStream("/config/real-world/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"provider-style.conf", "ipv6-only.conf", "many-peers.conf", "comments-everywhere.conf"})
    void parsesWithoutProblemsAndRoundTrips(String name) throws Exception {
        ParseResult r = TunnelConfig.parseLenient(name, read(name));
        assertTrue(r.errors().isEmpty(), () -> name + ": " + r.errors());
        TunnelConfig c = r.orThrow();
        TunnelConfig again = TunnelConfig.parse(name, c.toWgQuickString());
        assertEquals(c, again, name + " changed in a round trip");
        assertEquals(c.toWgQuickString(), again.toWgQuickString());
    }

    @Test
    void providerStyleKeepsFullTunnelAndDns() throws Exception {
        TunnelConfig c = TunnelConfig.parse("provider-style.conf", read("provider-style.conf"));
        assertEquals("[10.68.12.34/32, fc00:bbbb:bbbb:bb01::5:c21/128]", c.interfaceConfig().addresses().toString());
        assertEquals("[0.0.0.0/0, ::/0]", c.peers().getFirst().allowedIps().toString());
        assertEquals(1, c.interfaceConfig().dnsServers().size());
    }

    @Test
    void ipv6OnlyKeepsBracketedEndpointAndSearchDomain() throws Exception {
        TunnelConfig c = TunnelConfig.parse("ipv6-only.conf", read("ipv6-only.conf"));
        PeerConfig p = c.peers().getFirst();
        assertEquals(51820, p.endpoint().orElseThrow().port());
        assertEquals(Endpoint.Kind.IPV6, p.endpoint().orElseThrow().kind());
        assertEquals(2, c.interfaceConfig().dnsServers().size());
        assertEquals(1, c.interfaceConfig().dnsSearchDomains().size());
        assertTrue(p.presharedKey().isPresent());
    }

    @Test
    void manyPeersAreAllKept() throws Exception {
        TunnelConfig c = TunnelConfig.parse("many-peers.conf", read("many-peers.conf"));
        assertEquals(60, c.peers().size());
        assertEquals(20, c.peers().stream().filter(p -> p.endpoint().isPresent()).count());
    }

    @Test
    void commentsDoNotLeakIntoValues() throws Exception {
        TunnelConfig c = TunnelConfig.parse("comments-everywhere.conf", read("comments-everywhere.conf"));
        assertEquals("[10.9.0.2/24, fd09::2/64]", c.interfaceConfig().addresses().toString());
        PeerConfig p = c.peers().getFirst();
        assertEquals(3, p.allowedIps().size());
        assertEquals("vpn.example.org", p.endpoint().orElseThrow().host());
        assertTrue(p.persistentKeepalive().isEmpty());
        assertEquals(0x1234, c.interfaceConfig().fwMark().orElseThrow());
    }
}
