package dev.wgdesk.engine.uapi;

import static dev.wgdesk.engine.uapi.Uapi.OWN_PUBLIC;
import static dev.wgdesk.engine.uapi.Uapi.PEER1;
import static dev.wgdesk.engine.uapi.Uapi.PEER2;
import static dev.wgdesk.engine.uapi.Uapi.PEER3;
import static dev.wgdesk.engine.uapi.Uapi.PRIVATE;
import static dev.wgdesk.engine.uapi.Uapi.PSK;
import static dev.wgdesk.engine.uapi.Uapi.ZERO;
import static dev.wgdesk.engine.uapi.Uapi.apply;
import static dev.wgdesk.engine.uapi.Uapi.errno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every set key, with wireguard-go's semantics and errno values (Linux numbering). */
class UapiSetTest {
    private static final String OK = errno(0);
    private static final String EINVAL = errno(-22);
    private static final String EPROTO = errno(-71);
    private static final String EADDRINUSE = errno(-98);
    private static final String UNKNOWN = errno(-55);

    private FakeTarget device;
    private UapiHandler handler;

    @BeforeEach
    void setUp() {
        device = new FakeTarget();
        handler = new UapiHandler(device, ErrnoConvention.LINUX);
    }

    private FakeTarget.Peer peer(String hex) {
        return device.peers.get(PublicKey.fromHex(hex));
    }

    /* ---------------- device keys ---------------- */

    @Test
    void setsPrivateKey() {
        assertEquals(OK, apply(handler, "private_key=" + PRIVATE));
        assertEquals(PRIVATE, device.privateKey.toHex());
    }

    @Test
    void clampsThePrivateKeyAsWireguardGoDoes() {
        String unclamped = "ff" + "11".repeat(30) + "ff";
        assertEquals(OK, apply(handler, "private_key=" + unclamped.toUpperCase()));
        assertEquals("f8" + "11".repeat(30) + "7f", device.privateKey.toHex());
    }

    @Test
    void zeroPrivateKeyRemovesIt() {
        device.privateKey = PrivateKey.fromHex(PRIVATE);
        assertEquals(OK, apply(handler, "private_key=" + ZERO));
        assertNull(device.privateKey);
        assertEquals(List.of("setPrivateKey(null)"), device.journal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00", "zz" + "00", "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027",
        "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a0",
        "g84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a",
        "6EtLWm0nF8ADoTQxVwNT26ypFGzxUMX4V1aA/rpSAno="})
    void rejectsMalformedPrivateKey(String value) {
        assertEquals(EINVAL, apply(handler, "private_key=" + value));
        assertTrue(device.journal.isEmpty());
    }

