package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An attacker on the path between two devices (issue 15 item 3, issue 10 item 8): it can capture
 * transport messages, alter them, replay them, and send them from addresses of its own. Tampered
 * messages must be dropped and counted and change nothing about the peer (endpoint, timers,
 * counters); a replay must not move the endpoint; replays from ever-changing sources must not
 * flood the log.
 */
@Timeout(60)
class AdversarialTransportTest {
    private static final InetAddress ATTACKER = address("127.0.0.66");

    private final VirtualClock clock = new VirtualClock();
    private final MemoryBind.Network net = new MemoryBind.Network();
    private final PrivateKey keyA = PrivateKey.generate();
    private final PrivateKey keyB = PrivateKey.generate();
    private final MemoryTun tunA = new MemoryTun("advA");
    private final MemoryTun tunB = new MemoryTun("advB");
    private final MemoryBind bindA = new MemoryBind(net);
    private final MemoryBind bindB = new MemoryBind(net);
    private final MemoryBind attacker = new MemoryBind(net);
    private final Device a = new Device(tunA, bindA, clock, 0);
    private final Device b = new Device(tunB, bindB, clock, 0);
    private Peer aAtB;

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        a.setPrivateKey(keyA);
        b.setPrivateKey(keyB);
        a.up();
        b.up();
        a.addPeer(keyB.publicKey());
        a.addPeerAllowedIp(keyB.publicKey(), InetAddress.getByName("10.0.0.2"), 32);
        a.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress("127.0.0.1", b.listenPort()));
        b.addPeer(keyA.publicKey());
        b.addPeerAllowedIp(keyA.publicKey(), InetAddress.getByName("10.0.0.1"), 32);
        aAtB = b.peerByKey(keyA.publicKey());
        attacker.addAddress(ATTACKER);
        attacker.removeAddress(InetAddress.getLoopbackAddress()); // it sends from 127.0.0.66
        attacker.open(0);
    }

    @AfterEach
    void tearDown() {
        attacker.close();
        a.close();
        b.close();
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    private void attackerSends(byte[] datagram) throws Exception {
        attacker.send(new ByteBuffer[] {ByteBuffer.wrap(datagram.clone())}, 1,
                UdpEndpoint.of(new InetSocketAddress("127.0.0.1", b.listenPort())));
    }

    private static List<byte[]> dataMessages(MemoryBind bind) {
        return bind.sent.stream().filter(d -> d[0] == Protocol.MESSAGE_TRANSPORT_TYPE && d.length > Protocol.MESSAGE_TRANSPORT_SIZE).toList();
    }

    /**
     * A session both ways, ending with B having sent data (so B's new-handshake timer is pending
     * and its send-keepalive timer is not). Returns A's first data message as it went on the wire,
     * which B has received.
     */
    private byte[] establish() throws Exception {
        byte[] ping = TestPackets.udp("10.0.0.1", "10.0.0.2", "ping".getBytes());
        tunA.inject(ping);
        assertArrayEquals(ping, tunB.poll(10, TimeUnit.SECONDS));
        byte[] pong = TestPackets.udp("10.0.0.2", "10.0.0.1", "pong".getBytes());
        tunB.inject(pong);
        assertArrayEquals(pong, tunA.poll(10, TimeUnit.SECONDS));
        // B runs its send-side timer hooks just after the datagram left.
        await("B's timers after sending: new-handshake armed, send-keepalive not",
                () -> aAtB.timers.isNewHandshakePending() && !aAtB.timers.isSendKeepalivePending());
        return dataMessages(bindA).getFirst();
    }

    /** What an authenticated packet would change at B; none of it may move. */
    private record PeerState(UdpEndpoint endpoint, long rxBytes, boolean newHandshakePending,
            boolean sendKeepalivePending, long lastHandshake, long delivered) {}

    private PeerState stateAtB() {
        return new PeerState(aAtB.endpoint(), aAtB.rxBytes.get(), aAtB.timers.isNewHandshakePending(),
                aAtB.timers.isSendKeepalivePending(), aAtB.lastHandshakeEpochNanos(), tunB.delivered());
    }

    @Test
    void tamperedBodyTagOrCounterIsDroppedCountedAndChangesNothing() throws Exception {
        byte[] authentic = establish();
        PeerState before = stateAtB();
        assertEquals(InetAddress.getLoopbackAddress(), before.endpoint().remote().getAddress());
        long droppedBefore = b.stats().droppedDecrypt();

        byte[] body = authentic.clone();
        body[Protocol.MESSAGE_TRANSPORT_HEADER_SIZE] ^= 1; // first ciphertext byte
        byte[] tag = authentic.clone();
        tag[tag.length - 1] ^= (byte) 0x80; // last tag byte
        byte[] counter = authentic.clone();
        counter[8] ^= 5; // the nonce is authenticated too: a fresh-looking counter gains nothing
        for (byte[] forged : List.of(body, tag, counter)) {
            attackerSends(forged);
        }

        await("the forgeries to be dropped", () -> b.stats().droppedDecrypt() == droppedBefore + 3);
        assertEquals(before, stateAtB(), "a forged message changed the peer (endpoint, timers, counters or TUN)");
        assertNull(tunB.poll(), "nothing reaches the TUN");
        // And the genuine session is unharmed.
        byte[] next = TestPackets.udp("10.0.0.1", "10.0.0.2", "still here".getBytes());
        tunA.inject(next);
        assertArrayEquals(next, tunB.poll(10, TimeUnit.SECONDS));
        assertEquals(before.endpoint(), aAtB.endpoint());
    }

    @Test
    void replayFromAnotherSourceLeavesTheEndpointWhereItWas() throws Exception {
        byte[] authentic = establish();
        PeerState before = stateAtB();
        long replaysBefore = b.stats().droppedReplay();

        attackerSends(authentic); // B has already received this one

        await("the replay to be dropped", () -> b.stats().droppedReplay() == replaysBefore + 1);
        assertEquals(before, stateAtB(), "a replayed message changed the peer");
        assertNull(tunB.poll(), "the replay does not reach the TUN twice");
        assertEquals(0, b.stats().droppedDecrypt(), "a replay authenticates; it is the window that drops it");
    }

    @Test
    void freshAuthenticMessagesFromChangingSourcesMoveTheEndpointButNotTheLog() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger("wgdesk.device.advB");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.INFO.intValue() && r.getMessage().contains("roaming")) {
                    lines.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override public void flush() {}
            @Override public void close() {}
        };
        log.addHandler(capture);
        try {
            establish();
            // The attacker holds back A's next messages (B never sees them from A) ...
            int captured = dataMessages(bindA).size();
            net.deliver = d -> d[0] != Protocol.MESSAGE_TRANSPORT_TYPE;
            int n = 40;
            for (int i = 0; i < n; i++) {
                tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", ("held " + i).getBytes()));
            }
            await("A's messages", () -> dataMessages(bindA).size() == captured + n);
            List<byte[]> held = dataMessages(bindA).subList(captured, captured + n);
            net.deliver = d -> true;
            // ... and sends each, in order, from a new address of its own: each is fresh and
            // authentic, so B follows it (that is roaming), and would log every move.
            InetAddress last = null;
            for (int i = 0; i < n; i++) {
                InetAddress source = address("127.0.1." + (i + 1));
                attacker.addAddress(source);
                attacker.removeAddress(last == null ? ATTACKER : last);
                last = source;
                attackerSends(held.get(i));
                InetAddress expected = source;
                await("B to follow to " + expected, () -> aAtB.endpoint().remote().getAddress().equals(expected));
            }
            for (int i = 0; i < n; i++) {
                assertNotNull(tunB.poll(10, TimeUnit.SECONDS), "held message " + i + " was delivered");
            }
            assertEquals(1, lines.size(), "roaming lines within one interval: " + lines);

            // After the interval, the next move is logged again and says how many were left out.
            clock.advance(Peer.ROAMING_LOG_INTERVAL_NANOS);
            byte[] late = TestPackets.udp("10.0.0.1", "10.0.0.2", "late".getBytes());
            tunA.inject(late);
            assertArrayEquals(late, tunB.poll(10, TimeUnit.SECONDS));
            await("A's own address back", () -> aAtB.endpoint().remote().getAddress().equals(InetAddress.getLoopbackAddress()));
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(1).contains((n - 1) + " more changes"), lines.get(1));
        } finally {
            log.removeHandler(capture);
        }
    }
}
