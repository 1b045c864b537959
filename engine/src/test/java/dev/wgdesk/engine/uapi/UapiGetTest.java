package dev.wgdesk.engine.uapi;

import static dev.wgdesk.engine.uapi.Uapi.OWN_PUBLIC;
import static dev.wgdesk.engine.uapi.Uapi.PEER1;
import static dev.wgdesk.engine.uapi.Uapi.PEER2;
import static dev.wgdesk.engine.uapi.Uapi.PRIVATE;
import static dev.wgdesk.engine.uapi.Uapi.PSK;
import static dev.wgdesk.engine.uapi.Uapi.ZERO;
import static dev.wgdesk.engine.uapi.Uapi.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The get reply, byte for byte as wireguard-go formats it, and as wg parses it. */
class UapiGetTest {

    /** A device with every field set, and a second peer with none. */
    static FakeTarget fullDevice() {
        FakeTarget t = new FakeTarget();
        t.privateKey = PrivateKey.fromHex(PRIVATE);
        t.listenPort = 12912;
        t.fwmark = -1; // 4294967295 unsigned
        FakeTarget.Peer p1 = new FakeTarget.Peer(PublicKey.fromHex(PEER1));
        p1.presharedKey = PresharedKey.fromHex(PSK);
        p1.endpoint = IpText.parseEndpoint("[abcd:23::33%2]:51820");
        p1.lastHandshakeEpochNanos = 1_700_000_000_123_456_789L;
        p1.txBytes = -1L; // 2^64 - 1 unsigned
        p1.rxBytes = 1372;
        p1.persistentKeepalive = 25;
        p1.allowedIps.add(IpPrefix.parse("192.168.4.4/32"));
        p1.allowedIps.add(IpPrefix.parse("fd00::/64"));
        p1.allowedIps.add(IpPrefix.parse("::ffff:0.0.0.0/96"));
        t.peers.put(p1.publicKey, p1);
        FakeTarget.Peer p2 = new FakeTarget.Peer(PublicKey.fromHex(PEER2));
        p2.endpoint = IpText.parseEndpoint("10.0.0.1:1");
        t.peers.put(p2.publicKey, p2);
        return t;
    }

    static final String FULL_REPLY = """
            private_key=%s
            listen_port=12912
            fwmark=4294967295
            public_key=%s
            preshared_key=%s
            protocol_version=1
            endpoint=[abcd:23::33%%2]:51820
            last_handshake_time_sec=1700000000
            last_handshake_time_nsec=123456789
            tx_bytes=18446744073709551615
            rx_bytes=1372
            persistent_keepalive_interval=25
            allowed_ip=192.168.4.4/32
            allowed_ip=fd00::/64
            allowed_ip=::ffff:0.0.0.0/96
            public_key=%s
            preshared_key=%s
            protocol_version=1
            endpoint=10.0.0.1:1
            last_handshake_time_sec=0
            last_handshake_time_nsec=0
            tx_bytes=0
            rx_bytes=0
            persistent_keepalive_interval=0
            errno=0

            """.formatted(PRIVATE, PEER1, PSK, PEER2, ZERO);

    @Test
    void formatsEveryFieldExactlyAsWireguardGo() {
        assertEquals(FULL_REPLY, exchange(new UapiHandler(fullDevice()), "get=1\n\n"));
    }

    @Test
    void emptyDeviceRepliesOnlyErrno() {
        assertEquals("errno=0\n\n", exchange(new UapiHandler(new FakeTarget()), "get=1\n\n"));
    }

    @Test
    void omitsZeroDeviceValuesAndUnknownEndpoint() {
        FakeTarget t = new FakeTarget();
        t.privateKey = PrivateKey.fromBytes(new byte[32]); // the zero key means none
        FakeTarget.Peer p = new FakeTarget.Peer(PublicKey.fromHex(PEER1));
        p.presharedKey = PresharedKey.none();
        t.peers.put(p.publicKey, p);
        String expected = "public_key=" + PEER1 + "\npreshared_key=" + ZERO + "\nprotocol_version=1\n"
                + "last_handshake_time_sec=0\nlast_handshake_time_nsec=0\ntx_bytes=0\nrx_bytes=0\n"
                + "persistent_keepalive_interval=0\nerrno=0\n\n";
        assertEquals(expected, exchange(new UapiHandler(t), "get=1\n\n"));
    }

    @Test
    void nullPresharedKeyPrintsZeros() {
        UapiTarget t = fixedSnapshot(new DeviceState(null, 0, 0, List.of(new PeerState(PublicKey.fromHex(PEER1),
                null, null, 0, 0, 0, 0, List.of()))));
        assertTrue(exchange(new UapiHandler(t), "get=1\n\n").contains("preshared_key=" + ZERO + "\n"));
    }

    @Test
    void destroysTheSnapshotKeysAfterReplying() {
        PrivateKey priv = PrivateKey.fromHex(PRIVATE);
        PresharedKey psk = PresharedKey.fromHex(PSK);
        UapiTarget t = fixedSnapshot(new DeviceState(priv, 1, 0, List.of(new PeerState(PublicKey.fromHex(PEER1),
                psk, null, 0, 0, 0, 0, List.of()))));
        String reply = exchange(new UapiHandler(t), "get=1\n\n");
        assertTrue(reply.startsWith("private_key=" + PRIVATE + "\n"));
        assertTrue(priv.isDestroyed());
        assertTrue(psk.isDestroyed());
    }

