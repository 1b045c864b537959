package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.SockAddr.SOCK_RAW;
import static dev.wgdesk.platform.linux.SockAddr.SOCK_CLOEXEC;
import static dev.wgdesk.platform.linux.Rtnetlink.AF_NETLINK;
import static dev.wgdesk.platform.linux.Rtnetlink.IFINFOMSG_SIZE;
import static dev.wgdesk.platform.linux.Rtnetlink.IFLA_MTU;
import static dev.wgdesk.platform.linux.Rtnetlink.NETLINK_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.NLMSG_DONE;
import static dev.wgdesk.platform.linux.Rtnetlink.NLMSG_ERROR;
import static dev.wgdesk.platform.linux.Rtnetlink.NLMSG_HDRLEN;
import static dev.wgdesk.platform.linux.Rtnetlink.NLM_F_REQUEST;
import static dev.wgdesk.platform.linux.Rtnetlink.RTAX_LOCK;
import static dev.wgdesk.platform.linux.Rtnetlink.RTAX_MTU;
import static dev.wgdesk.platform.linux.Rtnetlink.RTA_DST;
import static dev.wgdesk.platform.linux.Rtnetlink.RTA_METRICS;
import static dev.wgdesk.platform.linux.Rtnetlink.RTA_OIF;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMSG_SIZE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_GETLINK;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_GETROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_NEWLINK;
import static dev.wgdesk.platform.linux.Rtnetlink.RTM_NEWROUTE;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * The path MTU wg-quick's automatic MTU starts from, asked of the kernel over rtnetlink instead
 * of by running {@code ip route get DEST} and {@code ip link show dev DEV} (two forks on the
 * activation's critical path): the MTU metric of the route towards a destination
 * ({@code RTM_GETROUTE}, {@code RTA_METRICS}/{@code RTAX_MTU}: what {@code ip route get} prints
 * as {@code mtu N}), else the MTU of the route's output interface ({@code RTM_GETLINK},
 * {@code IFLA_MTU}). Like wg-quick, which matches {@code mtu N} in that output, it ignores a
 * locked MTU metric ({@code mtu lock N}) and takes the interface's.
 *
 * <p>Each call opens its own netlink socket on the calling thread, so it asks that thread's
 * network namespace. Thread-safe (no shared state).
 */
public final class RouteLookup {
    private static final int REPLY_SIZE = 32 * 1024;

    /** What a route reply says: its MTU metric (0 if none) and output interface (0 if none). */
    record Route(int mtu, int outputInterface) {}

    private RouteLookup() {}

