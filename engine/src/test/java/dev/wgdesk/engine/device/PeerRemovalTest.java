package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a removed peer and a closed device leave behind (issue 10 item 8): nothing. */
@Timeout(60)
class PeerRemovalTest {
    @Test
    void removingAPeerDestroysItsPresharedKeyCopy() throws Exception {
        VirtualClock clock = new VirtualClock();
        try (Device d = new Device(new MemoryTun("rm0"), new MemoryBind(new MemoryBind.Network()), clock, 0)) {
            d.setPrivateKey(PrivateKey.generate());
            PublicKey key = PrivateKey.generate().publicKey();
            d.addPeer(key);
            d.setPeerPresharedKey(key, PresharedKey.generate());
            Peer peer = d.peerByKey(key);
            PresharedKey held = peer.presharedKeyHeld();
            assertFalse(held.isZero());

            d.removePeer(key);

            assertTrue(held.isDestroyed(), "the peer's copy of the preshared key outlived the peer");
            peer.setPresharedKey(PresharedKey.generate()); // a configuration call racing the removal
            assertTrue(peer.presharedKeyHeld().isDestroyed(), "a removed peer took a new key copy");
            assertTrue(peer.presharedKeyCopy().isZero());
        }
    }

    @Test
    void closingTheDeviceStopsItsRateLimiter() throws Exception {
        VirtualClock clock = new VirtualClock();
        Device d = new Device(new MemoryTun("rm1"), new MemoryBind(new MemoryBind.Network()), clock, 0);
        d.setPrivateKey(PrivateKey.generate());
        d.up();
        assertTrue(d.rateLimiter().allow(InetAddress.getByName("192.0.2.1"))); // a source: its sweep timer runs
        assertEquals(1, clock.pendingTimers());

        d.close();

        assertEquals(0, clock.pendingTimers(), "the rate limiter's sweep timer still runs after close");
        assertFalse(d.rateLimiter().allow(InetAddress.getByName("192.0.2.2")), "a closed limiter allows nothing");
    }

    /**
     * With the real clock: a removed peer whose timers were armed (a handshake attempt with no
     * endpoint, a persistent keepalive of 18 hours) must not be kept alive by the clock's
     * scheduled wake-ups.
     */
    @Test
    void aRemovedPeerIsNotKeptAliveByItsTimers() throws Exception {
        try (Device d = new Device(new MemoryTun("rm2"), new MemoryBind(new MemoryBind.Network()), Clock.system(), 0)) {
            d.setPrivateKey(PrivateKey.generate());
            d.up();
            PublicKey key = PrivateKey.generate().publicKey();
            WeakReference<Peer> ref = addPeerWithTimers(d, key);

            d.removePeer(key);

            for (int i = 0; i < 100 && ref.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertNull(ref.get(), "the removed peer is still reachable");
        }
    }

    /** Kept apart so that no local variable of the test refers to the peer. */
    private static WeakReference<Peer> addPeerWithTimers(Device d, PublicKey key) {
        d.addPeer(key);
        d.setPeerPersistentKeepalive(key, 65535); // sends a keepalive: no session, so a handshake
        Peer peer = d.peerByKey(key);
        assertTrue(peer.timers.isRetransmitPending(), "the handshake retransmit timer is armed");
        return new WeakReference<>(peer);
    }
}
