package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_LINK;

import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Watches one network interface through a {@link NetlinkHub} subscription to
 * {@code RTMGRP_LINK}; {@link LinkEvents} turns the kernel's link messages for that interface's
 * index into {@link TunEvent}s. The monitor stops after {@code Removed}.
 *
 * <p>Events are delivered on the hub's thread (shared with the namespace's other monitors),
 * outside any lock, so a listener may close the device. If the kernel drops messages because the
 * socket overflowed ({@code ENOBUFS}), the monitor re-reads the interface's state with ioctls
 * instead.
 */
final class LinkMonitor implements AutoCloseable, NetlinkHub.Listener {
    private static final System.Logger LOG = System.getLogger(LinkMonitor.class.getName());

    private final String name;
    private final int index;
    private final InterfaceControl control;
    private final LinkEvents events;
    private NetlinkHub.Subscription subscription; // set once by start, before deliveries begin

    private LinkMonitor(String name, int index, InterfaceControl control, Consumer<TunEvent> sink) {
        this.name = name;
        this.index = index;
        this.control = control;
        this.events = new LinkEvents(name, index, sink);
    }

    /**
     * Subscribes to link messages, reads the interface's current MTU and flags as the baseline,
     * and lets deliveries begin. Events are reported only for changes after this call.
     */
    static LinkMonitor start(String name, int index, InterfaceControl control, Consumer<TunEvent> sink)
            throws IOException {
        LinkMonitor m = new LinkMonitor(name, index, control, sink);
        m.subscription = NetlinkHub.subscribe(RTMGRP_LINK, m);
        try {
            // Baseline after subscribing: a change racing with this read is still reported.
            m.events.baseline(control.mtu(name), (control.flags(name) & InterfaceControl.IFF_UP) != 0);
        } catch (IOException | RuntimeException e) {
            m.subscription.close(); // an unstarted subscription would hold up the hub
            throw e;
        }
        m.subscription.start();
        return m;
    }

    /** True once the kernel reported the interface deleted. */
    boolean removed() {
        return events.removed();
    }

    /** Stops listening; once it returns no more events are delivered (unless called from a listener). */
    @Override
    public void close() {
        subscription.close();
    }

    @Override
    public void messages(ByteBuffer b, int length) {
        if (events.removed()) {
            return;
        }
        if (length == NetlinkSocket.LOST) {
            resync();
        } else {
            events.parse(b, length);
        }
        if (events.removed()) {
            subscription.close(); // on the hub's thread: does not wait for itself
        }
    }

    @Override
    public void stopped(IOException cause) {
        LOG.log(Level.WARNING, "link monitor for " + name + " stopped: " + cause.getMessage());
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
