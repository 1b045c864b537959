package dev.wgdesk.engine.tun;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A layer-3 tunnel device carrying raw IPv4/IPv6 packets (no packet-information header).
 *
 * <p>Buffers follow the NIO convention: a packet occupies a buffer's {@code position()} to
 * {@code limit()}. Callers reserve head room by positioning buffers past their start, so the
 * engine can write the transport header in front of the packet and encrypt in place.
 *
 * <p>Threading: one thread reads while another writes. {@link #close()} may be called from any
 * thread and makes a blocked {@link #read} return with an {@link java.nio.channels.ClosedChannelException}
 * (or a subclass of IOException).
 */
public interface Tun extends AutoCloseable {
    /** The interface name, e.g. {@code wg0}. Stable for the life of the device. */
    String name();

    /** The current MTU. Changes are also reported as {@link TunEvent.MtuChanged}. */
    int mtu() throws IOException;

    /**
     * The most packets one {@link #read} or {@link #write} call handles. Must not change over the
     * lifetime of the device.
     */
    int batchSize();

    /**
     * Blocks until at least one packet is available, then reads up to {@code count} packets. For
     * each packet {@code i}, the bytes are written from {@code bufs[i].position()} and
     * {@code bufs[i].limit()} is set to the packet's end; the position is left unchanged. The
     * room for a packet is {@code limit() - position()} on entry, never the capacity (the engine
     * keeps the bytes after the limit for padding and the tag): a longer packet is dropped whole,
     * never truncated, and does not count as read.
     *
     * @return the number of packets read, at least 1
     */
    int read(ByteBuffer[] bufs, int count) throws IOException;

    /**
     * Writes {@code count} packets, each from its buffer's position to its limit. Positions are
     * not preserved. A packet the OS rejects is skipped, not retried.
     */
    void write(ByteBuffer[] bufs, int count) throws IOException;

    /** Registers a listener for MTU changes, link state and removal. Called on any thread. */
    void onEvent(Consumer<TunEvent> listener);

    /** Closes the device. Idempotent. */
    @Override
    void close() throws IOException;
}
