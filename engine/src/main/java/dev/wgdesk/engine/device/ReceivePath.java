package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.Protocol.MESSAGE_COOKIE_REPLY_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_COOKIE_REPLY_TYPE;
import static dev.wgdesk.engine.Protocol.MESSAGE_INITIATION_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_INITIATION_TYPE;
import static dev.wgdesk.engine.Protocol.MESSAGE_RESPONSE_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_RESPONSE_TYPE;
import static dev.wgdesk.engine.Protocol.MESSAGE_TRANSPORT_HEADER_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_TRANSPORT_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_TRANSPORT_TYPE;
import static dev.wgdesk.engine.Protocol.REJECT_AFTER_MESSAGES;

import dev.wgdesk.engine.conn.Bind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.routing.AllowedIps;
import dev.wgdesk.engine.tun.Tun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The receive side of a {@link Device}: the UDP receiver loop, which sorts datagrams (handshake
 * messages to the handshake queue, transport messages to their keypair by receiver index), the
 * decryption stage, and the in-order sequencer that does the replay check, roaming, key
 * confirmation, the inner-source (cryptokey routing) check and the TUN writes.
 */
final class ReceivePath {
    private final Device device;
    private final Tun tun;
    private final Bind bind;
    private final AllowedIps<Peer> allowedIps;
    final CryptoPipeline pipeline;

    ReceivePath(Device device, Tun tun, Bind bind, AllowedIps<Peer> allowedIps, int cryptoWorkers,
            int queueSize, Supplier<PacketCipher> ciphers) {
        this.device = device;
        this.tun = tun;
        this.bind = bind;
        this.allowedIps = allowedIps;
        this.pipeline = new CryptoPipeline(device.name() + "-in", cryptoWorkers, queueSize, device.inboundPool,
                ciphers, this::open, new Sequencer());
    }

    void loop() {
        int batch = Math.max(1, bind.batchSize());
        Packet[] packets = new Packet[batch];
        ByteBuffer[] bufs = new ByteBuffer[batch];
        UdpEndpoint[] from = new UdpEndpoint[batch];
        try {
            while (device.isUp()) {
                for (int i = 0; i < batch; i++) {
                    if (packets[i] == null) {
                        packets[i] = device.inboundPool.take();
                    }
                    packets[i].buf.clear();
                    bufs[i] = packets[i].buf;
                }
                int n;
                try {
                    n = bind.receive(bufs, from, batch);
                } catch (IOException e) {
                    if (!device.isUp()) {
                        return;
                    }
                    // The bind may be re-opening (listen port change); retry unless closed for good.
                    if (bind.port() == 0) {
                        Thread.sleep(10);
                    }
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    Packet p = packets[i];
                    p.off = p.buf.position();
                    p.len = p.buf.limit() - p.off;
                    p.endpoint = from[i];
                    from[i] = null;
                    if (classify(p)) {
                        packets[i] = null; // ownership passed on
                    }
                }
                pipeline.flush();
            }
        } catch (InterruptedException e) {
            // going down
        } finally {
            for (Packet p : packets) {
                if (p != null) {
                    device.inboundPool.release(p);
                }
            }
        }
    }

