package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_LINK;

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

    private final String name;
    private final int index;
    private final InterfaceControl control;
    private final LinkEvents events;
    private final NetlinkSocket socket;
    private final Thread thread;

    private LinkMonitor(String name, int index, InterfaceControl control, NetlinkSocket socket, Consumer<TunEvent> sink) {
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
        NetlinkSocket socket = NetlinkSocket.subscribe(RTMGRP_LINK, "RTMGRP_LINK", 64 * 1024, 1 << 20);
        LinkMonitor m = new LinkMonitor(name, index, control, socket, sink);
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
        socket.closeAndJoin(thread);
    }

    private void run() {
        while (!events.removed()) {
            int length;
            try {
                length = socket.receive();
            } catch (ClosedChannelException e) {
                return; // closed by close()
            } catch (IOException e) {
                LOG.log(Level.WARNING, "link monitor for " + name + " stopped: " + e.getMessage());
                return;
            }
            if (length == NetlinkSocket.LOST) {
                resync();
            } else {
                events.parse(socket.view(), length);
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