    /**
     * The route's MTU towards {@code destination}, else its output interface's MTU; 0 when the
     * kernel has no route (as {@code ip route get} then prints nothing).
     *
     * @throws IOException if netlink itself fails (not for a missing route)
     */
    public static int pathMtu(InetAddress destination) throws IOException {
        LibC.ensureAvailable();
        int fd = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw Errno.exception("rtnetlink socket", LibC.errno());
        }
        try {
            NativeBuffer request = new NativeBuffer(64);
            NativeBuffer reply = new NativeBuffer(REPLY_SIZE, false);
            int len = routeRequest(request.view(), 1, destination);
            int n = exchange(fd, request, len, reply, "RTM_GETROUTE " + destination.getHostAddress());
            Route route = parseRoute(reply.view(), n, 1);
            if (route == null) {
                return 0;
            }
            if (route.mtu() != 0 || route.outputInterface() == 0) {
                return route.mtu();
            }
            len = linkRequest(request.view(), 2, route.outputInterface());
            n = exchange(fd, request, len, reply, "RTM_GETLINK " + route.outputInterface());
            return parseLinkMtu(reply.view(), n, 2);
        } finally {
            LibC.close(fd);
        }
    }

    /** Sends one request and reads one reply datagram; returns its length. */
    private static int exchange(int fd, NativeBuffer request, int len, NativeBuffer reply, String what)
            throws IOException {
        if (LibC.sendto(fd, request.address(), len, 0, 0, 0) < 0) {
            throw Errno.exception(what, LibC.errno());
        }
        while (true) {
            long n = LibC.recv(fd, reply.address(), reply.size(), 0);
            if (n >= 0) {
                return (int) n;
            }
            int errno = LibC.errno();
            if (errno != Errno.EINTR) {
                throw Errno.exception(what + " reply", errno);
            }
        }
    }

    /**
     * Zeroes {@code len} bytes at 0 and writes a netlink request header there: length, {@code type},
     * {@code NLM_F_REQUEST}, sequence number {@code seq} (the kernel fills in the port id).
     */
    static void requestHeader(ByteBuffer m, int len, int type, int seq) {
        for (int i = 0; i < len; i++) {
            m.put(i, (byte) 0);
        }
        m.putInt(0, len);
        m.putShort(4, (short) type);
        m.putShort(6, (short) NLM_F_REQUEST);
        m.putInt(8, seq);
    }

    /** Writes an {@code RTM_GETROUTE} request for {@code destination} at 0; returns its length. */
    static int routeRequest(ByteBuffer m, int seq, InetAddress destination) {
        byte[] dst = destination.getAddress();
        int len = NLMSG_HDRLEN + RTMSG_SIZE + 4 + dst.length;
        requestHeader(m, len, RTM_GETROUTE, seq);
        int r = NLMSG_HDRLEN; // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
        m.put(r, (byte) (destination instanceof Inet4Address ? SockAddr.AF_INET : SockAddr.AF_INET6));
        m.put(r + 1, (byte) (dst.length * 8));
        int a = r + RTMSG_SIZE;
        m.putShort(a, (short) (4 + dst.length)).putShort(a + 2, (short) RTA_DST).put(a + 4, dst);
        return len;
    }

    /** Writes an {@code RTM_GETLINK} request for interface {@code index} at 0; returns its length. */
    static int linkRequest(ByteBuffer m, int seq, int index) {
        int len = NLMSG_HDRLEN + IFINFOMSG_SIZE;
        requestHeader(m, len, RTM_GETLINK, seq);
        m.putInt(NLMSG_HDRLEN + 4, index); // struct ifinfomsg: family, pad, type, index, flags, change
        return len;
    }

    /**
     * The route in the {@code RTM_NEWROUTE} answer to request {@code seq} in {@code b[0, length)};
     * null when the kernel answered with an error (no route: {@code ENETUNREACH},
     * {@code EHOSTUNREACH}, ...) or the answer holds no route.
     */
    static Route parseRoute(ByteBuffer b, int length, int seq) {
        int off = message(b, length, seq, RTM_NEWROUTE);
        if (off < 0 || b.getInt(off) < NLMSG_HDRLEN + RTMSG_SIZE) {
            return null;
        }
        int end = off + b.getInt(off);
        int mtu = 0;
        int oif = 0;
        for (int a = off + NLMSG_HDRLEN + RTMSG_SIZE; a + 4 <= end; ) {
            int alen = b.getShort(a) & 0xffff;
            int type = b.getShort(a + 2) & 0x3fff;
            if (alen < 4 || a + alen > end) {
                break;
            }
            if (type == RTA_OIF && alen >= 8) {
                oif = b.getInt(a + 4);
            } else if (type == RTA_METRICS) {
                // A locked MTU is printed as "mtu lock N", which wg-quick's pattern "mtu N" does
                // not match: it then takes the interface's MTU, and so does this.
                boolean locked = (u32Attribute(b, a + 4, a + alen, RTAX_LOCK) & (1 << RTAX_MTU)) != 0;
                mtu = locked ? 0 : u32Attribute(b, a + 4, a + alen, RTAX_MTU);
            }
            a += (alen + 3) & ~3;
        }
        return new Route(mtu, oif);
    }

    /** {@code IFLA_MTU} of the {@code RTM_NEWLINK} answer to request {@code seq}; 0 if there is none. */
    static int parseLinkMtu(ByteBuffer b, int length, int seq) {
        int off = message(b, length, seq, RTM_NEWLINK);
        if (off < 0 || b.getInt(off) < NLMSG_HDRLEN + IFINFOMSG_SIZE) {
            return 0;
        }
        return u32Attribute(b, off + NLMSG_HDRLEN + IFINFOMSG_SIZE, off + b.getInt(off), IFLA_MTU);
    }

    /** The offset of the first message of {@code type} answering {@code seq}; -1 if none (or an error came). */
    private static int message(ByteBuffer b, int length, int seq, int type) {
        int off = 0;
        while (off + NLMSG_HDRLEN <= length) {
            int mlen = b.getInt(off);
            if (mlen < NLMSG_HDRLEN || off + mlen > length) {
                return -1;
            }
            if (b.getInt(off + 8) == seq) {
                int t = b.getShort(off + 4) & 0xffff;
                if (t == type) {
                    return off;
                }
                if (t == NLMSG_ERROR || t == NLMSG_DONE) {
                    return -1;
                }
            }
            off += (mlen + 3) & ~3;
        }
        return -1;
    }

    /** The 32-bit value of attribute {@code type} among the attributes in {@code b[at, end)}; 0 if absent. */
    private static int u32Attribute(ByteBuffer b, int at, int end, int type) {
        while (at + 4 <= end) {
            int alen = b.getShort(at) & 0xffff;
            if (alen < 4 || at + alen > end) {
                break;
            }
            if ((b.getShort(at + 2) & 0x3fff) == type && alen >= 8) {
                return b.getInt(at + 4);
            }
            at += (alen + 3) & ~3;
        }
        return 0;
    }
}
