package dev.wgdesk.platform.linux;

import java.io.IOException;
import dev.wgdesk.engine.conn.StaleSourceException;
import dev.wgdesk.engine.conn.UdpEndpoint;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;

/**
 * One sending thread's state for a {@link LinuxBind}: native data and message buffers, and the
 * encoded destinations it sent to recently, so that a send allocates nothing.
 *
 * <p>A batch to one destination goes out, in order of preference, as one {@code sendmsg} with
 * {@code UDP_SEGMENT} (generic segmentation offload: the kernel walks its stack once for the
 * whole batch and cuts it into datagrams as late as possible), as one {@code sendmmsg}, or as one
 * {@code sendto} per datagram. Segmentation needs equal-sized datagrams (the last may be
 * shorter); runs that break the pattern fall back to {@code sendmmsg}. Not thread-safe.
 *
 * <p>An endpoint with a sticky source is sent with a packet-information control message
 * ({@code IP_PKTINFO} with {@code ipi_spec_dst}, or {@code IPV6_PKTINFO}), encoded once per
 * endpoint object alongside its address. If the kernel refuses that source the send stops with
 * a {@link StaleSourceException}; datagrams sent before it have their position at their limit.
 */
final class UdpSender {
    private static final int DESTINATIONS = 64; // power of two
    private static final int SOL_UDP = 17;
    private static final int UDP_SEGMENT = 103;
    /** UDP_MAX_SEGMENTS on kernels before 6.9 (128 since). */
    static final int MAX_SEGMENTS = 64;
    /** A segmented send carries at most one maximal UDP payload. */
    private static final int MAX_GSO_BYTES = 65000;
    private static final int CMSG_SPACE_U16 = 24; // CMSG_SPACE(sizeof(uint16_t)) on LP64
    private static final int CMSG_LEN_U16 = 18;
    /** Room for one packet-information control message: CMSG_SPACE(sizeof(struct in6_pktinfo)). */
    static final int CONTROL_SLOT = 40;
    private static final int IN_PKTINFO_LEN = MessageVector.CMSG_HEADER + 12; // CMSG_LEN(12)
    private static final int IN_PKTINFO_SPACE = 32;
    private static final int IN6_PKTINFO_LEN = MessageVector.CMSG_HEADER + 20; // CMSG_LEN(20)
    private static final int IN6_PKTINFO_SPACE = 40;

    private final int batch;
    private final NativeBuffer data;
    private final MessageVector vector;
    private final NativeBuffer names = new NativeBuffer(DESTINATIONS * MessageVector.NAME_SLOT);
    private final NativeBuffer controls = new NativeBuffer(DESTINATIONS * CONTROL_SLOT);
    private final UdpEndpoint[] encoded = new UdpEndpoint[DESTINATIONS];
    private final int[] encodedFamily = new int[DESTINATIONS];
    private final int[] encodedLength = new int[DESTINATIONS];
    private final int[] controlLength = new int[DESTINATIONS]; // 0: no source
    /** The route-watch generation at which the slot's IPv4 source was last found still right; -1: never. */
    private final long[] checkedGeneration = new long[DESTINATIONS];
    private final int[] checkedInterface = new int[DESTINATIONS]; // what the route took at that check
    private final byte[] mostRecent = new byte[DESTINATIONS / 2]; // per set: the way used last
    /** A msghdr, its iovec and a control buffer: one UDP_SEGMENT cmsg, then room for a packet-information one. */
    private final NativeBuffer gsoMessage = new NativeBuffer(
            MessageVector.MSGHDR_SIZE + MessageVector.IOVEC_SIZE + CMSG_SPACE_U16 + CONTROL_SLOT);
    private final int gsoControl = MessageVector.MSGHDR_SIZE + MessageVector.IOVEC_SIZE;

    /* The destination of the send in progress (set by send, read by the helpers). */
    private long name;
    private int nameLength;
    private long control;
    private int controlBytes;

