package dev.wgdesk.platform.linux;

/**
 * One open UDP socket of a {@link LinuxBind}: the guarded descriptor, its address family, the
 * bound port, whether UDP segmentation offload still works on it and whether receive
 * coalescing is on. Replaced as a whole when
 * the bind is re-opened.
 */
final class UdpSocket {
    private final PolledFd fd;
    private final int family;
    private final int port;
    private final boolean gro;
    private volatile boolean gso;

    UdpSocket(PolledFd fd, int family, int port, boolean gso, boolean gro) {
        this.fd = fd;
        this.family = family;
        this.port = port;
        this.gso = gso;
        this.gro = gro;
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
