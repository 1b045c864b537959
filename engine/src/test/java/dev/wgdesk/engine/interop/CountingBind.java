package dev.wgdesk.engine.interop;

import dev.wgdesk.engine.conn.DatagramChannelBind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The real UDP bind, counting the WireGuard message types (1 initiation, 2 response, 3 cookie
 * reply, 4 transport) it sends and receives, so a test can tell which side initiated.
 */
final class CountingBind extends DatagramChannelBind {
    static final int INITIATION = 1;
    static final int RESPONSE = 2;
    static final int COOKIE_REPLY = 3;
    static final int TRANSPORT = 4;

    private final AtomicIntegerArray sent = new AtomicIntegerArray(5);
    private final AtomicIntegerArray received = new AtomicIntegerArray(5);
    private final AtomicIntegerArray keepalives = new AtomicIntegerArray(2); // [0] sent, [1] received

    @Override
    public int receive(ByteBuffer[] bufs, UdpEndpoint[] from, int count) throws IOException {
        int n = super.receive(bufs, from, count);
        for (int i = 0; i < n; i++) {
            record(received, bufs[i]);
            countKeepalive(1, bufs[i]);
        }
        return n;
    }

    @Override
    public void send(ByteBuffer[] bufs, int count, UdpEndpoint to) throws IOException {
        for (int i = 0; i < count; i++) {
            record(sent, bufs[i]);
            countKeepalive(0, bufs[i]);
        }
        super.send(bufs, count, to);
    }

    private static void record(AtomicIntegerArray counts, ByteBuffer b) {
        if (b.hasRemaining()) {
            int type = b.get(b.position()) & 0xff;
            if (type >= INITIATION && type <= TRANSPORT) {
                counts.incrementAndGet(type);
            }
        }
    }

    /** A keepalive is a transport message with an empty payload: header 16 + tag 16 = 32 bytes. */
    private void countKeepalive(int slot, ByteBuffer b) {
        if (b.remaining() == 32 && (b.get(b.position()) & 0xff) == TRANSPORT) {
            keepalives.incrementAndGet(slot);
        }
    }

    int sentKeepalives() {
        return keepalives.get(0);
    }

    int receivedKeepalives() {
        return keepalives.get(1);
    }

    int sent(int type) {
        return sent.get(type);
    }

    int received(int type) {
        return received.get(type);
    }

    int sentTotal() {
        int n = 0;
        for (int t = INITIATION; t <= TRANSPORT; t++) {
            n += sent.get(t);
        }
        return n;
    }

    @Override
    public String toString() {
        return "sent init/resp/cookie/data " + sent(1) + "/" + sent(2) + "/" + sent(3) + "/" + sent(4)
                + ", received " + received(1) + "/" + received(2) + "/" + received(3) + "/" + received(4);
    }
}
