package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.SockAddr.SOCK_RAW;
import static dev.wgdesk.platform.linux.SockAddr.SOCK_CLOEXEC;
import static dev.wgdesk.platform.linux.Rtnetlink.AF_NETLINK;
import static dev.wgdesk.platform.linux.Rtnetlink.NETLINK_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.NLMSG_ERROR;
import static dev.wgdesk.platform.linux.Rtnetlink.NLMSG_HDRLEN;
import static dev.wgdesk.platform.linux.Rtnetlink.RTA_DST;
import static dev.wgdesk.platform.linux.Rtnetlink.RTA_MARK;
import static dev.wgdesk.platform.linux.Rtnetlink.RTA_OIF;
import static dev.wgdesk.platform.linux.Rtnetlink.RTA_SRC;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV4_IFADDR;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV4_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV6_IFADDR;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV6_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMSG_SIZE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_F_LOOKUP_TABLE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_GETROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_NEWROUTE;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * Keeps IPv4 sticky sources honest when routing changes, as the kernel's WireGuard does: a source
 * is used only while the route to the peer still leaves through the interface the peer's packets
 * arrived on (netns.sh: "another interface route takes precedence over an ongoing one").
 *
 * <p>A {@link NetlinkHub} subscription to address and route changes ({@code RTMGRP_IPV4_IFADDR},
 * {@code RTMGRP_IPV4_ROUTE}, and the IPv6 ones) bumps a {@link #generation()} on every batch;
 * senders re-check an endpoint when the generation moved since they last did, asking the kernel
 * which interface the route to the peer now takes ({@code RTM_GETROUTE} with the destination,
 * the source and the socket's mark, on a second netlink socket). Checks are rare (once per
 * endpoint and change), so the lookup is synchronized and may allocate.
 *
 * <p>The subscription and the query socket are made by the thread that opens the bind, so they
 * see its network namespace.
 */
final class RouteWatch implements AutoCloseable, NetlinkHub.Listener {
    private static final System.Logger LOG = System.getLogger(RouteWatch.class.getName());


    /** What {@link #outputInterface} returns when the kernel has no route (or refuses the source). */
    static final int NO_ROUTE = -1;

    private final int query; // guarded by this
    private final NativeBuffer request = new NativeBuffer(64); // guarded by this
    private final NativeBuffer reply = new NativeBuffer(4096); // guarded by this
    private NetlinkHub.Subscription events; // set once by open, before deliveries begin
    private volatile long generation;
    private volatile int mark;
    private int sequence; // guarded by this
    private boolean closed; // guarded by this

    private RouteWatch(int query) {
        this.query = query;
    }

    /** Opens the query socket and subscribes to address and route changes. */
    static RouteWatch open() throws IOException {
        int q = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (q < 0) {
            throw Errno.exception("rtnetlink query socket", LibC.errno());
        }
        RouteWatch w = new RouteWatch(q);
        try {
            w.events = NetlinkHub.subscribe(
                    RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE, w);
        } catch (IOException | RuntimeException e) {
            LibC.close(q);
            throw e;
        }
        w.events.start();
        return w;
    }

    /** Moves on whenever addresses, routes or the mark changed. */
    long generation() {
        return generation;
    }

    /** The socket's mark, which policy routing may look at; changing it counts as a change. */
    void setMark(int mark) {
        this.mark = mark;
        generation++; // a racy increment only ever causes an extra check
    }

    /**
     * The index of the interface the kernel would now send an IPv4 datagram from {@code source}
     * to {@code destination} through, or {@link #NO_ROUTE}.
     */
    synchronized int outputInterface(Inet4Address destination, Inet4Address source) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        ByteBuffer m = request.view();
        int seq = ++sequence;
        int len = NLMSG_HDRLEN + RTMSG_SIZE + 8 + 8 + 8;
        RouteLookup.requestHeader(m, len, RTM_GETROUTE, seq);
        int r = NLMSG_HDRLEN; // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
        m.put(r, (byte) SockAddr.AF_INET);
        m.put(r + 1, (byte) 32);
        m.put(r + 2, (byte) 32);
        m.putInt(r + 8, RTM_F_LOOKUP_TABLE);
        int a = r + RTMSG_SIZE;
        a = attribute(m, a, RTA_DST, destination.getAddress());
        a = attribute(m, a, RTA_SRC, source.getAddress());
        m.putShort(a, (short) 8).putShort(a + 2, (short) RTA_MARK).putInt(a + 4, mark);
        if (LibC.sendto(query, request.address(), len, 0, 0, 0) < 0) {
            throw Errno.exception("RTM_GETROUTE", LibC.errno());
        }
        while (true) {
            long n = LibC.recv(query, reply.address(), reply.size(), 0);
            if (n < 0) {
                int errno = LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw Errno.exception("RTM_GETROUTE reply", errno);
            }
            ByteBuffer b = reply.view();
            int off = 0;
            while (off + NLMSG_HDRLEN <= n) {
                int mlen = b.getInt(off);
                int type = b.getShort(off + 4) & 0xffff;
                if (mlen < NLMSG_HDRLEN || off + mlen > n) {
                    break;
                }
                if (b.getInt(off + 8) == seq) {
                    if (type == NLMSG_ERROR) {
                        return NO_ROUTE; // ENETUNREACH, EINVAL (source not local), ...
                    }
                    if (type == RTM_NEWROUTE) {
                        return oif(b, off + NLMSG_HDRLEN + RTMSG_SIZE, off + mlen);
                    }
                }
                off += (mlen + 3) & ~3;
            }
        }
    }

    private static int attribute(ByteBuffer m, int at, int type, byte[] value) {
        m.putShort(at, (short) (4 + value.length)).putShort(at + 2, (short) type).put(at + 4, value);
        return at + ((4 + value.length + 3) & ~3);
    }

    private static int oif(ByteBuffer b, int at, int end) {
        while (at + 4 <= end) {
            int len = b.getShort(at) & 0xffff;
            int type = b.getShort(at + 2) & 0x3fff;
            if (len < 4) {
                break;
            }
            if (type == RTA_OIF && len >= 8) {
                return b.getInt(at + 4);
            }
            at += (len + 3) & ~3;
        }
        return NO_ROUTE;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!closed) {
                closed = true;
                LibC.close(query);
            }
        }
        events.close();
    }

    @Override
    public void messages(ByteBuffer b, int length) {
        generation++; // some change (or lost messages about changes): re-check all
    }

    @Override
    public void stopped(IOException cause) {
        LOG.log(Level.WARNING, "route watch stopped; sticky sources follow routing changes only on timers: "
                + cause.getMessage());
    }
}
