package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Immutability, equality over every field, builders' checks, and secrets. */
class ConfigModelTest {

    private static TunnelConfig known() throws ConfigException {
        return TunnelConfig.parse("known.conf", Fixtures.read("known.conf"));
    }

    @Test
    void toStringNeverShowsSecrets() throws ConfigException {
        TunnelConfig c = known();
        String all = c + " " + c.interfaceConfig() + " " + c.peers() + " " + c.interfaceConfig().privateKey()
                + " " + c.peers().get(0).presharedKey();
        String privateHex = c.interfaceConfig().privateKey().toHex();
        String pskHex = c.peers().get(0).presharedKey().orElseThrow().toHex();

        for (String secret : List.of(Fixtures.PRIVATE_1, privateHex, Fixtures.PRESHARED, pskHex)) {
            assertFalse(all.contains(secret), all);
            assertFalse(all.contains(secret.substring(0, 12)), all);
        }
        assertTrue(all.contains(Fixtures.PUBLIC_1), "the interface is shown by its public key: " + all);
        assertTrue(all.contains(Fixtures.PUBLIC_2), all);
    }

    @Test
    void equalConfigsHaveEqualHashes() throws ConfigException {
        assertEquals(known(), known());
        assertEquals(known().hashCode(), known().hashCode());
    }

    @Test
    void everyInterfaceFieldTakesPartInEquality() throws ConfigException {
        InterfaceConfig base = known().interfaceConfig();
        List<UnaryOperator<InterfaceConfig.Builder>> changes = List.of(
                b -> b.setPrivateKey(PrivateKey.fromBase64("KOFmc3k1gwFZNhIGD6HfZEfUngdaDBoK/qiutLLuc2c=")),
                b -> b.setListenPort(51821),
                b -> b.setFwMark(0x1235),
                b -> b.addAddress(IpPrefix.parse("10.0.0.9/32")),
                b -> b.addDnsServer(DnsServer.parse("10.0.0.9")),
                b -> b.addDnsSearchDomain(new SearchDomain("other.example")),
                b -> b.setMtu(1280),
                b -> b.setTable(RouteTable.OFF),
                b -> b.addPreUp("true"),
                b -> b.addPostUp("true"),
                b -> b.addPreDown("true"),
                b -> b.addPostDown("true"),
                b -> b.setSaveConfig(false));
        assertEquals(base, base.toBuilder().build());
        for (int i = 0; i < changes.size(); i++) {
            InterfaceConfig changed = changes.get(i).apply(base.toBuilder()).build();
            assertNotEquals(base, changed, "change " + i);
            assertNotEquals(base.hashCode(), changed.hashCode(), "change " + i);
        }
    }

    @Test
    void everyPeerFieldTakesPartInEquality() throws ConfigException {
        PeerConfig base = known().peers().get(0);
        List<UnaryOperator<PeerConfig.Builder>> changes = List.of(
                b -> b.setPublicKey(PublicKey.fromBase64(Fixtures.PUBLIC_3)),
                b -> b.setPresharedKey(PresharedKey.fromBase64(Fixtures.PUBLIC_3)),
                PeerConfig.Builder::clearPresharedKey,
                b -> b.addAllowedIp(IpPrefix.parse("10.0.0.9/32")),
                b -> b.setEndpoint(Endpoint.parse("192.0.2.1:51821")),
                PeerConfig.Builder::clearEndpoint,
                b -> b.setPersistentKeepalive(26));
        assertEquals(base, base.toBuilder().build());
        for (int i = 0; i < changes.size(); i++) {
            PeerConfig changed = changes.get(i).apply(base.toBuilder()).build();
            assertNotEquals(base, changed, "change " + i);
        }
    }

    @Test
    void peerOrderMatters() throws ConfigException {
        TunnelConfig c = known();
        TunnelConfig swapped = c.toBuilder().setPeers(List.of(c.peers().get(1), c.peers().get(0))).build();

        assertNotEquals(c, swapped);
    }

    @Test
    void listsAreUnmodifiable() throws ConfigException {
        TunnelConfig c = known();

        assertThrows(UnsupportedOperationException.class, () -> c.peers().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.interfaceConfig().addresses().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.interfaceConfig().postUp().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> c.peers().get(0).allowedIps().clear());
    }

