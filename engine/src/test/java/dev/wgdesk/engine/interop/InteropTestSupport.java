package dev.wgdesk.engine.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.device.DeviceStats;
import dev.wgdesk.engine.device.PeerSnapshot;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Shared set-up for the wireguard-go interop tests: wireguard-go in its own namespace (see
 * {@link WireGuardGoNamespace}), and a Java {@link Device} on the test's side of the veth with an
 * in-memory TUN, a real UDP socket and the real clock. An {@link EchoResponder} answers pings to
 * the Java device's inner addresses.
 */
@Tag("interop")
@Timeout(value = 45, unit = TimeUnit.SECONDS)
abstract class InteropTestSupport {
    /** The inner MTU on both sides (wireguard-go's default). */
    static final int MTU = 1420;
    /** Bound on one echo round trip, handshake included. */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(8);

    WireGuardGoNamespace wg;
    PrivateKey javaKey;
    MemoryTun tun;
    CountingBind bind;
    Device device;
    EchoResponder responder;
    final int echoId = ThreadLocalRandom.current().nextInt(1, 0x10000);
    private int nextSeq = 1;

    @BeforeEach
    void startBothSides() throws Exception {
        WireGuardGoNamespace.assumeAvailable();
        wg = WireGuardGoNamespace.start();
        javaKey = PrivateKey.generate();
        tun = new MemoryTun("wgdj" + ProcessHandle.current().pid(), MTU);
        bind = new CountingBind();
        device = new Device(tun, bind, Clock.system());
        device.setPrivateKey(javaKey);
        device.up();
        responder = new EchoResponder(tun, wg.javaV4, wg.javaV6);
    }

    @AfterEach
    void stopBothSides() throws Exception {
        Exception failure = null;
        try {
            if (responder != null) {
                responder.close();
            }
        } catch (Exception e) {
            failure = e;
        }
        if (device != null) {
            device.close();
        }
        if (javaKey != null) {
            javaKey.destroy();
        }
        try {
            if (wg != null) {
                wg.close();
            }
        } catch (Exception e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /* ---------- configuration ---------- */

    /** The Java device's UDP endpoint as wireguard-go reaches it: our side of the veth. */
    InetSocketAddress javaEndpoint(boolean v6) {
        return new InetSocketAddress(v6 ? wg.hostV6 : wg.hostV4, device.listenPort());
    }

    /** wireguard-go's UDP endpoint: the namespace side of the veth. */
    InetSocketAddress wireGuardGoEndpoint(boolean v6) {
        return new InetSocketAddress(v6 ? wg.nsV6 : wg.nsV4, WireGuardGoNamespace.LISTEN_PORT);
    }

    /** Adds wireguard-go as the Java device's peer, owning its two inner addresses. */
    void javaPeersWithWireGuardGo(InetSocketAddress endpoint, PresharedKey psk) {
        device.addPeer(wg.publicKey);
        device.addPeerAllowedIp(wg.publicKey, wg.wgV4, 32);
        device.addPeerAllowedIp(wg.publicKey, wg.wgV6, 128);
        if (endpoint != null) {
            device.setPeerEndpoint(wg.publicKey, endpoint);
        }
        if (psk != null) {
            device.setPeerPresharedKey(wg.publicKey, psk);
        }
    }

    /** Adds the Java device as wireguard-go's peer. */
    void wireGuardGoPeersWithJava(InetSocketAddress endpoint, PresharedKey psk) throws Exception {
        wg.setPeer(javaKey.publicKey(), endpoint, psk);
    }

    /* ---------- traffic ---------- */

    /** Injects an echo request from the Java side; returns its sequence number. */
    int sendPingFromJava(boolean v6, int payloadSize) {
        int seq = nextSeq++;
        InetAddress src = v6 ? wg.javaV6 : wg.javaV4;
        InetAddress dst = v6 ? wg.wgV6 : wg.wgV4;
        tun.inject(Icmp.request(src, dst, echoId, seq, payload(seq, payloadSize)));
        return seq;
    }

    /** Waits for the kernel's echo reply to request {@code seq} and checks every field of it. */
    Icmp.Echo expectReply(boolean v6, int seq, int payloadSize) throws Exception {
        InetAddress from = v6 ? wg.wgV6 : wg.wgV4;
        Icmp.Echo reply = responder.awaitReply(from, echoId, seq, REPLY_TIMEOUT);
        assertNotNull(reply, "no echo reply from wireguard-go's side for seq " + seq + " within " + REPLY_TIMEOUT
                + "\n" + diagnostics());
        assertEquals(v6 ? Icmp.V6_ECHO_REPLY : Icmp.V4_ECHO_REPLY, reply.type(), "ICMP type");
        assertEquals(0, reply.code(), "ICMP code");
        assertEquals(v6 ? wg.javaV6 : wg.javaV4, reply.dst(), "reply destination");
        assertTrue(reply.checksumsOk(), "reply checksums: " + reply);
        assertArrayEquals(payload(seq, payloadSize), reply.payload(), "echoed payload");
        return reply;
    }

    /** One full echo from the Java side to wireguard-go's inner address and back. */
    Icmp.Echo pingFromJava(boolean v6, int payloadSize) throws Exception {
        return expectReply(v6, sendPingFromJava(v6, payloadSize), payloadSize);
    }

    /** {@code ip netns exec NS ping -c 3} to the Java inner address: all three must come back. */
    void pingFromNamespace(boolean v6) throws Exception {
        int before = responder.answered(v6);
        InetAddress dst = v6 ? wg.javaV6 : wg.javaV4;
        Commands.Result r = wg.ping(dst, 3);
        // As root, ping reads a raw socket, which sees replies before the kernel's ICMP checksum
        // check; recent iputils then ignore an IPv4 ICMP checksum failure (they do flag corrupt
        // payloads). The IPv4 header checksum and the ICMPv6 checksum are enforced by the kernel, and
        // the ICMPv4 checksum of our requests by the kernel's echo handling in the other direction.
        String out = r.output();
        assertTrue(r.ok() && out.contains("3 packets transmitted, 3 received") && !out.contains("BAD CHECKSUM")
                        && !out.contains("DUP!") && !out.contains("wrong data byte"),
                "ping from the namespace to " + dst.getHostAddress() + " failed: " + r + "\n" + diagnostics());
        assertTrue(responder.answered(v6) - before >= 3, "the Java responder answered too few requests");
        assertEquals(0, responder.badRequests(), "echo requests with bad checksums reached the Java side");
    }

    /** Deterministic payload bytes for a sequence number. */
    static byte[] payload(int seq, int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) (seq * 31 + i * 7);
        }
        return p;
    }