    @Test
    void setsListenPort() {
        assertEquals(OK, apply(handler, "listen_port=51820"));
        assertEquals(51820, device.listenPort);
        assertEquals(OK, apply(handler, "listen_port=0"));
        assertEquals(0, device.listenPort);
        assertEquals(OK, apply(handler, "listen_port=65535"));
        assertEquals(65535, device.listenPort);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "65536", "-1", "+1", "0x10", " 1", "1 ", "51820a", "99999999999999999999999"})
    void rejectsBadListenPort(String value) {
        assertEquals(EINVAL, apply(handler, "listen_port=" + value));
        assertTrue(device.journal.isEmpty());
    }

    @Test
    void listenPortInUseIsEaddrinuse() {
        device.portsInUse.add(51820);
        assertEquals(EADDRINUSE, apply(handler, "listen_port=51820", "fwmark=1"));
        assertEquals(0, device.fwmark); // nothing after the failure
    }

    @Test
    void darwinNumbersEaddrinuseAs48() {
        device.portsInUse.add(1);
        UapiHandler mac = new UapiHandler(device, ErrnoConvention.DARWIN);
        assertEquals(errno(-48), apply(mac, "listen_port=1"));
        assertEquals(errno(-100), Uapi.exchange(mac, "set=1\nnonsense\n\n"));
    }

    @Test
    void setsFwmarkAsUnsigned32() {
        assertEquals(OK, apply(handler, "fwmark=4294967295"));
        assertEquals(-1, device.fwmark);
        assertEquals(OK, apply(handler, "fwmark=0"));
        assertEquals(0, device.fwmark);
        assertEquals(EINVAL, apply(handler, "fwmark=4294967296"));
        assertEquals(EINVAL, apply(handler, "fwmark=-1"));
    }

    @Test
    void fwmarkFailureIsEaddrinuseAsInWireguardGo() {
        device.badFwmark = 51820;
        assertEquals(EADDRINUSE, apply(handler, "fwmark=51820"));
    }

    @Test
    void replacePeersRemovesAll() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "public_key=" + PEER2));
        assertEquals(2, device.peers.size());
        assertEquals(OK, apply(handler, "replace_peers=true", "public_key=" + PEER3));
        assertEquals(List.of(PublicKey.fromHex(PEER3)), List.copyOf(device.peers.keySet()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "True", "1", "", "true "})
    void booleanKeysAcceptOnlyTrue(String value) {
        assertEquals(EINVAL, apply(handler, "replace_peers=" + value));
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "remove=" + value));
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "update_only=" + value));
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "replace_allowed_ips=" + value));
    }

    @Test
    void deviceKeyAfterAPeerIsInvalidAndEarlierLinesStay() {
        assertEquals(EINVAL, apply(handler, "listen_port=1", "public_key=" + PEER1, "listen_port=2",
                "public_key=" + PEER2));
        assertEquals(1, device.listenPort);
        assertTrue(device.peers.containsKey(PublicKey.fromHex(PEER1)));
        assertFalse(device.peers.containsKey(PublicKey.fromHex(PEER2)));
        for (String key : List.of("private_key=" + PRIVATE, "fwmark=1", "replace_peers=true")) {
            assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, key));
        }
    }

    @Test
    void peerKeyBeforeAnyPeerIsInvalid() {
        assertEquals(EINVAL, apply(handler, "endpoint=1.2.3.4:5"));
        assertEquals(EINVAL, apply(handler, "protocol_version=1"));
        assertEquals(EINVAL, apply(handler, "allowed_ip=1.2.3.4/32"));
    }

    @Test
    void unknownKeysAreInvalid() {
        assertEquals(EINVAL, apply(handler, "listen-port=1"));
        assertEquals(EINVAL, apply(handler, "=1"));
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "jc=4"));
        assertEquals(EINVAL, apply(handler, "LISTEN_PORT=1"));
        assertEquals(0, device.listenPort);
    }

    @Test
    void lineWithoutEqualsIsEproto() {
        assertEquals(EPROTO, apply(handler, "listen_port"));
        assertEquals(EPROTO, apply(handler, "public_key=" + PEER1, "garbage"));
    }

    @Test
    void valueMayContainEquals() {
        assertEquals(EINVAL, apply(handler, "listen_port=1=2"));
    }

    /* ---------------- peers ---------------- */

    @Test
    void publicKeyCreatesAPeerAndFinishesIt() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1.toUpperCase()));
        FakeTarget.Peer p = peer(PEER1);
        assertTrue(p.started);
        assertEquals(List.of("peer(false)", "peer(true)", "finish(false)"), device.journal);
    }

    @Test
    void existingPeerIsUpdatedNotRecreated() {
        apply(handler, "public_key=" + PEER1, "persistent_keepalive_interval=5");
        device.journal.clear();
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "persistent_keepalive_interval=6"));
        assertEquals(6, peer(PEER1).persistentKeepalive);
        assertEquals(List.of("peer(false)", "setPersistentKeepalive(6)", "finish(false)"), device.journal);
    }

    @Test
    void rejectsMalformedPublicKey() {
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1.substring(2)));
        assertEquals(EINVAL, apply(handler, "public_key="));
        assertTrue(device.peers.isEmpty());
    }

    @Test
    void peerWithOurOwnKeyIsIgnoredButItsLinesAreValidated() {
        device.privateKey = PrivateKey.fromHex(PRIVATE);
        assertEquals(OK, apply(handler, "public_key=" + OWN_PUBLIC, "endpoint=1.2.3.4:5", "preshared_key=" + PSK,
                "persistent_keepalive_interval=25", "replace_allowed_ips=true", "allowed_ip=10.0.0.0/8",
                "remove=true", "public_key=" + PEER1));
        assertEquals(List.of(PublicKey.fromHex(PEER1)), List.copyOf(device.peers.keySet()));
        assertFalse(device.journal.stream().anyMatch(c -> c.startsWith("set")), device.journal.toString());
        assertEquals(EINVAL, apply(handler, "public_key=" + OWN_PUBLIC, "endpoint=nonsense"));
        assertEquals(EINVAL, apply(handler, "public_key=" + OWN_PUBLIC, "unknown=1"));
    }

    @Test
    void privateKeyEqualToAPeerRemovesThatPeerAndLaterAddsAreIgnored() {
        // netns.sh item 24, with the device doing the removal and the handler the ignoring.
        String peerPrivate = "a8" + "22".repeat(30) + "62";
        String peerPublic = PrivateKey.fromHex(peerPrivate).publicKey().toHex();
        assertEquals(OK, apply(handler, "public_key=" + peerPublic));
        assertEquals(OK, apply(handler, "private_key=" + peerPrivate));
        assertTrue(device.peers.isEmpty());
        assertEquals(OK, apply(handler, "public_key=" + peerPublic, "allowed_ip=1.2.3.4/32"));
        assertTrue(device.peers.isEmpty());
    }

    @Test
    void removeDeletesThePeerAndLaterLinesAreDropped() {
        apply(handler, "public_key=" + PEER1, "allowed_ip=10.0.0.0/8");
        device.journal.clear();
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "remove=true", "endpoint=1.2.3.4:5",
                "allowed_ip=10.0.0.0/8"));
        assertNull(peer(PEER1));
        assertEquals(List.of("peer(false)", "remove"), device.journal);
    }

    @Test
    void removeOfAMissingPeerDoesNotCreateIt() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "remove=true"));
        assertTrue(device.peers.isEmpty());
        assertEquals(List.of("peer(false)"), device.journal);
    }

    @Test
    void updateOnlyDoesNotCreateAMissingPeer() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "update_only=true", "endpoint=1.2.3.4:5",
                "allowed_ip=10.0.0.0/8"));
        assertTrue(device.peers.isEmpty());
        assertEquals(List.of("peer(false)"), device.journal);
        // ... and still validates what follows
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "update_only=true", "endpoint=x"));
    }

    @Test
    void updateOnlyUpdatesAnExistingPeer() {
        apply(handler, "public_key=" + PEER1);
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "update_only=true", "endpoint=1.2.3.4:5"));
        assertEquals(IpText.parseEndpoint("1.2.3.4:5"), peer(PEER1).endpoint);
    }

    @Test
    void updateOnlyAfterOtherLinesRemovesThePeerTheseLinesCreated() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "endpoint=1.2.3.4:5", "update_only=true",
                "allowed_ip=10.0.0.0/8"));
        assertTrue(device.peers.isEmpty());
        assertEquals(List.of("peer(false)", "peer(true)", "setEndpoint", "remove"), device.journal);
    }

    @Test
    void setsPresharedKeyAndZeroMeansNone() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "preshared_key=" + PSK));
        assertEquals(PSK, peer(PEER1).presharedKey.toHex());
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "preshared_key=" + ZERO));
        assertTrue(peer(PEER1).presharedKey.isZero());
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "preshared_key=" + PSK + "0"));
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "preshared_key=xyz"));
    }

    @Test
    void setsEndpoints() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "endpoint=192.168.4.4:51820"));
        assertEquals(new InetSocketAddress("192.168.4.4", 51820), peer(PEER1).endpoint);
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "endpoint=[abcd:23::33%2]:51820"));
        Inet6Address a = (Inet6Address) peer(PEER1).endpoint.getAddress();
        assertEquals(2, a.getScopeId());
        assertArrayEquals(IpText.parseAddress("abcd:23::33").bytes(), a.getAddress());
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "endpoint=[::1]:1"));
        assertEquals(1, peer(PEER1).endpoint.getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3.4", "example.com:51820", "::1:51820", "[1.2.3.4]:1", "1.2.3.4:65536",
        "[fe80::1%]:1", "1.2.3.4:-1"})
    void rejectsBadEndpoints(String value) {
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "endpoint=" + value));
        assertNull(peer(PEER1).endpoint);
    }

    @Test
    void persistentKeepaliveTurnedOnIsReportedAtTheEndOfTheSection() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "persistent_keepalive_interval=25",
                "endpoint=1.2.3.4:5"));
        // The keepalive goes out after the endpoint is known: finish() comes last.
        assertEquals(List.of("peer(false)", "peer(true)", "setPersistentKeepalive(25)", "setEndpoint",
                "finish(true)"), device.journal);
        device.journal.clear();
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "persistent_keepalive_interval=30"));
        assertEquals("finish(false)", device.journal.getLast());
        device.journal.clear();
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "persistent_keepalive_interval=0"));
        assertEquals("finish(false)", device.journal.getLast());
        assertEquals(0, peer(PEER1).persistentKeepalive);
    }

    @Test
    void keepaliveOnThenOffInOneSectionIsNotReported() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "persistent_keepalive_interval=25",
                "persistent_keepalive_interval=0"));
        assertEquals("finish(false)", device.journal.getLast());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "65536", "-1", "25s", "0x19"})
    void rejectsBadKeepalive(String value) {
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "persistent_keepalive_interval=" + value));
    }

    @Test
    void allowedIpsAreAddedMaskedReplacedAndRemoved() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "allowed_ip=10.1.2.3/8", "allowed_ip=fd00::1/64",
                "allowed_ip=192.168.0.1/32"));
        assertEquals(List.of(IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("fd00::/64"),
                IpPrefix.parse("192.168.0.1/32")), List.copyOf(peer(PEER1).allowedIps));
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "allowed_ip=-10.9.9.9/8", "allowed_ip=-fd00::/64"));
        assertEquals(List.of(IpPrefix.parse("192.168.0.1/32")), List.copyOf(peer(PEER1).allowedIps));
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "replace_allowed_ips=true", "allowed_ip=::/0"));
        assertEquals(List.of(IpPrefix.parse("::/0")), List.copyOf(peer(PEER1).allowedIps));
    }

    @Test
    void removingAPrefixOfAnotherPeerDoesNothing() {
        apply(handler, "public_key=" + PEER1, "allowed_ip=10.0.0.0/8", "public_key=" + PEER2);
        assertEquals(OK, apply(handler, "public_key=" + PEER2, "allowed_ip=-10.0.0.0/8"));
        assertEquals(List.of(IpPrefix.parse("10.0.0.0/8")), List.copyOf(peer(PEER1).allowedIps));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "--10.0.0.0/8", "10.0.0.0", "10.0.0.0/33", "::/129", "10.0.0.0/08",
        "fe80::/64%eth0", "fe80::1%eth0/64", "10.0.0.0/8 ", "+10.0.0.0/8"})
    void rejectsBadPrefixes(String value) {
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "allowed_ip=" + value));
        assertTrue(peer(PEER1).allowedIps.isEmpty());
    }

    @Test
    void protocolVersionOneOnly() {
        assertEquals(OK, apply(handler, "public_key=" + PEER1, "protocol_version=1"));
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "protocol_version=2"));
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "protocol_version=01"));
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "protocol_version="));
    }

    @Test
    void errorInAPeerSectionStillFinishesThePeerItCreated() {
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "allowed_ip=10.0.0.0/8", "endpoint=bad",
                "allowed_ip=11.0.0.0/8"));
        assertEquals(List.of(IpPrefix.parse("10.0.0.0/8")), List.copyOf(peer(PEER1).allowedIps));
        assertTrue(peer(PEER1).started);
    }

    @Test
    void errorRightAfterPublicKeyLeavesTheNewPeerCreatedAsWireguardGoDoes() {
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "endpoint=bad"));
        assertTrue(peer(PEER1).started);
    }

    @Test
    void peerLimitIsEinval() {
        device.maxPeers = 1;
        assertEquals(EINVAL, apply(handler, "public_key=" + PEER1, "public_key=" + PEER2, "public_key=" + PEER3));
        assertEquals(List.of(PublicKey.fromHex(PEER1)), List.copyOf(device.peers.keySet()));
        // update_only never needs to create, so it does not hit the limit
        assertEquals(OK, apply(handler, "public_key=" + PEER2, "update_only=true"));
    }

    @Test
    void deviceBugIsReportedAsUnknownAndTheConnectionSurvives() {
        device.explodeOn = "setEndpoint";
        String replies = Uapi.exchange(handler, Uapi.set("public_key=" + PEER1, "endpoint=1.2.3.4:5") + "get=1\n\n");
        assertTrue(replies.startsWith(UNKNOWN + "public_key=" + PEER1 + "\n"), replies);
        device.explodeOn = "snapshot";
        assertEquals(UNKNOWN, Uapi.exchange(handler, "get=1\n\n"));
    }

    @Test
    void crlfLineEndsAreAcceptedLikeGosScanner() {
        assertEquals(OK, Uapi.exchange(handler, "set=1\nlisten_port=7\r\npublic_key=" + PEER1 + "\r\n\r\n"));
        assertEquals(7, device.listenPort);
        assertTrue(device.peers.containsKey(PublicKey.fromHex(PEER1)));
    }
}
