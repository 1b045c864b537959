package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.Rtnetlink.NLMSG_HDRLEN;
import static dev.wgdesk.platform.linux.Rtnetlink.RTA_TABLE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV4_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV6_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMSG_SIZE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_DELROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_NEWROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTN_UNICAST;
import static dev.wgdesk.platform.linux.Rtnetlink.RT_TABLE_MAIN;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Tells when the default route of the main routing table changes (a new network: Wi-Fi to
 * Ethernet, a new DHCP lease, a link that came back), so that tunnels can start new handshakes at
 * once instead of waiting for sessions the change broke to time out.
 *
 * <p>A {@link NetlinkHub} subscription to {@code RTMGRP_IPV4_ROUTE} and {@code RTMGRP_IPV6_ROUTE};
 * every {@code RTM_NEWROUTE} / {@code RTM_DELROUTE} of a unicast route with prefix length 0 in
 * the main table calls the listener (on the hub's thread, shared with the namespace's other
 * monitors; it should return quickly). Routes
 * in other tables, such as those of a wg-quick style full tunnel (table 51820), are ignored. A
 * lost message ({@code ENOBUFS}) counts as a change. It watches the network namespace of the
 * thread that calls {@link #start}.
 */
public final class DefaultRouteMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DefaultRouteMonitor.class.getName());

    private final Runnable listener;
    private final boolean defaultOnly;
    private NetlinkHub.Subscription subscription; // set once by start, before deliveries begin

    private DefaultRouteMonitor(Runnable listener, boolean defaultOnly) {
        this.listener = listener;
        this.defaultOnly = defaultOnly;
    }

    /** Subscribes to default route changes of the calling thread's network namespace and starts watching. */
    public static DefaultRouteMonitor start(Runnable listener) throws IOException {
        return start(listener, true);
    }

    /**
     * Like {@link #start}, but the listener is called for a change of any route of the main table,
     * not only of the default route (the kill switch's local network follows them).
     */
    public static DefaultRouteMonitor startForAnyMainRoute(Runnable listener) throws IOException {
        return start(listener, false);
    }

    private static DefaultRouteMonitor start(Runnable listener, boolean defaultOnly) throws IOException {
        Objects.requireNonNull(listener, "listener");
        LibC.ensureAvailable();
        DefaultRouteMonitor m = new DefaultRouteMonitor(listener, defaultOnly);
        m.subscription = NetlinkHub.subscribe(RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE, new NetlinkHub.Listener() {
            @Override
            public void messages(ByteBuffer b, int length) {
                m.messages(b, length);
            }

            @Override
            public void stopped(IOException cause) {
                LOG.log(Level.WARNING, (m.defaultOnly ? "default route" : "main routing table")
                        + " monitor stopped: " + cause.getMessage());
            }
        });
        m.subscription.start();
        return m;
    }

    /**
     * True if the netlink messages in {@code b[0, length)} add or remove a unicast default route
     * (prefix length 0) of the main table. Malformed messages end the scan.
     */
    static boolean changesDefaultRoute(ByteBuffer b, int length) {
        return changesMainTable(b, length, true);
    }

    /**
     * True if the netlink messages in {@code b[0, length)} add or remove a route of the main
     * table: with {@code defaultOnly}, only a unicast route with prefix length 0. Malformed
     * messages end the scan.
     */
    static boolean changesMainTable(ByteBuffer b, int length, boolean defaultOnly) {
        int off = 0;
        while (off + NLMSG_HDRLEN <= length) {
            int mlen = b.getInt(off);
            int type = b.getShort(off + 4) & 0xffff;
            if (mlen < NLMSG_HDRLEN || off + mlen > length) {
                return false;
            }
            if ((type == RTM_NEWROUTE || type == RTM_DELROUTE) && mlen >= NLMSG_HDRLEN + RTMSG_SIZE) {
                int r = off + NLMSG_HDRLEN; // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
                int dstLen = b.get(r + 1) & 0xff;
                int table = b.get(r + 4) & 0xff;
                int routeType = b.get(r + 7) & 0xff;
                int a = r + RTMSG_SIZE;
                int end = off + mlen;
                while (a + 4 <= end) { // RTA_TABLE holds table ids above 255
                    int alen = b.getShort(a) & 0xffff;
                    if (alen < 4 || a + alen > end) {
                        break;
                    }
                    if ((b.getShort(a + 2) & 0x3fff) == RTA_TABLE && alen >= 8) {
                        table = b.getInt(a + 4);
                    }
                    a += (alen + 3) & ~3;
                }
                if (table == RT_TABLE_MAIN && (!defaultOnly || dstLen == 0 && routeType == RTN_UNICAST)) {
                    return true;
                }
            }
            off += (mlen + 3) & ~3;
        }
        return false;
    }

    private void messages(ByteBuffer b, int length) {
        // lost messages (NetlinkSocket.LOST): one of them may have been ours
        if (length == NetlinkSocket.LOST || changesMainTable(b, length, defaultOnly)) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, (defaultOnly ? "default route" : "main routing table") + " listener failed: " + e);
            }
        }
    }

    /** Stops watching; once it returns the listener is not called again (unless called from it). */
    @Override
    public void close() {
        subscription.close();
    }
}
