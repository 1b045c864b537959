package dev.wgdesk.engine.device;

import static dev.wgdesk.engine.Protocol.AEAD_TAG_LENGTH;
import static dev.wgdesk.engine.Protocol.MESSAGE_TRANSPORT_HEADER_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_TRANSPORT_SIZE;
import static dev.wgdesk.engine.Protocol.MESSAGE_TRANSPORT_TYPE;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.Bind;
import dev.wgdesk.engine.conn.StaleSourceException;
import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.routing.AllowedIps;
import dev.wgdesk.engine.tun.Tun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The send side of a {@link Device}: the TUN reader loop, which routes each packet to the peer
 * owning its destination (cryptokey routing) and stages it there; the encryption stage (padding,
 * header, seal in place); and the in-order sequencer that hands sealed packets to the
 * {@link Bind} in per-peer batches. Handshake messages and cookie replies go out through
 * {@link #sendHandshakeMessage}. A refused sticky source is forgotten and the datagrams resent
 * once without it.
 */
final class SendPath {
    private final Device device;
    private final Tun tun;
    private final Bind bind;
    private final AllowedIps<Peer> allowedIps;
    final CryptoPipeline pipeline;

    SendPath(Device device, Tun tun, Bind bind, AllowedIps<Peer> allowedIps, int cryptoWorkers, int queueSize,
             Supplier<PacketCipher> ciphers) {
        this.device = device;
        this.tun = tun;
        this.bind = bind;
        this.allowedIps = allowedIps;
        this.pipeline = new CryptoPipeline(device.name() + "-out", cryptoWorkers, queueSize, device.outboundPool, ciphers,
                this::seal, new OutboundSequencer(), device.errors::unexpected, device::fail);
    }


    /** Sends a handshake message or cookie reply straight to {@code to}. */
    void sendHandshakeMessage(Peer peer, byte[] msg, UdpEndpoint to) {
        try {
            ByteBuffer b = ByteBuffer.wrap(msg);
            send(peer, new ByteBuffer[] {b}, 1, to);
            if (peer != null) {
                peer.txBytes.addAndGet(msg.length);
                peer.activity.sent(device.clock.nanoTime(), false);
            }
        } catch (IOException e) {
            device.log.log(System.Logger.Level.DEBUG, "{0}: failed to send handshake message to {1}: {2}", peer, to, e.getMessage());
            if (peer != null) {
                peer.activity.sendFailed(device.clock.nanoTime(), e.getMessage());
            }
        }
    }

    /**
     * Sends through the bind. If the bind refuses {@code to}'s sticky source (the address was
     * removed), forgets that source on {@code peer} and sends the datagrams that did not go out
     * once more, without a source: the system picks one, as the kernel and wireguard-go do.
     */
    private void send(Peer peer, ByteBuffer[] bufs, int count, UdpEndpoint to) throws IOException {
        try {
            bind.send(bufs, count, to);
        } catch (StaleSourceException e) {
            device.stats.staleSources.incrementAndGet();
            device.log.log(System.Logger.Level.DEBUG, "{0}: {1}; sending without it", peer, e.getMessage());
            if (peer != null) {
                peer.clearEndpointSource(to);
            }
            int left = 0;
            for (int i = 0; i < count; i++) {
                if (bufs[i].hasRemaining()) {
                    bufs[left++] = bufs[i]; // the ones before the refused datagram went out
                }
            }
            bind.send(bufs, left, to.withoutSource());
        }
    }

    boolean submit(Packet p) {
        try {
            pipeline.submit(p);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            device.outboundPool.release(p);
            return false;
        }
    }

    void flush() {
        pipeline.flush();
    }

    /** The encryption stage: pad, write the header, seal in place. */
    private void seal(Packet p, PacketCipher aead) {
        Keypair kp = p.keypair;
        byte[] d = p.data;
        int plain = p.len;
        int padded = plain + paddingSize(plain, device.mtu());
        int start = p.off - MESSAGE_TRANSPORT_HEADER_SIZE;
        if (plain > Device.MAX_PACKET_SIZE || start < 0 || p.off + padded + AEAD_TAG_LENGTH > d.length) {
            device.stats.droppedOversized.incrementAndGet(); // never past the buffer
            p.ok = false;
            return;
        }
        for (int i = p.off + plain; i < p.off + padded; i++) {
            d[i] = 0;
        }
        Device.putIntLE(d, start, MESSAGE_TRANSPORT_TYPE);
        Device.putIntLE(d, start + 4, kp.remoteIndex);
        Device.putLongLE(d, start + 8, p.counter);
        // The packet holds a reference on kp (Peer.sendStaged), so its keys are not zeroed yet.
        aead.seal(kp.keys.sendKey(), p.counter, d, p.off, padded);
        p.off = start;
        p.len = MESSAGE_TRANSPORT_HEADER_SIZE + padded + AEAD_TAG_LENGTH;
        p.ok = true;
    }

    /** Padding to a multiple of 16, never past the MTU (wireguard-go calculatePaddingSize). */
    static int paddingSize(int packetSize, int mtu) {
        int lastUnit = packetSize;
        if (mtu == 0) {
            return ((lastUnit + 15) & ~15) - lastUnit;
        }
        if (lastUnit > mtu) {
            lastUnit %= mtu;
        }
        int padded = (lastUnit + 15) & ~15;
        if (padded > mtu) {
            padded = mtu;
        }
        return padded - lastUnit;
    }

    /**
     * Sends sealed packets in order, in batches of consecutive packets to one peer (so a
     * batching {@link Bind} can use sendmmsg and UDP segmentation), to the peer's endpoint as it
     * is when the batch goes (roaming and a forgotten source take effect at once), and runs the
     * send-side timer hooks once each packet has gone.
     */
    private final class OutboundSequencer implements CryptoPipeline.Sequencer {
        private final Packet[] pending = new Packet[Math.max(1, bind.batchSize())];
        private final ByteBuffer[] bufs = new ByteBuffer[pending.length];
        private int count;
        private Peer target;

        @Override
        public void deliver(Packet p) {
            try {
                if (!p.ok) {
                    device.outboundPool.release(p);
                    return;
                }
                if (count > 0 && (count == pending.length || p.peer != target)) {
                    endOfBurst();
                }
                p.peer.timers.anyAuthenticatedPacketTraversal();
                p.buf.limit(p.off + p.len).position(p.off);
            } catch (RuntimeException e) {
                device.errors.unexpected("send sequencer", e);
                device.outboundPool.release(p); // not yet in the batch: still ours to drop
                return;
            }
            target = p.peer; // ownership passes to the batch; endOfBurst releases it
            pending[count] = p;
            bufs[count] = p.buf;
            count++;
        }

        @Override
        public void endOfBurst() {
            if (count == 0) {
                return;
            }
            try {
                boolean sent;
                UdpEndpoint to = target.endpoint();
                if (to == null) {
                    sent = false;
                    device.stats.droppedNoEndpoint.addAndGet(count);
                } else {
                    try {
                        send(target, bufs, count, to);
                        sent = true;
                    } catch (IOException e) {
                        sent = false;
                        device.log.log(System.Logger.Level.DEBUG, "sending to {0} failed: {1}", to, e.getMessage());
                        target.activity.sendFailed(device.clock.nanoTime(), e.getMessage());
                    }
                }
                if (sent) {
                    boolean data = false;
                    for (int i = 0; i < count; i++) {
                        Packet p = pending[i];
                        Peer peer = p.peer;
                        peer.txBytes.addAndGet(p.len);
                        if (p.len > MESSAGE_TRANSPORT_SIZE) {
                            peer.timers.dataSent();
                            data = true;
                        }
                        peer.timers.anyAuthenticatedPacketSent();
                    }
                    target.activity.sent(device.clock.nanoTime(), data); // a batch goes to one peer
                }
            } catch (RuntimeException e) {
                device.errors.unexpected("send sequencer", e);
            } finally {
                abandon();
            }
        }

        @Override
        public void abandon() {
            for (int i = 0; i < count; i++) {
                device.outboundPool.release(pending[i]);
                pending[i] = null;
                bufs[i] = null;
            }
            count = 0;
            target = null;
        }
    }

    /**
     * The TUN reader: reads batches, routes each packet to its peer, stages and sends them. Runs
     * while the device is up with the generation {@code gen}. An unexpected exception costs the
     * packet (or the read) it happened on; {@link Device#MAX_CONSECUTIVE_FAILURES} failed reads in
     * a row, or an I/O error (the TUN is gone), close the device with the reason.
     */
    void loop(int gen) {
        int batch = Math.max(1, tun.batchSize());
        Packet[] packets = new Packet[batch];
        ByteBuffer[] bufs = new ByteBuffer[batch];
        Peer[] touched = new Peer[batch];
        int failures = 0;
        try {
            while (device.isRunning(gen)) {
                refill(packets, bufs);
                int n;
                try {
                    n = tun.read(bufs, batch);
                    failures = 0;
                } catch (RuntimeException e) {
                    device.errors.unexpected("TUN reader", e);
                    if (++failures >= Device.MAX_CONSECUTIVE_FAILURES) {
                        device.fail("reading from TUN " + device.name() + " failed " + failures + " times in a row: " + e);
                        return;
                    }
                    backOff(failures);
                    continue;
                }
                dispatch(packets, touched, n);
            }
        } catch (InterruptedException e) {
            // going down
        } catch (IOException e) {
            if (device.isRunning(gen)) {
                // The TUN is gone or broken: nothing can flow any more. Close, so embedders
                // (wgdesk-engine, the helper) learn of it through onClosed and can exit or report.
                device.fail("reading from TUN " + device.name() + " failed: " + e.getMessage());
            }
        } finally {
            for (int i = 0; i < packets.length; i++) {
                if (packets[i] != null) {
                    device.outboundPool.release(packets[i]);
                    packets[i] = null;
                }
            }
        }
    }

    /**
     * Gives every slot of the batch an empty packet, its buffer ready for a TUN read: one byte
     * more than the largest packet, so that a read a TUN had to truncate shows up as too long and
     * is dropped; the header goes in front, padding and tag after, all inside the buffer.
     */
    private void refill(Packet[] packets, ByteBuffer[] bufs) throws InterruptedException {
        for (int i = 0; i < packets.length; i++) {
            if (packets[i] == null) {
                packets[i] = device.outboundPool.take();
            }
            Packet p = packets[i];
            p.buf.limit(Packet.HEADROOM + Device.MAX_PACKET_SIZE + 1).position(Packet.HEADROOM);
            bufs[i] = p.buf;
        }
    }

    /**
     * Routes the {@code n} packets just read, stages each with its peer (its slot is emptied)
     * and lets every peer that got one send. A method of its own, compiled on its own
     * (lib/wgdesk-compile-commands.txt): inside {@link #loop}, whose three loops each started
     * another on-stack-replacement compilation of the whole path, C2 compiled the send path up
     * to four times in a tunnel's first seconds.
     */
    private void dispatch(Packet[] packets, Peer[] touched, int n) {
        int nTouched = 0;
        for (int i = 0; i < n; i++) {
            Packet p = packets[i];
            try {
                p.off = Packet.HEADROOM;
                p.len = p.buf.limit() - Packet.HEADROOM;
                if (p.len > Device.MAX_PACKET_SIZE || p.buf.position() != Packet.HEADROOM) {
                    device.stats.droppedOversized.incrementAndGet(); // a TUN that overfilled the buffer
                    continue;
                }
                Peer peer = route(p);
                if (peer == null) {
                    continue; // the packet stays in the batch for reuse
                }
                packets[i] = null;
                peer.stage(p);
                boolean seen = false;
                for (int j = 0; j < nTouched; j++) {
                    if (touched[j] == peer) {
                        seen = true;
                        break;
                    }
                }
                if (!seen) {
                    touched[nTouched++] = peer;
                }
            } catch (RuntimeException e) {
                device.errors.unexpected("TUN reader", e); // the packet stays or was staged
            }
        }
        for (int j = 0; j < nTouched; j++) {
            try {
                touched[j].sendStaged();
            } catch (RuntimeException e) {
                device.errors.unexpected("TUN reader (sending)", e);
            }
            touched[j] = null;
        }
    }

    /** After the {@code failures}-th failure in a row: 1 ms, doubling, at most 100 ms. */
    static void backOff(int failures) throws InterruptedException {
        Thread.sleep(Math.min(100, 1L << Math.min(failures - 1, 7)));
    }

    /** Cryptokey routing for an outbound packet: the peer owning its destination, or null. */
    private Peer route(Packet p) {
        byte[] d = p.data;
        int off = p.off;
        if (p.len < 1 || p.len > Device.MAX_PACKET_SIZE) {
            device.stats.droppedInvalidTunPacket.incrementAndGet();
            return null;
        }
        int version = (d[off] & 0xff) >>> 4;
        Peer peer;
        if (version == 4 && p.len >= 20) {
            peer = allowedIps.lookupV4(d, off + 16);
        } else if (version == 6 && p.len >= 40) {
            peer = allowedIps.lookupV6(d, off + 24);
        } else {
            device.stats.droppedInvalidTunPacket.incrementAndGet();
            return null;
        }
        if (peer == null) {
            device.stats.droppedNoRoute.incrementAndGet();
        }
        return peer;
    }
}
