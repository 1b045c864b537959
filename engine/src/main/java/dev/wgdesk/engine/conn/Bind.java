package dev.wgdesk.engine.conn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The UDP side of a device: one listen port serving IPv4 and IPv6 endpoints.
 *
 * <p>Buffers follow the NIO convention (data between position and limit). One thread receives
 * while others send; {@link #close()} unblocks a pending {@link #receive}.
 */
public interface Bind extends AutoCloseable {
    /**
     * Opens the socket(s) on {@code port}, 0 meaning any free port. Closes any previous sockets.
     *
     * @return the port actually bound
     * @throws java.net.BindException if the port is in use
     */
    int open(int port) throws IOException;

    /** The port bound by the last {@link #open}, or 0 when closed. */
    int port();

    /** Most datagrams one {@link #receive} returns. Fixed for the life of the bind. */
    int batchSize();

    /**
     * Blocks until at least one datagram arrives, then receives up to {@code count}. For datagram
     * {@code i} the payload is written from {@code bufs[i].position()}, {@code limit()} is set to
     * its end and {@code from[i]} to its source.
     *
     * @return the number of datagrams received, at least 1
     */
    int receive(ByteBuffer[] bufs, InetSocketAddress[] from, int count) throws IOException;

    /** Sends {@code count} datagrams, each from position to limit, to {@code to}. */
    void send(ByteBuffer[] bufs, int count, InetSocketAddress to) throws IOException;

    /**
     * Sets SO_MARK on the sockets (Linux), so policy routing can keep tunnel traffic out of the
     * tunnel. 0 clears it. Platforms without fwmark ignore it.
     */
    void setMark(int mark) throws IOException;

    @Override
    void close() throws IOException;
}
