package dev.wgdesk.engine.conn;

import dev.wgdesk.engine.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The portable {@link Bind}: one dual-stack {@link DatagramChannel} in blocking mode. It cannot
 * set SO_MARK ({@link #setMark} only records the value), and the JDK cannot tell the local address
 * of a datagram nor send from a chosen one, so it has no sticky sources: receives report none and
 * sends ignore them.
 */
public class DatagramChannelBind implements Bind {
    private volatile DatagramChannel channel;
    private volatile int port;
    private UdpEndpoint lastFrom; // receiver thread only: reused while the sender stays the same

    @Override
    public synchronized int open(int requestedPort) throws IOException {
        closeChannel();
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, Protocol.SOCKET_BUFFER_SIZE);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, Protocol.SOCKET_BUFFER_SIZE);
            ch.bind(new InetSocketAddress(requestedPort));
            configure(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        return port;
    }

    /** A hook for subclasses to apply OS-specific options once the socket is bound. */
    protected void configure(DatagramChannel ch) throws IOException {}

    /** The open channel, for subclasses; null when closed. */
    protected DatagramChannel channel() {
        return channel;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public int batchSize() {
        return 1;
    }

    @Override
    public int receive(ByteBuffer[] bufs, UdpEndpoint[] from, int count) throws IOException {
        DatagramChannel ch = channel;
        if (ch == null) {
            throw new java.nio.channels.ClosedChannelException();
        }
        ByteBuffer b = bufs[0];
        int start = b.position();
        b.limit(b.capacity());
        SocketAddress src = ch.receive(b);
        int end = b.position();
        b.position(start).limit(end);
        InetSocketAddress remote = (InetSocketAddress) src;
        UdpEndpoint last = lastFrom;
        if (last == null || !last.remote().equals(remote)) {
            last = UdpEndpoint.of(remote);
            lastFrom = last;
        }
        from[0] = last;
        return 1;
    }

    @Override
    public void send(ByteBuffer[] bufs, int count, UdpEndpoint to) throws IOException {
        DatagramChannel ch = channel;
        if (ch == null) {
            throw new java.nio.channels.ClosedChannelException();
        }
        InetSocketAddress remote = to.remote(); // the source cannot be chosen through the JDK
        for (int i = 0; i < count; i++) {
            ch.send(bufs[i], remote);
        }
    }

    @Override
    public void setMark(int mark) throws IOException {
        // Not supported by the JDK; platform binds override this.
    }

    @Override
    public synchronized void close() throws IOException {
        closeChannel();
    }

    private void closeChannel() throws IOException {
        DatagramChannel ch = channel;
        channel = null;
        port = 0;
        if (ch != null) {
            ch.close();
        }
    }
}