    UdpSender(int batch) {
        this.batch = batch;
        this.data = new NativeBuffer(batch * LinuxBind.MAX_DATAGRAM, false);
        this.vector = new MessageVector(batch, data);
        ByteBuffer m = gsoMessage.view();
        long base = gsoMessage.address();
        int iov = MessageVector.MSGHDR_SIZE;
        m.putLong(MessageVector.MSG_IOV, base + iov);
        m.putLong(MessageVector.MSG_IOVLEN, 1);
        m.putLong(MessageVector.MSG_CONTROL, base + gsoControl);
        m.putLong(MessageVector.MSG_CONTROLLEN, CMSG_SPACE_U16);
        m.putLong(iov, data.address());
        m.putLong(gsoControl, CMSG_LEN_U16); // struct cmsghdr: size_t len; int level; int type; data
        m.putInt(gsoControl + 8, SOL_UDP);
        m.putInt(gsoControl + 12, UDP_SEGMENT);
    }

    /** Sends {@code bufs[0, count)} to {@code to}; each buffer's position ends at its limit. */
    void send(UdpSocket s, ByteBuffer[] bufs, int count, UdpEndpoint to) throws IOException {
        int slot = destination(to, s.family());
        name = names.address() + (long) slot * MessageVector.NAME_SLOT;
        nameLength = encodedLength[slot];
        controlBytes = s.sticky() ? controlLength[slot] : 0;
        control = controls.address() + (long) slot * CONTROL_SLOT;
        if (controlBytes != 0 && to.sourceInterface() != 0 && to.source() instanceof Inet4Address src) {
            checkRoute(s, slot, to, src);
        }
        int i = 0;
        while (i < count) {
            int left = count - i;
            int sent = 0;
            if (batch > 1 && left > 1 && s.gso()) {
                sent = sendSegmented(s, bufs, i, Math.min(Math.min(batch, left), MAX_SEGMENTS), to);
            }
            if (sent == 0) {
                sent = batch == 1 || left == 1
                        ? sendOne(s, bufs[i], to)
                        : sendMany(s, bufs, i, Math.min(batch, left), to);
            }
            i += sent;
        }
    }

    /**
     * Like the kernel's WireGuard (IPv4 only, as there): a source is only used while the route to
     * the peer still leaves through the interface its packets arrived on; otherwise it is stale.
     * Asked of the kernel once per endpoint and routing change.
     */
    private void checkRoute(UdpSocket s, int slot, UdpEndpoint to, Inet4Address src) throws IOException {
        RouteWatch routes = s.routes();
        if (routes == null) {
            return;
        }
        long generation = routes.generation();
        int oif;
        if (checkedGeneration[slot] == generation) {
            oif = checkedInterface[slot]; // asymmetric routing: refused again without asking
        } else if (to.remote().getAddress() instanceof Inet4Address dst) {
            oif = routes.outputInterface(dst, src);
            checkedInterface[slot] = oif;
            checkedGeneration[slot] = generation;
        } else {
            return;
        }
        if (oif != to.sourceInterface()) {
            throw new StaleSourceException(to, oif == RouteWatch.NO_ROUTE
                    ? "no route from it any more"
                    : "the route now leaves through interface " + oif + ", not " + to.sourceInterface());
        }
    }

    /**
     * The slot holding {@code to} encoded for {@code family}, encoding it on a miss. Two-way set
     * associative, keyed by identity: an engine that keeps one endpoint object per peer never
     * encodes (and so never allocates) twice, even when two peers share a set.
     */
    private int destination(UdpEndpoint to, int family) throws IOException {
        int base = System.identityHashCode(to) & (DESTINATIONS - 2);
        for (int slot = base; slot < base + 2; slot++) {
            if (encoded[slot] == to && encodedFamily[slot] == family) {
                mostRecent[base >>> 1] = (byte) (slot - base);
                return slot;
            }
        }
        int slot = base + (1 - mostRecent[base >>> 1]);
        encoded[slot] = null; // until both parts are encoded
        encodedLength[slot] = SockAddr.encode(to.remote(), family, names.view(), slot * MessageVector.NAME_SLOT);
        controlLength[slot] = encodeSource(to, family, controls.view(), slot * CONTROL_SLOT);
        checkedGeneration[slot] = -1;
        encodedFamily[slot] = family;
        encoded[slot] = to;
        mostRecent[base >>> 1] = (byte) (slot - base);
        return slot;
    }

