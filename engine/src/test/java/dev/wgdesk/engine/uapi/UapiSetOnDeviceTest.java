package dev.wgdesk.engine.uapi;

import static dev.wgdesk.engine.uapi.Uapi.OWN_PUBLIC;
import static dev.wgdesk.engine.uapi.Uapi.PEER1;
import static dev.wgdesk.engine.uapi.Uapi.PEER2;
import static dev.wgdesk.engine.uapi.Uapi.PRIVATE;
import static dev.wgdesk.engine.uapi.Uapi.PSK;
import static dev.wgdesk.engine.uapi.Uapi.ZERO;
import static dev.wgdesk.engine.uapi.Uapi.apply;
import static dev.wgdesk.engine.uapi.Uapi.errno;
import static dev.wgdesk.engine.uapi.Uapi.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The UAPI set rules against the real {@link Device} (through {@link DeviceUapiTarget}), not
 * only against {@link FakeTarget}, which re-implements them for {@code UapiSetTest}: each script
 * of set requests goes to a real device and to the fake; every reply (errno) and the final
 * {@code get=1} dump must be the same, and a few rules are also checked on the device alone. A
 * rule the fake gets wrong, or the device gets wrong, shows up here.
 */
class UapiSetOnDeviceTest {
    private static final String OK = errno(0);
    private static final String EINVAL = errno(-22);
    private static final String PEER_PRIVATE = "a8" + "22".repeat(30) + "62";
    private static final String PEER_PUBLIC = PrivateKey.fromHex(PEER_PRIVATE).publicKey().toHex();

    private final List<Device> devices = new ArrayList<>();

    private UapiHandler realHandler() {
        Device d = new Device(new MemoryTun("uapi" + devices.size()), new MemoryBind(new MemoryBind.Network()),
                new VirtualClock(), 0);
        devices.add(d);
        return new UapiHandler(new DeviceUapiTarget(d), ErrnoConvention.LINUX);
    }

    @AfterEach
    void close() {
        devices.forEach(Device::close);
    }

