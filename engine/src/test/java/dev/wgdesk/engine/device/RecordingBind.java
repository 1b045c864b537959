package dev.wgdesk.engine.device;

import dev.wgdesk.engine.conn.DatagramChannelBind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A real UDP bind that also keeps a copy of every datagram it receives. */
final class RecordingBind extends DatagramChannelBind {
    final ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();

    @Override
    public int receive(ByteBuffer[] bufs, UdpEndpoint[] from, int count) throws IOException {
        int n = super.receive(bufs, from, count);
        for (int i = 0; i < n; i++) {
            byte[] copy = new byte[bufs[i].remaining()];
            bufs[i].duplicate().get(copy);
            received.add(copy);
        }
        return n;
    }
}
