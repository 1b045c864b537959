package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.Protocol.MESSAGE_COOKIE_REPLY_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_COOKIE_REPLY_TYPE;
import static dev.wgdesk.engine.Protocol.MESSAGE_INITIATION_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_INITIATION_TYPE;
import static dev.wgdesk.engine.Protocol.MESSAGE_RESPONSE_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_RESPONSE_TYPE;

import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.noise.CookieChecker;
import dev.wgdesk.engine.noise.Handshake;
import dev.wgdesk.engine.noise.HandshakeResult;
import dev.wgdesk.engine.noise.SessionKeys;
import dev.wgdesk.engine.noise.StaticIdentity;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Receives handshake messages (initiation, response, cookie reply) through a bounded queue and
 * processes them on their own thread, so the data path never waits on Diffie-Hellman.
 *
 * <p>The order of checks is the protocol's defence against denial of service (protocol.md 1.4,
 * 1.12, 5.4 item 3): mac1 first, before any DH or state change; under load, mac2 next (a cookie
 * reply instead of any DH when it is missing), then the per-source rate limiter; only then the
 * Noise work. A full queue drops the message, and its length is what defines "under load".
 */
final class HandshakeQueue {
    /** A copy of one handshake message; handshake messages are at most 148 bytes. */
    private static final class Message {
        final byte[] data = new byte[MESSAGE_INITIATION_SIZE];
        int len;
        UdpEndpoint from;
    }

    private final Device device;
    private final ArrayBlockingQueue<Message> queue;
    private final ArrayBlockingQueue<Message> free;
    private Thread worker;

    HandshakeQueue(Device device, int capacity) {
        this.device = device;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.free = new ArrayBlockingQueue<>(capacity);
        for (int i = 0; i < capacity; i++) {
            free.add(new Message());
        }
    }

    synchronized void start() {
        if (worker != null) {
            return;
        }
        worker = new Thread(() -> {
            try {
                loop();
            } catch (Throwable e) { // past the per-message guard (an Error): never silent
                device.fail("the handshake thread died: " + e);
            }
        }, "wg-" + device.name() + "-handshake");
        worker.setDaemon(true);
        worker.start();
    }