    static Stream<Arguments> scripts() {
        return Stream.of(
                Arguments.of("private key, clamped", List.of(
                        List.of("private_key=" + "ff" + "11".repeat(30) + "ff"))),
                Arguments.of("zero private key removes it", List.of(
                        List.of("private_key=" + PRIVATE), List.of("private_key=" + ZERO))),
                Arguments.of("fwmark as unsigned 32 bits, then cleared", List.of(
                        List.of("fwmark=4294967295"), List.of("fwmark=0"), List.of("fwmark=51820"))),
                Arguments.of("a full peer", List.of(List.of("private_key=" + PRIVATE, "public_key=" + PEER1,
                        "preshared_key=" + PSK, "endpoint=192.0.2.7:51820", "persistent_keepalive_interval=25",
                        "allowed_ip=10.1.2.3/8", "allowed_ip=fd00::1/64", "allowed_ip=192.168.0.1/32"))),
                Arguments.of("IPv6 endpoint and a zero preshared key", List.of(List.of("public_key=" + PEER1,
                        "preshared_key=" + PSK, "endpoint=[2001:db8::1]:4242"), List.of("public_key=" + PEER1,
                        "preshared_key=" + ZERO))),
                Arguments.of("allowed IPs removed and replaced", List.of(
                        List.of("public_key=" + PEER1, "allowed_ip=10.1.2.3/8", "allowed_ip=fd00::1/64",
                                "allowed_ip=192.168.0.1/32"),
                        List.of("public_key=" + PEER1, "allowed_ip=-10.9.9.9/8", "allowed_ip=-fd00::/64"),
                        List.of("public_key=" + PEER1, "replace_allowed_ips=true", "allowed_ip=::/0"))),
                Arguments.of("an allowed IP moves to the peer that claims it last", List.of(
                        List.of("public_key=" + PEER1, "allowed_ip=10.0.0.0/8", "allowed_ip=10.5.0.0/16"),
                        List.of("public_key=" + PEER2, "allowed_ip=10.5.0.0/16"))),
                Arguments.of("removing another peer's prefix does nothing", List.of(
                        List.of("public_key=" + PEER1, "allowed_ip=10.0.0.0/8", "public_key=" + PEER2),
                        List.of("public_key=" + PEER2, "allowed_ip=-10.0.0.0/8"))),
                Arguments.of("replace_peers", List.of(
                        List.of("public_key=" + PEER1, "public_key=" + PEER2),
                        List.of("replace_peers=true", "public_key=" + PEER2, "allowed_ip=10.0.0.0/8"))),
                Arguments.of("remove, and lines after it are dropped", List.of(
                        List.of("public_key=" + PEER1, "allowed_ip=10.0.0.0/8", "public_key=" + PEER2),
                        List.of("public_key=" + PEER1, "remove=true", "endpoint=1.2.3.4:5", "allowed_ip=10.0.0.0/8"))),
                Arguments.of("update_only neither creates nor skips validation", List.of(
                        List.of("public_key=" + PEER1, "update_only=true", "endpoint=1.2.3.4:5"),
                        List.of("public_key=" + PEER1, "update_only=true", "endpoint=x"),
                        List.of("public_key=" + PEER2),
                        List.of("public_key=" + PEER2, "update_only=true", "persistent_keepalive_interval=7"))),
                Arguments.of("a peer with our own key is ignored", List.of(
                        List.of("private_key=" + PRIVATE, "public_key=" + OWN_PUBLIC, "allowed_ip=10.0.0.0/8"),
                        List.of("public_key=" + OWN_PUBLIC, "allowed_ip=bad"))),
                Arguments.of("a private key equal to a peer's removes the peer", List.of(
                        List.of("public_key=" + PEER_PUBLIC, "allowed_ip=10.0.0.0/8"),
                        List.of("private_key=" + PEER_PRIVATE),
                        List.of("public_key=" + PEER_PUBLIC, "allowed_ip=1.2.3.4/32"))),
                Arguments.of("an error keeps what came before it", List.of(
                        List.of("fwmark=7", "public_key=" + PEER1, "allowed_ip=10.0.0.0/8", "listen_port=1"),
                        List.of("public_key=" + PEER2, "allowed_ip=10.2.0.0/16", "persistent_keepalive_interval=x",
                                "allowed_ip=10.3.0.0/16"))),
                Arguments.of("bad values", List.of(List.of("listen_port=65536"), List.of("fwmark=-1"),
                        List.of("private_key=zz"), List.of("public_key=" + PEER1, "protocol_version=2"),
                        List.of("public_key=" + PEER1, "endpoint=1.2.3.4"), List.of("nonsense=1"),
                        List.of("public_key=" + PEER1, "allowed_ip=10.0.0.0/33"), List.of("replace_peers=false"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void theDeviceAndTheFakeAnswerEveryScriptAlike(String what, List<List<String>> requests) {
        UapiHandler real = realHandler();
        UapiHandler fake = new UapiHandler(new FakeTarget(), ErrnoConvention.LINUX);
        for (List<String> r : requests) {
            String[] lines = r.toArray(String[]::new);
            assertEquals(apply(fake, lines), apply(real, lines), what + ": reply to " + r);
        }
        assertEquals(peersSorted(exchange(fake, "get=1\n\n")), peersSorted(exchange(real, "get=1\n\n")),
                what + ": the resulting state");
    }

    /**
     * A {@code get} dump with the peer sections sorted: the order of peers is no part of the
     * protocol (wireguard-go walks a Go map; the device and the fake keep different orders).
     */
    static String peersSorted(String dump) {
        StringBuilder head = new StringBuilder();
        List<String> peers = new ArrayList<>();
        StringBuilder current = null;
        for (String line : dump.split("\n", -1)) {
            if (line.startsWith("public_key=")) {
                if (current != null) {
                    peers.add(current.toString());
                }
                current = new StringBuilder();
            } else if (line.startsWith("errno=") && current != null) {
                peers.add(current.toString());
                current = null;
            }
            (current != null ? current : head).append(line).append('\n');
        }
        peers.sort(null);
        return String.join("", peers) + "--\n" + head;
    }

    @Test
    void onTheDeviceItselfTheRulesHold() {
        UapiHandler h = realHandler();
        Device d = devices.getFirst();
        assertEquals(OK, apply(h, "private_key=" + PRIVATE, "listen_port=0", "public_key=" + PEER1,
                "allowed_ip=10.1.2.3/8", "endpoint=192.0.2.7:51820", "public_key=" + PEER2, "allowed_ip=10.5.0.0/16"));
        assertEquals(OWN_PUBLIC, d.publicKey().toHex());
        assertEquals(2, d.snapshot().peers().size());
        assertEquals("[10.0.0.0/8]", d.snapshot().peers().stream()
                .filter(p -> p.publicKey().toHex().equals(PEER1)).findFirst().orElseThrow().allowedIps().toString(),
                "masked");
        assertEquals(EINVAL, apply(h, "public_key=" + PEER1, "remove=true", "public_key=" + PEER2, "bogus=1"));
        assertEquals(1, d.snapshot().peers().size(), "the removal before the error stays");
        assertEquals(OK, apply(h, "replace_peers=true"));
        assertTrue(d.snapshot().peers().isEmpty());
        assertEquals(OK, apply(h, "private_key=" + ZERO));
        assertFalse(exchange(h, "get=1\n\n").contains("private_key="), "no key is reported once removed");
    }
}
