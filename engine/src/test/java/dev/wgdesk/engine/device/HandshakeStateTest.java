package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.noise.Handshake;
import dev.wgdesk.engine.noise.HandshakeResult;
import dev.wgdesk.engine.noise.SessionKeys;
import dev.wgdesk.engine.noise.StaticIdentity;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Handshake state against the device's life cycle: a response counts as a sent handshake (issue
 * 10 item 5), and a handshake that completes while its peer is removed or the device goes down
 * leaves no keypair and no index behind (item 7).
 */
@Timeout(60)
class HandshakeStateTest {
    private final VirtualClock clock = new VirtualClock();
    private final MemoryBind.Network net = new MemoryBind.Network();
    private final PrivateKey keyA = PrivateKey.generate();
    private final PrivateKey keyB = PrivateKey.generate();
    private final MemoryTun tunA = new MemoryTun("hA");
    private final ReadCountingTun tunB = new ReadCountingTun(new MemoryTun("hB"));
    private final MemoryBind bindA = new MemoryBind(net);
    private final MemoryBind bindB = new MemoryBind(net);
    private final Device a = new Device(tunA, bindA, clock, 0);
    private final Device b = new Device(tunB, bindB, clock, 0);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        a.close();
        b.close();
    }

    /** A TUN that counts how often the device's reader has asked it for packets. */
    static final class ReadCountingTun implements Tun {
        final MemoryTun inner;
        final AtomicInteger reads = new AtomicInteger();

        ReadCountingTun(MemoryTun inner) {
            this.inner = inner;
        }

        @Override public String name() { return inner.name(); }
        @Override public int mtu() { return inner.mtu(); }
        @Override public int batchSize() { return inner.batchSize(); }

        @Override
        public int read(ByteBuffer[] bufs, int count) throws IOException {
            reads.incrementAndGet();
            return inner.read(bufs, count);
        }

        @Override public void write(ByteBuffer[] bufs, int count) throws IOException { inner.write(bufs, count); }
        @Override public void onEvent(Consumer<TunEvent> listener) { inner.onEvent(listener); }
        @Override public void close() { inner.close(); }
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

    private long sentOfType(MemoryBind bind, int type) {
        return bind.sent.stream().filter(d -> d.length > 0 && d[0] == type).count();
    }

    /** Both devices up, each knowing the other's endpoint, so either may initiate. */
    private void connectBothWays() throws Exception {
        a.setPrivateKey(keyA);
        b.setPrivateKey(keyB);
        a.up();
        b.up();
        a.addPeer(keyB.publicKey());
        a.addPeerAllowedIp(keyB.publicKey(), InetAddress.getByName("10.0.0.2"), 32);
        a.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress("127.0.0.1", b.listenPort()));
        b.addPeer(keyA.publicKey());
        b.addPeerAllowedIp(keyA.publicKey(), InetAddress.getByName("10.0.0.1"), 32);
        b.setPeerEndpoint(keyA.publicKey(), new InetSocketAddress("127.0.0.1", a.listenPort()));
    }

    /* ---------- Item 5: a response is a sent handshake ---------- */

    /**
     * Cold start with data queued on both sides: A's data starts the handshake; B's data arrives
     * after B has answered but before A's first transport message (held in transit) confirms the
     * session. B must wait for that confirmation rather than start a second handshake, as the
     * kernel and wireguard-go do: one initiation, one response, A stays the initiator.
     */
    @Test
    void responderWithQueuedDataWaitsForConfirmationInsteadOfInitiating() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        net.deliver = d -> {
            if (d[0] == Protocol.MESSAGE_TRANSPORT_TYPE && release.getCount() > 0) {
                held.countDown();
                try {
                    release.await(); // in transit until released
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        };
        connectBothWays();
        byte[] fromA = TestPackets.udp("10.0.0.1", "10.0.0.2", "A's first".getBytes());
        byte[] fromB = TestPackets.udp("10.0.0.2", "10.0.0.1", "B's first".getBytes());

        tunA.inject(fromA);
        await("B's response", () -> sentOfType(bindB, Protocol.MESSAGE_RESPONSE_TYPE) == 1);
        assertTrue(held.await(10, TimeUnit.SECONDS), "A's first transport message was not sent");
        // B's reader is parked in read(); once it asks again, it has routed and staged fromB.
        await("B's reader to start", () -> tunB.reads.get() >= 1);
        int readsBefore = tunB.reads.get();
        tunB.inner.inject(fromB);
        await("B's reader to take the packet", () -> tunB.reads.get() > readsBefore);
        assertEquals(0, sentOfType(bindB, Protocol.MESSAGE_INITIATION_TYPE),
                "the responder started a handshake of its own right after its response");
        release.countDown();

        assertArrayEquals(fromA, tunB.inner.poll(10, TimeUnit.SECONDS), "A's packet");
        assertArrayEquals(fromB, tunA.poll(10, TimeUnit.SECONDS), "B's packet, sent once A confirmed the session");
        assertEquals(1, sentOfType(bindA, Protocol.MESSAGE_INITIATION_TYPE) + sentOfType(bindB, Protocol.MESSAGE_INITIATION_TYPE),
                "initiations");
        assertEquals(1, sentOfType(bindA, Protocol.MESSAGE_RESPONSE_TYPE) + sentOfType(bindB, Protocol.MESSAGE_RESPONSE_TYPE),
                "responses");
        assertTrue(a.peerByKey(keyB.publicKey()).currentKeypair().initiator, "A initiated");
        assertFalse(b.peerByKey(keyA.publicKey()).currentKeypair().initiator, "B responded");
    }

    /* ---------- Item 7: no keypair outlives its peer ---------- */

    /** A stand-alone remote party with its own static key, speaking to device {@code dev}. */
    private static final class Remote {
        final PrivateKey key = PrivateKey.generate();
        final StaticIdentity identity = new StaticIdentity(key);
        final Handshake handshake;

        Remote(PublicKey device, VirtualClock clock) {
            handshake = new Handshake(identity, device, PresharedKey.none(), clock, new SecureRandom());
        }
    }

    private Device upWithPeer(Remote remote) throws Exception {
        a.setPrivateKey(keyA);
        a.up();
        a.addPeer(remote.key.publicKey());
        a.addPeerAllowedIp(remote.key.publicKey(), InetAddress.getByName("10.0.0.9"), 32);
        return a;
    }

    /**
     * What {@link HandshakeQueue} does for an initiation, up to the derived keys: consume it,
     * take a response index, create the response and split the keys. Returns the keys, not yet
     * installed on the peer.
     */
    private SessionKeys respondUpToKeys(Device dev, Peer peer, Remote remote) {
        byte[] init = new byte[Protocol.MESSAGE_INITIATION_SIZE];
        assertTrue(remote.handshake.createInitiation(7, init, 0));
        HandshakeResult r = Handshake.consumeInitiation(dev.identity(), init, 0, init.length, k -> peer.handshake);
        assertTrue(r.isAccepted(), r.toString());
        int index = responseIndex(peer);
        byte[] response = new byte[Protocol.MESSAGE_RESPONSE_SIZE];
        assertTrue(peer.handshake.createResponse(index, response, 0));
        SessionKeys keys = peer.handshake.beginSession();
        assertNotNull(keys);
        assertEquals(index, keys.localIndex());
        assertNotNull(dev.indexTable.lookup(index), "the handshake index is live before the race");
        return keys;
    }

    private static int responseIndex(Peer peer) {
        long index = peer.newResponseIndex();
        assertTrue(index >= 0, "the peer is running");
        return (int) index;
    }

    private static void assertNothingLeft(Device dev, Peer peer, SessionKeys keys, Keypair installed) {
        assertNull(installed, "beginSession installed a keypair on a peer that is gone");
        assertTrue(keys.isDestroyed(), "the derived keys were not destroyed");
        assertNull(dev.indexTable.lookup(keys.localIndex()), "the index was re-inserted");
        assertEquals(0, dev.indexTable.size(), "index table entries left");
        assertNull(peer.currentKeypair());
        assertNull(peer.nextKeypair());
        assertNull(peer.previousKeypair());
    }

    @Test
    void responseCompletingAfterPeerRemovalLeavesNoKeypair() throws Exception {
        Remote remote = new Remote(keyA.publicKey(), clock);
        Device dev = upWithPeer(remote);
        Peer peer = dev.peerByKey(remote.key.publicKey());
        SessionKeys keys = respondUpToKeys(dev, peer, remote);

        dev.removePeer(remote.key.publicKey()); // between the key split and installing them

        assertNothingLeft(dev, peer, keys, peer.beginSession(keys));
    }

    @Test
    void responseCompletingAfterDeviceDownLeavesNoKeypair() throws Exception {
        Remote remote = new Remote(keyA.publicKey(), clock);
        Device dev = upWithPeer(remote);
        Peer peer = dev.peerByKey(remote.key.publicKey());
        SessionKeys keys = respondUpToKeys(dev, peer, remote);

        dev.down();

        assertNothingLeft(dev, peer, keys, peer.beginSession(keys));
    }

    @Test
    void initiationCompletingAfterPeerRemovalLeavesNoKeypair() throws Exception {
        Remote remote = new Remote(keyA.publicKey(), clock);
        Device dev = upWithPeer(remote);
        MemoryBind remoteBind = new MemoryBind(net);
        int remotePort = remoteBind.open(0);
        dev.setPeerEndpoint(remote.key.publicKey(), new InetSocketAddress("127.0.0.1", remotePort));
        Peer peer = dev.peerByKey(remote.key.publicKey());

        peer.sendHandshakeInitiation(false);
        byte[] init = bindA.sent.getLast();
        assertEquals(Protocol.MESSAGE_INITIATION_TYPE, init[0]);
        HandshakeResult r = Handshake.consumeInitiation(remote.identity, init, 0, init.length, k -> remote.handshake);
        assertTrue(r.isAccepted(), r.toString());
        byte[] response = new byte[Protocol.MESSAGE_RESPONSE_SIZE];
        assertTrue(remote.handshake.createResponse(11, response, 0));
        // The device's handshake thread consumes the response and splits the keys ...
        assertTrue(peer.handshake.consumeResponse(response, 0, response.length).isAccepted());
        SessionKeys keys = peer.handshake.beginSession();
        assertNotNull(keys);
        assertNotNull(dev.indexTable.lookup(keys.localIndex()));

        dev.removePeer(remote.key.publicKey()); // ... and the peer goes before they are installed

        assertNothingLeft(dev, peer, keys, peer.beginSession(keys));
        remoteBind.close();
    }

    @Test
    void aCompletedSessionIsStillInstalledNormally() throws Exception {
        Remote remote = new Remote(keyA.publicKey(), clock);
        Device dev = upWithPeer(remote);
        Peer peer = dev.peerByKey(remote.key.publicKey());
        SessionKeys keys = respondUpToKeys(dev, peer, remote);

        Keypair kp = peer.beginSession(keys);

        assertNotNull(kp);
        assertEquals(kp, peer.nextKeypair(), "a responder parks the keypair in next");
        assertEquals(kp, dev.indexTable.lookup(keys.localIndex()).keypair());
        assertFalse(keys.isDestroyed());
    }

    @Test
    void swapToKeypairFailsWhenTheHandshakeIndexIsGoneOrNotThePeers() throws Exception {
        Remote remote = new Remote(keyA.publicKey(), clock);
        Remote other = new Remote(keyA.publicKey(), clock);
        Device dev = upWithPeer(remote);
        dev.addPeer(other.key.publicKey());
        Peer peer = dev.peerByKey(remote.key.publicKey());
        Peer otherPeer = dev.peerByKey(other.key.publicKey());
        IndexTable table = new IndexTable();

        int gone = table.newHandshakeIndex(peer);
        table.removeHandshake(gone, peer);
        Keypair k1 = new Keypair(peer, KeypairTest.sessionKeys(), 0);
        assertFalse(table.swapToKeypair(gone, k1), "a removed index must not come back");
        assertNull(table.lookup(gone));

        int othersIndex = table.newHandshakeIndex(otherPeer);
        assertFalse(table.swapToKeypair(othersIndex, k1), "another peer's index");
        assertEquals(otherPeer, table.lookup(othersIndex).peer());
        assertNull(table.lookup(othersIndex).keypair());

        int mine = table.newHandshakeIndex(peer);
        assertTrue(table.swapToKeypair(mine, k1));
        assertEquals(k1, table.lookup(mine).keypair());
        Keypair k2 = new Keypair(peer, KeypairTest.sessionKeys(), 0);
        assertFalse(table.swapToKeypair(mine, k2), "an index already holding a keypair");
        assertEquals(k1, table.lookup(mine).keypair());
        assertEquals(2, table.size());
    }
}
