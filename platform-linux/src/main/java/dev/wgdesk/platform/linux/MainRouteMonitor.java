package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV4_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV6_ROUTE;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Tells when any route of the main routing table is added or removed, e.g. the directly
 * connected subnet that appears with an address on a new network, so that the kill switch's LAN
 * sets can follow it. Like {@link DefaultRouteMonitor} (whose message scan it shares), but for
 * every route of the main table, not only the default route: a {@link NetlinkHub} subscription to
 * {@code RTMGRP_IPV4_ROUTE} and {@code RTMGRP_IPV6_ROUTE}, the listener called on the hub's thread
 * (it should return quickly) once per batch that touches the main table, and once for lost
 * messages ({@code ENOBUFS}). It watches the network namespace of the thread that calls
 * {@link #start}.
 */
public final class MainRouteMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MainRouteMonitor.class.getName());

    private final Runnable listener;
    private NetlinkHub.Subscription subscription; // set once by start, before deliveries begin

    private MainRouteMonitor(Runnable listener) {
        this.listener = listener;
    }

    /** Subscribes to route changes of the calling thread's network namespace and starts watching. */
    public static MainRouteMonitor start(Runnable listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        LibC.ensureAvailable();
        MainRouteMonitor m = new MainRouteMonitor(listener);
        m.subscription = NetlinkHub.subscribe(RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE, new NetlinkHub.Listener() {
            @Override
            public void messages(ByteBuffer b, int length) {
                m.messages(b, length);
            }

            @Override
            public void stopped(IOException cause) {
                LOG.log(Level.WARNING, "main routing table monitor stopped: " + cause.getMessage());
            }
        });
        m.subscription.start();
        return m;
    }

    private void messages(ByteBuffer b, int length) {
        if (length == NetlinkSocket.LOST || DefaultRouteMonitor.changesMainTable(b, length, false)) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "main routing table listener failed: " + e);
            }
        }
    }

    /** Stops watching; once it returns the listener is not called again (unless called from it). */
    @Override
    public void close() {
        subscription.close();
    }
}
