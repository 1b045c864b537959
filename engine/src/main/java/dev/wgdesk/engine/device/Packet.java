package dev.wgdesk.engine.device;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.UdpEndpoint;
import java.nio.ByteBuffer;

/**
 * A pooled packet buffer and the per-packet state the pipeline carries with it. The array is
 * heap memory because the JDK's ChaCha20-Poly1305 runs fastest on {@code byte[]}; the
 * {@link ByteBuffer} view wraps the same array for the {@code Tun} and {@code Bind} interfaces.
 *
 * <p>An IP packet read from the TUN starts at {@link #HEADROOM}, so the transport header is
 * written in front of it and the packet is encrypted in place, with no copy.
 */
final class Packet {
    /** Room for the transport header in front of the IP packet. */
    static final int HEADROOM = Protocol.MESSAGE_TRANSPORT_HEADER_SIZE;

    final byte[] data;
    final ByteBuffer buf;

    /* Per-use state, reset by the pool. */
    Peer peer;
    /** Set only together with a reference taken by {@link Keypair#acquire()}; the pool gives it back. */
    Keypair keypair;
    long counter;
    /** Offset and length of the UDP payload (outbound: set after sealing; inbound: as received). */
    int off;
    int len;
    /** Inbound: where the datagram came from (and the local address it arrived on). */
    UdpEndpoint endpoint;
    /** Set by the crypto stage: true when the packet may go on to the sequential stage. */
    boolean ok;
    /** Written by a crypto worker, read by the sequencer. */
    volatile boolean done;
    /** Pool bookkeeping: taken from the pool's reserve; back in the pool (guarded by this). */
    boolean fromReserve;
    boolean inPool;

    Packet(int capacity) {
        data = new byte[capacity];
        buf = ByteBuffer.wrap(data);
    }

    void reset() {
        peer = null;
        keypair = null;
        counter = 0;
        off = 0;
        len = 0;
        endpoint = null;
        ok = false;
        done = false;
        buf.clear();
    }

    /** Blocks until a crypto worker marked this packet done. */
    void awaitDone() throws InterruptedException {
        if (done) {
            return;
        }
        for (int spin = 0; spin < 200; spin++) {
            if (done) {
                return;
            }
            Thread.onSpinWait();
        }
        synchronized (this) {
            while (!done) {
                wait();
            }
        }
    }

    void markDone() {
        done = true;
        synchronized (this) {
            notifyAll();
        }
    }
}