    /** Largest echo payload that fits the inner MTU exactly. */
    static int mtuSizedPayload(boolean v6) {
        return MTU - (v6 ? 40 : 20) - 8;
    }

    /* ---------- checks ---------- */

    /** Polls {@code condition} for at most 6 s. */
    void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "\n" + diagnostics());
            }
            Thread.sleep(20);
        }
    }

    /** {@code wg show dump} in the namespace lists the Java peer with this endpoint, a handshake and traffic. */
    WgDump.Peer assertWireGuardGoSeesJava(InetSocketAddress expectedEndpoint) throws Exception {
        WgDump.Peer p = wg.dump().peer(javaKey.publicKey().toBase64());
        assertNotNull(p, "wg show dump does not list the Java peer");
        assertEquals(expectedEndpoint, WireGuardGoNamespace.parseEndpoint(p.endpoint()), "endpoint in " + p);
        long now = System.currentTimeMillis() / 1000;
        assertTrue(p.latestHandshakeSeconds() > 0 && Math.abs(now - p.latestHandshakeSeconds()) < 60,
                "latest handshake in " + p);
        assertTrue(p.rxBytes() > 0 && p.txBytes() > 0, "transfer counters in " + p);
        return p;
    }

    /** The Java device's view of wireguard-go: this endpoint, a recent handshake and traffic. */
    PeerSnapshot assertJavaSeesWireGuardGo(InetSocketAddress expectedEndpoint) {
        PeerSnapshot s = javaViewOfWireGuardGo();
        assertNotNull(s, "the Java device has no peer");
        assertEquals(wg.publicKey, s.publicKey());
        assertEquals(expectedEndpoint, s.endpoint(), "Java device's endpoint for wireguard-go");
        long ageNanos = System.currentTimeMillis() * 1_000_000L - s.lastHandshakeEpochNanos();
        assertTrue(s.lastHandshakeEpochNanos() > 0 && Math.abs(ageNanos) < TimeUnit.SECONDS.toNanos(60),
                "last handshake " + s.lastHandshakeEpochNanos());
        assertTrue(s.rxBytes() > 0 && s.txBytes() > 0, "Java transfer counters " + s);
        return s;
    }

    /** The Java device's snapshot of its one peer (key copies destroyed), or null. */
    PeerSnapshot javaViewOfWireGuardGo() {
        DeviceSnapshot snap = device.snapshot();
        if (snap.privateKey() != null) {
            snap.privateKey().destroy();
        }
        for (PeerSnapshot p : snap.peers()) {
            p.presharedKey().destroy();
        }
        return snap.peers().isEmpty() ? null : snap.peers().getFirst();
    }

    /** Nothing was dropped that a correct peer should never cause. */
    void assertNoBadDrops() {
        DeviceStats st = device.stats();
        assertEquals(0, st.droppedDecrypt(), "transport messages failing authentication\n" + diagnostics());
        assertEquals(0, st.droppedReplay(), "replayed transport messages\n" + diagnostics());
        assertEquals(0, st.droppedInnerSource(), "inner source outside allowed IPs\n" + diagnostics());
        assertEquals(0, st.droppedInvalidInnerPacket(), "invalid inner packets\n" + diagnostics());
        assertEquals(0, st.droppedMalformed(), "malformed datagrams\n" + diagnostics());
        assertEquals(0, st.droppedHandshakeInvalid(), "rejected handshake messages\n" + diagnostics());
        assertEquals(0, st.droppedUnknownIndex(), "unknown receiver index\n" + diagnostics());
    }

    /** Counters of both sides and wireguard-go's log tail, for failure messages. */
    String diagnostics() {
        StringBuilder b = new StringBuilder();
        b.append(wg).append("\nJava bind: ").append(bind);
        DeviceStats st = device.stats();
        b.append("\nJava stats: handshakes ").append(st.handshakesCompleted())
                .append(", dropped decrypt ").append(st.droppedDecrypt())
                .append(" handshake-invalid ").append(st.droppedHandshakeInvalid())
                .append(" unknown-index ").append(st.droppedUnknownIndex())
                .append(" no-route ").append(st.droppedNoRoute())
                .append(" no-endpoint ").append(st.droppedNoEndpoint())
                .append(" inner-source ").append(st.droppedInnerSource());
        b.append("\nJava peer: ").append(javaViewOfWireGuardGo());
        b.append("\nunexpected packets out of the Java TUN: ").append(responder.unexpected());
        String log = wg.logText();
        b.append("\nwireguard-go log (tail):\n").append(log.length() > 4000 ? log.substring(log.length() - 4000) : log);
        return b.toString();
    }
}
