package dev.wgdesk.platform.linux;

/**
 * One open UDP socket of a {@link LinuxBind}: the guarded descriptor, its address family, the
 * bound port, whether UDP segmentation offload still works on it, whether receive coalescing is
 * on and whether the kernel reports each datagram's local address (sticky sources). Replaced as
 * a whole when the bind is re-opened.
 */
final class UdpSocket {
    private final PolledFd fd;
    private final int family;
    private final int port;
    private final boolean gro;
    private final boolean sticky;
    private final RouteWatch routes;
    private volatile boolean gso;

    UdpSocket(PolledFd fd, int family, int port, boolean gso, boolean gro, boolean sticky, RouteWatch routes) {
        this.fd = fd;
        this.family = family;
        this.port = port;
        this.gso = gso;
        this.gro = gro;
        this.sticky = sticky;
        this.routes = routes;
    }

    /** The watch over routing changes that re-checks IPv4 sticky sources, or null if there is none. */
    RouteWatch routes() {
        return routes;
    }

    /** Closes the descriptor and the route watch. */
    void close() {
        fd.close();
        if (routes != null) {
            routes.close();
        }
    }

    /** True if receives report local addresses ({@code IP_PKTINFO}/{@code IPV6_RECVPKTINFO}) and sends may choose one. */
    boolean sticky() {
        return sticky;
    }

    /** True if {@code UDP_GRO} is on: receives may return coalesced datagrams with a cmsg. */
    boolean gro() {
        return gro;
    }

    PolledFd fd() {
        return fd;
    }

    int family() {
        return family;
    }

    int port() {
        return port;
    }

    /** True while sends may use {@code UDP_SEGMENT}. */
    boolean gso() {
        return gso;
    }

    /** After the kernel refused a segmented send (no checksum offload on the route, say). */
    void disableGso() {
        gso = false;
    }
}