    /**
     * Writes the packet-information control message that makes the kernel send from
     * {@code to.source()}; returns its length, 0 if the endpoint has no source. The interface is
     * left to routing (0), except for an IPv6 link-local source, which is only meaningful on its
     * own link.
     */
    static int encodeSource(UdpEndpoint to, int family, ByteBuffer view, int off) {
        InetAddress src = to.source();
        if (src == null) {
            return 0;
        }
        for (int k = 0; k < CONTROL_SLOT; k++) {
            view.put(off + k, (byte) 0);
        }
        if (src instanceof Inet4Address) {
            // struct in_pktinfo { int ipi_ifindex; struct in_addr ipi_spec_dst; struct in_addr ipi_addr; }
            // SOL_IP cmsgs are honoured on dual-stack sockets for IPv4-mapped destinations too.
            view.putLong(off, IN_PKTINFO_LEN);
            view.putInt(off + 8, MessageVector.SOL_IP);
            view.putInt(off + 12, MessageVector.IP_PKTINFO);
            view.put(off + MessageVector.CMSG_HEADER + 4, src.getAddress());
            return IN_PKTINFO_SPACE;
        }
        if (family != SockAddr.AF_INET6) {
            return 0; // cannot happen: IPv6 endpoints fail to encode on an IPv4 socket first
        }
        // struct in6_pktinfo { struct in6_addr ipi6_addr; int ipi6_ifindex; }
        view.putLong(off, IN6_PKTINFO_LEN);
        view.putInt(off + 8, MessageVector.SOL_IPV6);
        view.putInt(off + 12, MessageVector.IPV6_PKTINFO);
        view.put(off + MessageVector.CMSG_HEADER, src.getAddress());
        if (src.isLinkLocalAddress()) {
            int scope = ((Inet6Address) src).getScopeId();
            view.putInt(off + MessageVector.CMSG_HEADER + 16, scope != 0 ? scope : to.sourceInterface());
        }
        return IN6_PKTINFO_SPACE;
    }

    private int sendOne(UdpSocket s, ByteBuffer b, UdpEndpoint to) throws IOException {
        int len = b.remaining();
        checkSize(len, to);
        data.view().put(0, b, b.position(), len);
        if (controlBytes != 0) {
            vector.prepareSend(0, len, name, nameLength, control, controlBytes);
        }
        while (true) {
            long r = controlBytes == 0
                    ? LibC.sendto(s.fd().fd(), data.address(), len, 0, name, nameLength)
                    : LibC.sendmsg(s.fd().fd(), vector.address(), 0);
            if (r >= 0 || dropAfter(s, to)) {
                b.position(b.limit());
                return 1;
            }
        }
    }

    /** Sends bufs[from, from + n) with one sendmmsg; returns how many went out (at least 1). */
    private int sendMany(UdpSocket s, ByteBuffer[] bufs, int from, int n, UdpEndpoint to) throws IOException {
        for (int k = 0; k < n; k++) {
            ByteBuffer b = bufs[from + k];
            int len = b.remaining();
            checkSize(len, to);
            data.view().put(k * LinuxBind.MAX_DATAGRAM, b, b.position(), len);
            vector.prepareSend(k, len, name, nameLength, control, controlBytes);
        }
        while (true) {
            int sent = LibC.sendmmsg(s.fd().fd(), vector.address(), n, 0);
            if (sent <= 0 && dropAfter(s, to)) {
                sent = 1; // the first datagram was dropped
            }
            if (sent > 0) {
                consume(bufs, from, sent);
                return sent;
            }
        }
    }