    /**
     * Sorts one received datagram. Returns true if the packet was handed on (the caller must not
     * reuse it), false if it was dropped or copied.
     */
    private boolean classify(Packet p) throws InterruptedException {
        if (p.len < 4) {
            device.stats.droppedMalformed.incrementAndGet();
            return false;
        }
        int type = Device.getIntLE(p.data, p.off); // type and 3 reserved zero bytes, as one u32
        switch (type) {
            case MESSAGE_INITIATION_TYPE, MESSAGE_RESPONSE_TYPE, MESSAGE_COOKIE_REPLY_TYPE -> {
                int expected = type == MESSAGE_INITIATION_TYPE ? MESSAGE_INITIATION_SIZE
                        : type == MESSAGE_RESPONSE_TYPE ? MESSAGE_RESPONSE_SIZE : MESSAGE_COOKIE_REPLY_SIZE;
                if (p.len != expected) {
                    device.stats.droppedMalformed.incrementAndGet();
                    return false;
                }
                device.handshakes.offer(p.data, p.off, p.len, p.endpoint);
                return false;
            }
            case MESSAGE_TRANSPORT_TYPE -> {
                if (p.len < MESSAGE_TRANSPORT_SIZE) {
                    device.stats.droppedMalformed.incrementAndGet();
                    return false;
                }
                IndexTable.Entry e = device.indexTable.lookup(Device.getIntLE(p.data, p.off + 4));
                Keypair kp = e == null ? null : e.keypair();
                if (kp == null || !kp.acquire()) { // a destroyed keypair's index is leaving the table
                    device.stats.droppedUnknownIndex.incrementAndGet();
                    return false;
                }
                long counter = Device.getLongLE(p.data, p.off + 8);
                if (!kp.canReceive(device.clock.nanoTime()) || Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) >= 0) {
                    kp.release();
                    device.stats.droppedDecrypt.incrementAndGet();
                    return false;
                }
                p.keypair = kp; // with its reference: the pool gives it back (see Keypair)
                p.peer = kp.peer;
                p.counter = counter;
                pipeline.submit(p);
                return true;
            }
            default -> {
                device.stats.droppedMalformed.incrementAndGet();
                return false;
            }
        }
    }

    /** The decryption stage: authenticate and decrypt in place. */
    private void open(Packet p, PacketCipher aead) {
        Keypair kp = p.keypair; // referenced by the packet (classify), so not zeroed yet
        p.ok = aead.open(kp.keys.receiveKey(), p.counter, p.data, p.off + MESSAGE_TRANSPORT_HEADER_SIZE,
                p.len - MESSAGE_TRANSPORT_HEADER_SIZE);
    }

    /** Everything after decryption, in order: replay, roaming, confirmation, routing, TUN write. */
    private final class Sequencer implements CryptoPipeline.Sequencer {
        private final Packet[] pending = new Packet[Math.max(1, tun.batchSize())];
        private final ByteBuffer[] bufs = new ByteBuffer[pending.length];
        private int count;

        @Override
        public void deliver(Packet p) {
            if (!p.ok) {
                device.stats.droppedDecrypt.incrementAndGet();
                device.inboundPool.release(p);
                return;
            }
            Keypair kp = p.keypair;
            Peer peer = kp.peer;
            if (!kp.replay.validate(p.counter)) {
                device.stats.droppedReplay.incrementAndGet();
                device.inboundPool.release(p);
                return;
            }
            peer.setEndpointFromPacket(p.endpoint);
            if (peer.receivedWithKeypair(kp)) {
                peer.timers.handshakeComplete();
                device.stats.handshakesCompleted.incrementAndGet();
                peer.sendStaged();
            }
            peer.keepKeyFreshReceiving();
            peer.timers.anyAuthenticatedPacketTraversal();
            peer.timers.anyAuthenticatedPacketReceived();
            peer.rxBytes.addAndGet(p.len);

            int plainOff = p.off + MESSAGE_TRANSPORT_HEADER_SIZE;
            int plainLen = p.len - MESSAGE_TRANSPORT_SIZE;
            if (plainLen == 0) {
                device.inboundPool.release(p); // keepalive
                return;
            }
            peer.timers.dataReceived();
            byte[] d = p.data;
            int version = (d[plainOff] & 0xff) >>> 4;
            int innerLen;
            Peer owner;
            if (version == 4 && plainLen >= 20) {
                innerLen = ((d[plainOff + 2] & 0xff) << 8) | (d[plainOff + 3] & 0xff);
                owner = innerLen >= 20 && innerLen <= plainLen ? allowedIps.lookupV4(d, plainOff + 12) : null;
            } else if (version == 6 && plainLen >= 40) {
                innerLen = 40 + (((d[plainOff + 4] & 0xff) << 8) | (d[plainOff + 5] & 0xff));
                owner = innerLen <= plainLen ? allowedIps.lookupV6(d, plainOff + 8) : null;
            } else {
                device.stats.droppedInvalidInnerPacket.incrementAndGet();
                device.inboundPool.release(p);
                return;
            }
            if (innerLen > plainLen || innerLen < 20) {
                device.stats.droppedInvalidInnerPacket.incrementAndGet();
                device.inboundPool.release(p);
                return;
            }
            if (owner != peer) {
                device.stats.droppedInnerSource.incrementAndGet();
                device.inboundPool.release(p);
                return;
            }
            p.buf.limit(plainOff + innerLen).position(plainOff);
            pending[count] = p;
            bufs[count] = p.buf;
            if (++count == pending.length) {
                endOfBurst();
            }
        }

        @Override
        public void endOfBurst() {
            if (count == 0) {
                return;
            }
            try {
                tun.write(bufs, count);
            } catch (IOException e) {
                device.log.log(System.Logger.Level.DEBUG, "writing to TUN {0} failed: {1}", device.name(), e.getMessage());
            } finally {
                for (int i = 0; i < count; i++) {
                    device.inboundPool.release(pending[i]);
                    pending[i] = null;
                    bufs[i] = null;
                }
                count = 0;
            }
        }
    }
}