    synchronized void stop() {
        if (worker == null) {
            return;
        }
        worker.interrupt();
        try {
            worker.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker = null;
        Message m;
        while ((m = queue.poll()) != null) {
            free.offer(m);
        }
    }

    int size() {
        return queue.size();
    }

    /** Copies a handshake message into the queue, or drops it when the queue is full. */
    void offer(byte[] data, int off, int len, UdpEndpoint from) {
        Message m = free.poll();
        if (m == null) {
            device.stats.droppedHandshakeQueueFull.incrementAndGet();
            return;
        }
        System.arraycopy(data, off, m.data, 0, len);
        m.len = len;
        m.from = from;
        if (!queue.offer(m)) {
            free.offer(m);
            device.stats.droppedHandshakeQueueFull.incrementAndGet();
        }
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Message m = queue.take();
                try {
                    process(m.data, m.len, m.from);
                } catch (RuntimeException e) {
                    device.stats.droppedHandshakeInvalid.incrementAndGet();
                    device.log.log(System.Logger.Level.DEBUG, "handshake message from {0} failed: {1}", m.from, e.toString());
                } finally {
                    m.from = null;
                    free.offer(m);
                }
            }
        } catch (InterruptedException e) {
            // stopping
        }
    }

    /** Handles one handshake message; package-private for tests. */
    void process(byte[] msg, int len, UdpEndpoint from) {
        int type = Device.getIntLE(msg, 0);
        if (type == MESSAGE_COOKIE_REPLY_TYPE) {
            consumeCookieReply(msg);
            return;
        }
        CookieChecker checker = device.cookieChecker();
        StaticIdentity identity = device.identity();
        if (checker == null || identity == null) {
            device.stats.droppedHandshakeInvalid.incrementAndGet();
            return; // no private key: we cannot be reached
        }
        if (!checker.checkMac1(msg, 0, len)) {
            device.stats.droppedHandshakeInvalid.incrementAndGet();
            if (type == MESSAGE_RESPONSE_TYPE) {
                badResponse(msg); // for the diagnosis only: nothing else changes
            }
            return;
        }
        if (device.isUnderLoad()) {
            if (!checker.checkMac2(msg, 0, len, from.remote())) {
                byte[] reply = new byte[MESSAGE_COOKIE_REPLY_SIZE];
                checker.createReply(msg, 0, len, from.remote(), reply, 0);
                device.stats.cookieRepliesSent.incrementAndGet();
                device.sendHandshakeMessage(null, reply, from);
                return;
            }
            if (!device.rateLimiter().allow(from.remote().getAddress())) {
                device.stats.droppedRateLimited.incrementAndGet();
                return;
            }
        }
        if (type == MESSAGE_INITIATION_TYPE) {
            consumeInitiation(identity, msg, from);
        } else {
            consumeResponse(msg, from);
        }
    }

    private void consumeInitiation(StaticIdentity identity, byte[] msg, UdpEndpoint from) {
        HandshakeResult result = Handshake.consumeInitiation(identity, msg, 0, MESSAGE_INITIATION_SIZE, key -> {
            Peer p = device.peerByKey(key);
            return p == null || !p.isRunning() ? null : p.handshake;
        });
        if (!result.isAccepted()) {
            device.stats.droppedHandshakeInvalid.incrementAndGet();
            device.log.log(System.Logger.Level.DEBUG, "dropped initiation from {0}: {1}", from, result.reason());
            return;
        }
        Handshake hs = result.handshake();
        Peer peer = device.peerByKey(hs.remoteStatic());
        if (peer == null) {
            return;
        }
        peer.rxBytes.addAndGet(MESSAGE_INITIATION_SIZE);
        peer.activity.handshakeAnswered(device.clock.nanoTime());
        peer.setEndpointFromPacket(from);
        peer.timers.anyAuthenticatedPacketTraversal();
        peer.timers.anyAuthenticatedPacketReceived();

        byte[] response = new byte[MESSAGE_RESPONSE_SIZE];
        long newIndex = peer.newResponseIndex();
        if (newIndex < 0) {
            return; // the peer was removed or stopped meanwhile
        }
        int index = (int) newIndex;
        if (!hs.createResponse(index, response, 0)) {
            device.indexTable.removeHandshake(index, peer);
            return;
        }
        peer.handshakeResponseCreated();
        peer.cookieGenerator.addMacs(response, 0, response.length);
        SessionKeys keys = hs.beginSession();
        if (keys == null) {
            return; // a concurrent initiation replaced this handshake
        }
        if (peer.beginSession(keys) == null) {
            return; // the peer was removed or stopped meanwhile; nothing is sent
        }
        peer.timers.sessionDerived();
        peer.timers.anyAuthenticatedPacketTraversal();
        peer.timers.anyAuthenticatedPacketSent();
        device.sendHandshakeMessage(peer, response, from);
    }

    private void consumeResponse(byte[] msg, UdpEndpoint from) {
        int receiver = Device.getIntLE(msg, 8);
        IndexTable.Entry e = device.indexTable.lookup(receiver);
        if (e == null || e.keypair() != null) {
            device.stats.droppedHandshakeInvalid.incrementAndGet();
            return;
        }
        Peer peer = e.peer();
        if (!peer.isRunning()) {
            return;
        }
        HandshakeResult result = peer.handshake.consumeResponse(msg, 0, MESSAGE_RESPONSE_SIZE);
        if (!result.isAccepted()) {
            device.stats.droppedHandshakeInvalid.incrementAndGet();
            device.log.log(System.Logger.Level.DEBUG, "dropped response from {0}: {1}", from, result.reason());
            if (result.reason() == HandshakeResult.Reason.DECRYPTION_FAILED) {
                peer.activity.badResponse(device.clock.nanoTime());
            }
            return;
        }
        SessionKeys keys = peer.handshake.beginSession();
        if (keys == null) {
            return;
        }
        peer.rxBytes.addAndGet(MESSAGE_RESPONSE_SIZE);
        peer.activity.handshakeAnswered(device.clock.nanoTime());
        peer.setEndpointFromPacket(from);
        peer.timers.anyAuthenticatedPacketTraversal();
        peer.timers.anyAuthenticatedPacketReceived();
        if (peer.beginSession(keys) == null) {
            return; // the peer was removed or stopped meanwhile
        }
        peer.timers.sessionDerived();
        peer.timers.handshakeComplete();
        device.stats.handshakesCompleted.incrementAndGet();
        peer.sessionStarted();
        // Confirm the session to the responder at once: staged data, or a keepalive.
        peer.sendKeepalive();
    }

    /**
     * A response whose mac1 failed: if it is addressed to one of our outstanding handshakes, the
     * peer answered but with a key we do not share (diagnosis "bad-response"). The index is a
     * random 32-bit value only the peer saw, so an off-path sender cannot aim at it.
     */
    private void badResponse(byte[] msg) {
        IndexTable.Entry e = device.indexTable.lookup(Device.getIntLE(msg, 8));
        if (e != null && e.keypair() == null && e.peer().isRunning()) {
            e.peer().activity.badResponse(device.clock.nanoTime());
        }
    }

    private void consumeCookieReply(byte[] msg) {
        int receiver = Device.getIntLE(msg, 4);
        IndexTable.Entry e = device.indexTable.lookup(receiver);
        if (e == null) {
            device.stats.droppedHandshakeInvalid.incrementAndGet();
            return;
        }
        if (e.peer().cookieGenerator.consumeReply(msg, 0, MESSAGE_COOKIE_REPLY_SIZE)) {
            device.stats.cookieRepliesConsumed.incrementAndGet();
        } else {
            device.stats.droppedHandshakeInvalid.incrementAndGet();
        }
    }
}