    @Test
    void reusingABuilderDoesNotChangeWhatItBuilt() {
        PrivateKey key = PrivateKey.fromBase64(Fixtures.PRIVATE_1);
        InterfaceConfig.Builder b = InterfaceConfig.builder().setPrivateKey(key).addAddress(IpPrefix.parse("10.0.0.1/32"));
        InterfaceConfig first = b.build();

        b.addAddress(IpPrefix.parse("10.0.0.2/32")).setListenPort(1);
        key.destroy();

        assertEquals(List.of(IpPrefix.parse("10.0.0.1/32")), first.addresses());
        assertFalse(first.isDestroyed(), "the config holds its own copy of the key");
        assertEquals(PublicKey.fromBase64(Fixtures.PUBLIC_1), first.publicKey());
        assertEquals(Fixtures.PRIVATE_1, first.privateKey().toBase64());
    }

    @Test
    void destroyZeroesEveryKeyTheConfigHolds() throws ConfigException {
        TunnelConfig c = known();
        PresharedKey psk = c.peers().get(0).presharedKey().orElseThrow();

        c.destroy();

        assertTrue(c.isDestroyed());
        assertTrue(c.interfaceConfig().privateKey().isDestroyed());
        assertTrue(psk.isDestroyed());
        assertThrows(IllegalStateException.class, c::toWgQuickString);
        assertThrows(IllegalStateException.class, () -> c.interfaceConfig().toBuilder().build());
    }

    @Test
    void duplicateListEntriesAreDroppedKeepingTheFirst() {
        InterfaceConfig i = InterfaceConfig.builder().setPrivateKey(PrivateKey.fromBase64(Fixtures.PRIVATE_1))
                .addAddress(IpPrefix.parse("10.0.0.2/24"))
                .addAddress(IpPrefix.parse("fd00::2/64"))
                .addAddress(IpPrefix.parse("10.0.0.2/24"))
                .addPostUp("a").addPostUp("a")
                .build();

        assertEquals(List.of(IpPrefix.parse("10.0.0.2/24"), IpPrefix.parse("fd00::2/64")), i.addresses());
        assertEquals(List.of("a", "a"), i.postUp(), "hooks may repeat");
    }

    @Test
    void buildersRejectValuesTheFileCannotHold() {
        InterfaceConfig.Builder i = InterfaceConfig.builder();
        assertThrows(IllegalStateException.class, i::build);
        assertThrows(IllegalArgumentException.class, () -> i.setListenPort(65536));
        assertThrows(IllegalArgumentException.class, () -> i.setListenPort(-1));
        assertThrows(IllegalArgumentException.class, () -> i.setFwMark(0x1_0000_0000L));
        assertThrows(IllegalArgumentException.class, () -> i.setMtu(67));
        assertThrows(IllegalArgumentException.class, () -> i.addPostUp("echo a\nrm -rf /"));
        assertThrows(IllegalArgumentException.class, () -> i.setPreDown(List.of("ok", "b\rad")));
        assertEquals(List.of("x"), i.setPrivateKey(PrivateKey.fromBase64(Fixtures.PRIVATE_1))
                .addPreUp("  x \t\r").build().preUp(), "hooks are trimmed");

        PeerConfig.Builder p = PeerConfig.builder();
        assertThrows(IllegalStateException.class, p::build);
        assertThrows(IllegalArgumentException.class, () -> p.setPersistentKeepalive(65536));
    }

    @Test
    void tunnelBuilderRejectsDuplicateAndSelfPeers() throws ConfigException {
        TunnelConfig c = known();
        PeerConfig self = PeerConfig.builder().setPublicKey(c.interfaceConfig().publicKey()).build();

        assertThrows(IllegalArgumentException.class, () -> c.toBuilder().addPeer(c.peers().get(0)).build());
        assertThrows(IllegalArgumentException.class, () -> c.toBuilder().addPeer(self).build());
        assertThrows(IllegalStateException.class, () -> TunnelConfig.builder().build());
    }

    @Test
    void zeroValuesMeanUnset() {
        InterfaceConfig i = InterfaceConfig.builder().setPrivateKey(PrivateKey.fromBase64(Fixtures.PRIVATE_1))
                .setListenPort(5).setListenPort(0).setFwMark(0).setMtu(0).build();
        PeerConfig p = PeerConfig.builder().setPublicKey(PublicKey.fromBase64(Fixtures.PUBLIC_2))
                .setPresharedKey(PresharedKey.none()).setPersistentKeepalive(0).build();

        assertTrue(i.listenPort().isEmpty() && i.fwMark().isEmpty() && i.mtu().isEmpty());
        assertTrue(p.presharedKey().isEmpty() && p.persistentKeepalive().isEmpty());
    }
}
