package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.Rtnetlink.AF_NETLINK;
import static dev.wgdesk.platform.linux.Rtnetlink.NETLINK_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_LINK;
import static dev.wgdesk.platform.linux.Rtnetlink.SOCKADDR_NL_SIZE;

import java.lang.ref.Reference;
import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.util.function.Consumer;

/**
 * Watches one network interface through an rtnetlink socket subscribed to
 * {@code RTMGRP_LINK}; {@link LinkEvents} turns the kernel's link messages for that interface's
 * index into {@link TunEvent}s. The monitor stops after {@code Removed}.
 *
 * <p>Events are delivered on the monitor's own daemon thread, outside any lock, so a listener
 * may close the device. If the kernel drops messages because the socket overflowed
 * ({@code ENOBUFS}), the monitor re-reads the interface's state with ioctls instead.
 */
final class LinkMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LinkMonitor.class.getName());

    private static final int SOCK_RAW = 3;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;

    private final String name;
    private final int index;
    private final InterfaceControl control;
    private final LinkEvents events;
    private final PolledFd socket;
    private final NativeBuffer buffer = new NativeBuffer(64 * 1024);
    private final Thread thread;

    private LinkMonitor(String name, int index, InterfaceControl control, PolledFd socket, Consumer<TunEvent> sink) {
        this.name = name;
        this.index = index;
        this.control = control;
        this.socket = socket;
        this.events = new LinkEvents(name, index, sink);
        this.thread = Thread.ofPlatform().daemon().name("wgdesk-link-" + name).unstarted(this::run);
    }

    /**
     * Subscribes to link messages, reads the interface's current MTU and flags as the baseline,
     * and starts the listener thread. Events are reported only for changes after this call.
     */
    static LinkMonitor start(String name, int index, InterfaceControl control, Consumer<TunEvent> sink)
            throws IOException {
        int fd = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw Errno.exception("rtnetlink socket", LibC.errno());
        }
        NativeBuffer opt = new NativeBuffer(SOCKADDR_NL_SIZE);
        opt.view().putInt(0, 1 << 20);
        LibC.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, opt.address(), 4); // best effort
        Reference.reachabilityFence(opt);
        NativeBuffer addr = new NativeBuffer(SOCKADDR_NL_SIZE);
        addr.view().putShort(0, (short) AF_NETLINK);
        addr.view().putInt(8, RTMGRP_LINK);
        int bound = LibC.bind(fd, addr.address(), SOCKADDR_NL_SIZE);
        Reference.reachabilityFence(addr);
        if (bound < 0) {
            int errno = LibC.errno();
            LibC.close(fd);
            throw Errno.exception("bind rtnetlink socket to RTMGRP_LINK", errno);
        }
        LinkMonitor m = new LinkMonitor(name, index, control, new PolledFd(fd), sink);
        try {
            // Baseline after subscribing: a change racing with this read is still reported.
            m.events.baseline(control.mtu(name), (control.flags(name) & InterfaceControl.IFF_UP) != 0);
        } catch (IOException e) {
            m.socket.close();
            throw e;
        }
        m.thread.start();
        return m;
    }

    /** True once the kernel reported the interface deleted. */
    boolean removed() {
        return events.removed();
    }

    /** Stops listening; returns once the thread has ended (unless called from it). */
    @Override
    public void close() {
        socket.close();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        PolledFd.Waiter waiter = socket.newWaiter();
        while (!events.removed()) {
            int length;
            try {
                socket.enter();
                try {
                    length = receive(waiter);
                } finally {
                    socket.exit();
                }
            } catch (ClosedChannelException e) {
                return; // closed by close()
            } catch (IOException e) {
                LOG.log(Level.WARNING, "link monitor for " + name + " stopped: " + e.getMessage());
                return;
            }
            if (length < 0) {
                resync();
            } else {
                events.parse(buffer.view(), length);
            }
        }
    }

    /** Receives one batch of messages; returns its length, or -1 if messages were lost. */
    private int receive(PolledFd.Waiter waiter) throws IOException {
        while (true) {
            long n = LibC.recv(socket.fd(), buffer.address(), buffer.size(), 0);
            if (n >= 0) {
                return (int) n;
            }
            int errno = LibC.errno();
            if (errno == Errno.EAGAIN) {
                waiter.await(PolledFd.POLLIN);
            } else if (errno == Errno.ENOBUFS) {
                return -1;
            } else if (errno != Errno.EINTR) {
                throw Errno.exception("recv on rtnetlink socket", errno);
            }
        }
    }

    /** After lost messages: compare the interface's state with what was last reported. */
    private void resync() {
        try {
            if (control.index(name) != index) {
                events.removedSeen();
                return;
            }
            events.update(control.mtu(name), (control.flags(name) & InterfaceControl.IFF_UP) != 0);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot re-read the state of " + name + ": " + e.getMessage());
        }
    }

}
