package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.Protocol.MESSAGE_COOKIE_REPLY_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_COOKIE_REPLY_TYPE;
import static dev.wgdesk.engine.Protocol.MESSAGE_INITIATION_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_INITIATION_TYPE;
import static dev.wgdesk.engine.Protocol.MESSAGE_RESPONSE_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_RESPONSE_TYPE;
import static dev.wgdesk.engine.Protocol.MESSAGE_PADDING_MULTIPLE;
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
                ciphers, this::open, new Sequencer(), device.errors::unexpected, device::fail);
    }

    /**
     * The UDP receiver, while the device is up with the generation {@code gen}. An error that
     * repeats backs off (1 ms doubling to 100 ms) instead of spinning; an I/O error never ends the
     * loop (the socket may be re-opening, or the error is transient), while
     * {@link Device#MAX_CONSECUTIVE_FAILURES} unexpected exceptions in a row close the device.
     */
    void loop(int gen) {
        int batch = Math.max(1, bind.batchSize());
        Packet[] packets = new Packet[batch];
        ByteBuffer[] bufs = new ByteBuffer[batch];
        UdpEndpoint[] from = new UdpEndpoint[batch];
        int ioErrors = 0;
        int failures = 0;
        try {
            while (device.isRunning(gen)) {
                refill(packets, bufs);
                int n;
                try {
                    n = bind.receive(bufs, from, batch);
                    ioErrors = 0;
                    failures = 0;
                } catch (IOException e) {
                    if (!device.isRunning(gen)) {
                        return;
                    }
                    // The bind may be re-opening (listen port change), or the error is one that
                    // repeats: wait a little longer each time rather than spin.
                    ioErrors++;
                    if (ioErrors == 10) {
                        device.log.log(System.Logger.Level.WARNING, "receiving on UDP port {0} keeps failing: {1}",
                                Integer.toString(bind.port()), e.getMessage());
                    }
                    SendPath.backOff(ioErrors);
                    continue;
                } catch (RuntimeException e) {
                    device.errors.unexpected("UDP receiver", e);
                    if (++failures >= Device.MAX_CONSECUTIVE_FAILURES) {
                        device.fail("receiving on UDP failed " + failures + " times in a row: " + e);
                        return;
                    }
                    SendPath.backOff(failures);
                    continue;
                }
                classifyBurst(packets, from, n);
            }
        } catch (InterruptedException e) {
            // going down
        } finally {
            for (int i = 0; i < packets.length; i++) {
                if (packets[i] != null) {
                    device.inboundPool.release(packets[i]);
                    packets[i] = null;
                }
            }
        }
    }

    /** Gives every slot of the batch an empty packet, its buffer cleared for a receive. */
    private void refill(Packet[] packets, ByteBuffer[] bufs) throws InterruptedException {
        for (int i = 0; i < packets.length; i++) {
            if (packets[i] == null) {
                packets[i] = device.inboundPool.take();
            }
            packets[i].buf.clear();
            bufs[i] = packets[i].buf;
        }
    }

    /**
     * Sorts the {@code n} datagrams just received (a slot handed on is emptied) and flushes the
     * pipeline. A method of its own, compiled on its own (lib/wgdesk-compile-commands.txt):
     * inside {@link #loop}, whose loops each started another on-stack-replacement compilation
     * of the whole path, C2 compiled the receive path several times in a tunnel's first seconds.
     */
    private void classifyBurst(Packet[] packets, UdpEndpoint[] from, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            Packet p = packets[i];
            p.off = p.buf.position();
            p.len = p.buf.limit() - p.off;
            p.endpoint = from[i];
            from[i] = null;
            try {
                if (classify(p)) {
                    packets[i] = null; // ownership passed on
                }
            } catch (RuntimeException e) {
                device.errors.unexpected("UDP receiver", e); // not handed on: reused
            }
        }
        pipeline.flush();
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
                if (p.len > MESSAGE_TRANSPORT_SIZE + Device.MAX_PACKET_SIZE + MESSAGE_PADDING_MULTIPLE - 1) {
                    device.stats.droppedOversized.incrementAndGet(); // carries more than we ever send
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
            try {
                if (!check(p)) {
                    return; // dropped and released
                }
            } catch (RuntimeException e) {
                device.errors.unexpected("receive sequencer", e);
                device.inboundPool.release(p); // not yet in the batch: still ours to drop
                return;
            }
            pending[count] = p; // ownership passes to the batch; endOfBurst releases it
            bufs[count] = p.buf;
            if (++count == pending.length) {
                endOfBurst();
            }
        }

        /** Everything but the TUN write; false if {@code p} was dropped (and released). */
        private boolean check(Packet p) {
            if (!p.ok) {
                device.stats.droppedDecrypt.incrementAndGet();
                device.inboundPool.release(p);
                return false;
            }
            Keypair kp = p.keypair;
            Peer peer = kp.peer;
            if (!kp.replay.validate(p.counter)) {
                device.stats.droppedReplay.incrementAndGet();
                device.inboundPool.release(p);
                return false;
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
            peer.activity.received(device.clock.nanoTime(), plainLen != 0);
            if (plainLen == 0) {
                device.inboundPool.release(p); // keepalive
                return false;
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
                return false;
            }
            if (innerLen > plainLen || innerLen < 20) {
                device.stats.droppedInvalidInnerPacket.incrementAndGet();
                device.inboundPool.release(p);
                return false;
            }
            if (owner != peer) {
                device.stats.droppedInnerSource.incrementAndGet();
                device.inboundPool.release(p);
                return false;
            }
            p.buf.limit(plainOff + innerLen).position(plainOff);
            return true;
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
            } catch (RuntimeException e) {
                device.errors.unexpected("receive sequencer (TUN write)", e);
            } finally {
                abandon();
            }
        }

        @Override
        public void abandon() {
            for (int i = 0; i < count; i++) {
                device.inboundPool.release(pending[i]);
                pending[i] = null;
                bufs[i] = null;
            }
            count = 0;
        }
    }
}