    @Test
    void wgParsesTheReplyBackToTheDeviceState() {
        byte[] reply = exchange(new UapiHandler(fullDevice()), "get=1\n\n").getBytes(StandardCharsets.ISO_8859_1);
        WgGetParser.Result r = WgGetParser.parse(reply);
        assertEquals(0, r.ret);
        assertEquals(PRIVATE, r.privateKey);
        assertEquals(12912, r.listenPort);
        assertEquals(4294967295L, r.fwmark);
        assertEquals(2, r.peers.size());
        WgGetParser.Peer p1 = r.peers.get(0);
        assertEquals(PEER1, p1.publicKey);
        assertEquals(PSK, p1.presharedKey);
        assertEquals("abcd:23::33%2", p1.endpointHost);
        assertEquals(51820, p1.endpointPort);
        assertEquals(1700000000L, p1.lastHandshakeSec);
        assertEquals(123456789L, p1.lastHandshakeNsec);
        assertEquals(-1L, p1.txBytes);
        assertEquals(1372L, p1.rxBytes);
        assertEquals(25, p1.persistentKeepalive);
        assertEquals(List.of("192.168.4.4/32", "fd00::/64", "::ffff:0.0.0.0/96"), p1.allowedIps);
        WgGetParser.Peer p2 = r.peers.get(1);
        assertEquals(PEER2, p2.publicKey);
        assertNull(p2.presharedKey);
        assertEquals("10.0.0.1", p2.endpointHost);
        assertEquals(List.of(), p2.allowedIps);
    }

    @Test
    void theWgParserRejectsRepliesWithoutErrno() {
        // Guards the round-trip test: the parser under it must be able to fail.
        assertEquals(-WgGetParser.EPROTO, WgGetParser.parse("listen_port=1\n\n".getBytes(StandardCharsets.US_ASCII)).ret);
        assertEquals(-WgGetParser.EPROTO, WgGetParser.parse("listen_port=x\nerrno=0\n\n".getBytes(StandardCharsets.US_ASCII)).ret);
        assertEquals(-WgGetParser.EPROTO, WgGetParser.parse("errno=0\n".getBytes(StandardCharsets.US_ASCII)).ret);
        assertEquals(-22, WgGetParser.parse("errno=22\n\n".getBytes(StandardCharsets.US_ASCII)).ret);
    }

    @Test
    void replyToTextToSetToReplyIsStable() {
        // What `wg showconf | wg setconf` does: read a device, write it into another, read again.
        String first = exchange(new UapiHandler(fullDevice()), "get=1\n\n");
        WgGetParser.Result r = WgGetParser.parse(first.getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder set = new StringBuilder("set=1\nprivate_key=" + r.privateKey + "\nlisten_port=" + r.listenPort
                + "\nfwmark=" + r.fwmark + "\nreplace_peers=true\n");
        for (WgGetParser.Peer p : r.peers) {
            set.append("public_key=").append(p.publicKey).append('\n');
            if (p.presharedKey != null) {
                set.append("preshared_key=").append(p.presharedKey).append('\n');
            }
            if (p.endpointHost != null) {
                String host = p.endpointHost.contains(":") ? "[" + p.endpointHost + "]" : p.endpointHost;
                set.append("endpoint=").append(host).append(':').append(p.endpointPort).append('\n');
            }
            set.append("persistent_keepalive_interval=").append(p.persistentKeepalive).append('\n');
            set.append("replace_allowed_ips=true\n");
            for (String a : p.allowedIps) {
                set.append("allowed_ip=").append(a).append('\n');
            }
        }
        set.append('\n');
        FakeTarget copy = new FakeTarget();
        UapiHandler handler = new UapiHandler(copy);
        assertEquals("errno=0\n\n", exchange(handler, set.toString()));
        String second = exchange(handler, "get=1\n\n");
        // Counters and handshake times are not configuration; everything else must match.
        String expected = first.replace("last_handshake_time_sec=1700000000", "last_handshake_time_sec=0")
                .replace("last_handshake_time_nsec=123456789", "last_handshake_time_nsec=0")
                .replace("tx_bytes=18446744073709551615", "tx_bytes=0")
                .replace("rx_bytes=1372", "rx_bytes=0");
        assertEquals(expected, second);
        assertFalse(second.contains(OWN_PUBLIC));
    }

    @Test
    void handshakeBeforeTheEpochUsesTruncatingDivisionLikeGo() {
        UapiTarget t = fixedSnapshot(new DeviceState(null, 0, 0, List.of(new PeerState(PublicKey.fromHex(PEER1),
                null, null, -1_500_000_000L, 0, 0, 0, List.of()))));
        String reply = exchange(new UapiHandler(t), "get=1\n\n");
        assertTrue(reply.contains("last_handshake_time_sec=-1\nlast_handshake_time_nsec=-500000000\n"), reply);
    }

    /** A target whose snapshot is the given state (once). */
    static UapiTarget fixedSnapshot(DeviceState state) {
        return new FakeTarget() {
            @Override
            public DeviceState snapshot() {
                return state;
            }
        };
    }
}