    /**
     * Sends the longest run from {@code bufs[from]} that segmentation can carry (equal sizes, the
     * last possibly shorter) as one {@code sendmsg} with {@code UDP_SEGMENT}. Returns how many
     * datagrams went out, or 0 if the run is shorter than two or the kernel refused (then
     * segmentation is switched off for this socket).
     */
    private int sendSegmented(UdpSocket s, ByteBuffer[] bufs, int from, int max, UdpEndpoint to) throws IOException {
        int segment = bufs[from].remaining();
        if (segment == 0) {
            return 0;
        }
        int n = 0;
        int total = 0;
        while (n < max) {
            int len = bufs[from + n].remaining();
            if (len > segment || len == 0 || total + len > MAX_GSO_BYTES) {
                break;
            }
            data.view().put(total, bufs[from + n], bufs[from + n].position(), len);
            total += len;
            n++;
            if (len < segment) {
                break; // only the last may be shorter
            }
        }
        if (n < 2) {
            return 0;
        }
        ByteBuffer m = gsoMessage.view();
        m.putLong(MessageVector.MSG_NAME, name);
        m.putInt(MessageVector.MSG_NAMELEN, nameLength);
        m.putLong(MessageVector.MSGHDR_SIZE + 8, total); // iov_len
        m.putShort(gsoControl + 16, (short) segment);
        if (controlBytes != 0) {
            m.put(gsoControl + CMSG_SPACE_U16, controls.view(), (int) (control - controls.address()), controlBytes);
        }
        m.putLong(MessageVector.MSG_CONTROLLEN, CMSG_SPACE_U16 + controlBytes);
        while (true) {
            long r = LibC.sendmsg(s.fd().fd(), gsoMessage.address(), 0);
            if (r >= 0) {
                consume(bufs, from, n);
                return n;
            }
            int errno = LibC.errno();
            if (s.fd().isClosed()) {
                throw new AsynchronousCloseException();
            }
            if (controlBytes != 0 && isStaleSource(errno)) {
                // Most likely the source, not segmentation: let the engine retry without it (if
                // segmentation was the problem after all, that retry switches it off).
                throw new StaleSourceException(to, Errno.describe(errno));
            }
            if (errno == Errno.EIO || errno == Errno.EINVAL || errno == Errno.EOPNOTSUPP) {
                s.disableGso(); // e.g. no checksum offload towards this route: plain sends from now on
                return 0;
            }
            if (errno == Errno.ENOBUFS) {
                consume(bufs, from, n); // lost, as a full queue loses datagrams
                return n;
            }
            if (errno != Errno.EINTR && errno != Errno.EAGAIN) {
                throw Errno.exception("send to " + to + " from UDP port " + s.port(), errno);
            }
        }
    }

    private static void consume(ByteBuffer[] bufs, int from, int n) {
        for (int k = 0; k < n; k++) {
            ByteBuffer b = bufs[from + k];
            b.position(b.limit());
        }
    }

    /**
     * The errors with which the kernel refuses a source address that is not (or no longer) ours:
     * IPv4 routing fails with {@code ENETUNREACH} (older kernels: {@code EINVAL}) for a source
     * that is no local address, IPv6 rejects the {@code IPV6_PKTINFO} with {@code EINVAL}. A
     * destination that is unreachable whatever the source fails again on the retry without it.
     */
    private static boolean isStaleSource(int errno) {
        return errno == Errno.EINVAL || errno == Errno.EADDRNOTAVAIL || errno == Errno.ENETUNREACH
                || errno == Errno.ENODEV;
    }

    /**
     * After a failed send: returns false to retry (EINTR), true if the datagram should count as
     * lost (ENOBUFS: a full device queue), or throws ({@link StaleSourceException} if the kernel
     * refused the endpoint's source).
     */
    private boolean dropAfter(UdpSocket s, UdpEndpoint to) throws IOException {
        int errno = LibC.errno();
        if (s.fd().isClosed()) {
            throw new AsynchronousCloseException();
        }
        if (errno == Errno.ENOBUFS) {
            return true;
        }
        if (errno == Errno.EINTR || errno == Errno.EAGAIN) {
            return false;
        }
        if (controlBytes != 0 && isStaleSource(errno)) {
            throw new StaleSourceException(to, Errno.describe(errno));
        }
        throw Errno.exception("send to " + to + " from UDP port " + s.port(), errno);
    }

    private static void checkSize(int len, UdpEndpoint to) throws IOException {
        if (len > LinuxBind.MAX_DATAGRAM - 1) {
            throw new IOException("datagram of " + len + " bytes to " + to + " is too large");
        }
    }
}
