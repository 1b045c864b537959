package dev.wgdesk.engine.conn;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The UDP side of a device: one listen port serving IPv4 and IPv6 endpoints.
 *
 * <p>Buffers follow the NIO convention (data between position and limit). One thread receives
 * while others send; {@link #close()} unblocks a pending {@link #receive}.
 *
 * <p><b>Sticky sources.</b> Datagrams are addressed by {@link UdpEndpoint}: the remote address
 * plus, where the platform can tell, the local address a datagram arrived on. A bind that
 * {@linkplain #supportsStickySource() supports it} reports that address on receive and sends
 * from the source of the endpoint it is given; others report none and ignore it.
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
     * its end and {@code from[i]} to where it came from: the sender's address and, with sticky
     * source support, our local address it was sent to. Implementations should return the same
     * {@link UdpEndpoint} instance for repeated datagrams between the same addresses.
     *
     * @return the number of datagrams received, at least 1
     */
    int receive(ByteBuffer[] bufs, UdpEndpoint[] from, int count) throws IOException;

    /**
     * Sends {@code count} datagrams, each from position to limit, to {@code to.remote()}, from
     * {@code to.source()} when it has one and the bind supports sticky sources.
     *
     * @throws StaleSourceException if {@code to} has a source the operating system no longer
     *     accepts; the datagrams from the refused one on were not sent (see the exception)
     */
    void send(ByteBuffer[] bufs, int count, UdpEndpoint to) throws IOException;

    /** True if {@link #receive} reports local addresses and {@link #send} honours them. */
    default boolean supportsStickySource() {
        return false;
    }

    /**
     * Sets SO_MARK on the sockets (Linux), so policy routing can keep tunnel traffic out of the
     * tunnel. 0 clears it. Platforms without fwmark ignore it.
     */
    void setMark(int mark) throws IOException;

    @Override
    void close() throws IOException;
}
