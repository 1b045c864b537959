package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.SockAddr.SOCK_RAW;
import static dev.wgdesk.platform.linux.SockAddr.SOCK_NONBLOCK;
import static dev.wgdesk.platform.linux.SockAddr.SOCK_CLOEXEC;
import static dev.wgdesk.platform.linux.SockAddr.SOL_SOCKET;
import static dev.wgdesk.platform.linux.SockAddr.SO_RCVBUF;
import static dev.wgdesk.platform.linux.Rtnetlink.AF_NETLINK;
import static dev.wgdesk.platform.linux.Rtnetlink.NETLINK_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.SOCKADDR_NL_SIZE;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * A non-blocking {@code NETLINK_ROUTE} socket bound to some rtnetlink multicast groups, read by
 * one thread into its own buffer, which another thread may close at any time: closing wakes the
 * reader, whose {@link #receive()} then throws a {@link ClosedChannelException}. Used by
 * {@link NetlinkHub}, whose one reader thread per network namespace serves {@link RouteWatch},
 * {@link DefaultRouteMonitor} and {@link LinkMonitor}.
 *
 * <p>The socket is made by the calling thread, so it sees that thread's network namespace.
 */
final class NetlinkSocket implements AutoCloseable {
    /** What {@link #receive()} returns when the kernel dropped messages because the socket overflowed. */
    static final int LOST = -1;


    private final PolledFd socket;
    private final NativeBuffer buffer;
    private final PolledFd.Waiter waiter;

    private NetlinkSocket(PolledFd socket, int bufferSize) {
        this.socket = socket;
        this.buffer = new NativeBuffer(bufferSize);
        this.waiter = socket.newWaiter();
    }

    /**
     * Opens a socket subscribed to {@code groups} (legacy {@code RTMGRP_*} bit masks), with a
     * receive buffer of {@code bufferSize} bytes.
     *
     * @param groupNames what the groups are, for the error message of a failed bind
     * @param kernelReceiveBuffer if positive, asks the kernel for that much socket buffer
     *     ({@code SO_RCVBUF}, best effort) before binding
     */
    static NetlinkSocket subscribe(int groups, String groupNames, int bufferSize, int kernelReceiveBuffer)
            throws IOException {
        int fd = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw Errno.exception("rtnetlink socket", LibC.errno());
        }
        if (kernelReceiveBuffer > 0) {
            NativeBuffer opt = new NativeBuffer(4);
            opt.view().putInt(0, kernelReceiveBuffer);
            LibC.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, opt.address(), 4); // best effort
            Reference.reachabilityFence(opt);
        }
        NativeBuffer addr = new NativeBuffer(SOCKADDR_NL_SIZE);
        addr.view().putShort(0, (short) AF_NETLINK);
        addr.view().putInt(8, groups);
        int bound = LibC.bind(fd, addr.address(), SOCKADDR_NL_SIZE);
        Reference.reachabilityFence(addr);
        if (bound < 0) {
            int errno = LibC.errno();
            LibC.close(fd);
            throw Errno.exception("bind rtnetlink socket to " + groupNames, errno);
        }
        return new NetlinkSocket(new PolledFd(fd), bufferSize);
    }

    /**
     * Waits for the next batch of messages and reads it into {@link #view()} at 0; returns its
     * length, or {@link #LOST} if the kernel dropped messages ({@code ENOBUFS}). Only one thread
     * may call this.
     *
     * @throws ClosedChannelException once {@link #close()} was called (also when it wakes the caller)
     */
    int receive() throws IOException {
        socket.enter();
        try {
            while (true) {
                long n = LibC.recv(socket.fd(), buffer.address(), buffer.size(), 0);
                if (n >= 0) {
                    return (int) n;
                }
                int errno = LibC.errno();
                if (errno == Errno.EAGAIN) {
                    waiter.await(PolledFd.POLLIN);
                } else if (errno == Errno.ENOBUFS) {
                    return LOST;
                } else if (errno != Errno.EINTR) {
                    throw Errno.exception("recv on rtnetlink socket", errno);
                }
            }
        } finally {
            socket.exit();
        }
    }

    /** The receive buffer in native byte order; what {@link #receive()} read starts at 0. */
    ByteBuffer view() {
        return buffer.view();
    }

    /** Closes the socket and wakes the reader. Idempotent. */
    @Override
    public void close() {
        socket.close();
    }
}
