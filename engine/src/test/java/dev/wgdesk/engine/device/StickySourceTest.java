package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sticky source address (protocol.md 1.11): a peer's endpoint records our local address its
 * authenticated packets arrived on, replies leave from it, and it is forgotten on handshake
 * retransmit, on the new-handshake timer, on fwmark and listen-port changes, and when the system
 * refuses it (the address was removed). Virtual time, in-memory network where B has two
 * addresses and A dials the second, which is not B's default.
 */
@Timeout(60)
class StickySourceTest {
    private static final InetAddress LO1 = address("127.0.0.1");
    private static final InetAddress LO2 = address("127.0.0.2");

    private final VirtualClock clock = new VirtualClock();
    private final MemoryBind.Network net = new MemoryBind.Network();
    private final PrivateKey keyA = PrivateKey.generate();
    private final PrivateKey keyB = PrivateKey.generate();
    private final MemoryTun tunA = new MemoryTun("tA");
    private final MemoryTun tunB = new MemoryTun("tB");
    private final MemoryBind bindA = new MemoryBind(net);
    private final MemoryBind bindB = new MemoryBind(net);
    private final Device a = new Device(tunA, bindA, clock, 0);
    private final Device b = new Device(tunB, bindB, clock, 0);

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeEach
    void connect() throws Exception {
        bindB.addAddress(LO2); // B's default source stays 127.0.0.1
        a.setPrivateKey(keyA);
        b.setPrivateKey(keyB);
        a.up();
        b.up();
        a.addPeer(keyB.publicKey());
        a.addPeerAllowedIp(keyB.publicKey(), InetAddress.getByName("10.0.0.2"), 32);
        a.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress(LO2, b.listenPort()));
        b.addPeer(keyA.publicKey());
        b.addPeerAllowedIp(keyA.publicKey(), InetAddress.getByName("10.0.0.1"), 32);
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS), "the tunnel came up");
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
    }

    private UdpEndpoint endpointOfAAtB() {
        return b.peerByKey(keyA.publicKey()).endpoint();
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

    private static List<MemoryBind.Sent> sentOfType(MemoryBind bind, int type) {
        return bind.sentLog.stream().filter(s -> s.data()[0] == type).toList();
    }

    private void bSendsData() throws InterruptedException {
        tunB.inject(TestPackets.udp("10.0.0.2", "10.0.0.1", new byte[10]));
        assertNotNull(tunA.poll(5, TimeUnit.SECONDS), "B's packet reached A");
    }

    @Test
    void repliesLeaveFromTheAddressThePeerDialled() throws Exception {
        UdpEndpoint ep = endpointOfAAtB();
        assertEquals(new InetSocketAddress(LO1, a.listenPort()), ep.remote());
        assertEquals(LO2, ep.source(), "B records the local address A's packets arrived on");
        assertEquals(MemoryBind.INTERFACE, ep.sourceInterface());
        bSendsData();
        assertFalse(bindB.sentLog.isEmpty());
        for (MemoryBind.Sent s : bindB.sentLog) {
            assertEquals(LO2, s.from(), "every reply (response, data) leaves from the dialled address, not B's default");
        }
        // A therefore keeps seeing B where it dialled it.
        assertEquals(new InetSocketAddress(LO2, b.listenPort()), a.peerByKey(keyB.publicKey()).endpoint().remote());
        assertEquals(0, b.stats().staleSources());
    }

    @Test
    void handshakeRetransmitForgetsTheSource() throws Exception {
        Peer peerA = b.peerByKey(keyA.publicKey());
        net.deliver = d -> false; // from now on nothing arrives anywhere
        int before = sentOfType(bindB, 1).size();
        // B answered A's handshake, and a response counts as a sent handshake for REKEY_TIMEOUT.
        clock.advanceMillis(5001);
        peerA.sendHandshakeInitiation(false);
        await("B's initiation", () -> sentOfType(bindB, 1).size() == before + 1);
        assertTrue(sentOfType(bindB, 1).get(before).to().hasSource(), "the first initiation still uses the cached source");
        clock.advanceMillis(5400); // REKEY_TIMEOUT + the largest jitter
        await("the retransmission", () -> sentOfType(bindB, 1).size() == before + 2);
        MemoryBind.Sent retry = sentOfType(bindB, 1).get(before + 1);
        assertFalse(retry.to().hasSource(), "a retransmitted initiation lets the system pick the source");
        assertEquals(LO1, retry.from());
        assertFalse(endpointOfAAtB().hasSource());
        assertEquals(new InetSocketAddress(LO1, a.listenPort()), endpointOfAAtB().remote(), "the remote is kept");
    }

    @Test
    void newHandshakeTimerForgetsTheSource() throws Exception {
        bSendsData();
        // A's packets are lost from now on, so B hears nothing back after sending data.
        net.deliver = d -> !bindA.sent.contains(d);
        int before = sentOfType(bindB, 1).size();
        tunB.inject(TestPackets.udp("10.0.0.2", "10.0.0.1", new byte[10]));
        assertNotNull(tunA.poll(5, TimeUnit.SECONDS));
        String newHandshake = b.peerByKey(keyA.publicKey()) + " new-handshake";
        await("B's new-handshake timer armed by the data it sent", () -> clock.isPending(newHandshake));
        assertTrue(endpointOfAAtB().hasSource());
        clock.advanceSeconds(15);
        assertEquals(List.of(), clock.firings(newHandshake)); // expiries run on this thread: no waiting
        assertTrue(endpointOfAAtB().hasSource(), "kept before KEEPALIVE + REKEY_TIMEOUT");
        clock.advanceMillis(400); // + the largest jitter
        assertEquals(1, clock.firings(newHandshake).size());
        await("new handshake", () -> sentOfType(bindB, 1).size() > before);
        assertFalse(endpointOfAAtB().hasSource(), "the new-handshake timer forgets the source");
        assertFalse(sentOfType(bindB, 1).get(before).to().hasSource());
    }

    @Test
    void fwmarkListenPortAndConfiguredEndpointForgetTheSource() throws Exception {
        assertTrue(endpointOfAAtB().hasSource());
        b.setFwmark(51820);
        assertFalse(endpointOfAAtB().hasSource(), "fwmark change");

        bSendsData(); // A answers nothing yet; make A send so B learns the source again
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS));
        await("source learnt again", () -> endpointOfAAtB().hasSource());

        b.setListenPort(b.listenPort() + 100);
        assertFalse(endpointOfAAtB().hasSource(), "listen-port change");

        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        // A still sends to B's old port, which is closed now: nothing can be learnt, the
        // endpoint stays source-less. Configure it directly instead.
        b.setPeerEndpoint(keyA.publicKey(), new InetSocketAddress(LO1, a.listenPort()));
        assertFalse(endpointOfAAtB().hasSource(), "a configured endpoint has no source");
    }

    @Test
    void removedSourceIsForgottenAndTheDataResentFromTheNewAddress() throws Exception {
        assertEquals(LO2, endpointOfAAtB().source());
        bindB.removeAddress(LO2); // as `ip addr del`: sending from it now fails
        bSendsData();
        assertEquals(1, bindB.staleRefusals.get(), "the first send was refused");
        assertEquals(1, b.stats().staleSources());
        MemoryBind.Sent last = bindB.sentLog.get(bindB.sentLog.size() - 1);
        assertEquals(LO1, last.from(), "resent from the address the system picked");
        assertFalse(last.to().hasSource());
        // A roams to B's new address, so the tunnel keeps working both ways.
        await("A roams", () -> a.peerByKey(keyB.publicKey()).endpoint().remote().getAddress().equals(LO1));
        tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[10]));
        assertNotNull(tunB.poll(5, TimeUnit.SECONDS), "A reaches B at its new address");
        await("source learnt again", () -> endpointOfAAtB().hasSource());
        assertEquals(LO1, endpointOfAAtB().source());
        bSendsData();
        assertEquals(1, bindB.staleRefusals.get(), "no further refusals");
    }

    @Test
    void endpointValueRules() {
        InetSocketAddress remote = new InetSocketAddress(LO1, 1);
        UdpEndpoint plain = UdpEndpoint.of(remote);
        UdpEndpoint sticky = UdpEndpoint.of(remote, LO2, 3);
        assertFalse(plain.hasSource());
        assertTrue(sticky.hasSource());
        assertEquals(plain, sticky.withoutSource());
        assertTrue(plain == plain.withoutSource());
        assertFalse(plain.equals(sticky));
        assertTrue(plain.sameRemote(sticky));
        assertEquals(sticky, UdpEndpoint.of(remote, LO2, 3));
        assertEquals(sticky.hashCode(), UdpEndpoint.of(remote, LO2, 3).hashCode());
        assertFalse(sticky.equals(UdpEndpoint.of(remote, LO2, 4)), "the interface is part of the value");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> UdpEndpoint.of(remote, address("::1"), 0), "families must match");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> UdpEndpoint.of(remote, address("0.0.0.0"), 0), "a wildcard is no source");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> UdpEndpoint.of(InetSocketAddress.createUnresolved("example.invalid", 1)));
    }
}
