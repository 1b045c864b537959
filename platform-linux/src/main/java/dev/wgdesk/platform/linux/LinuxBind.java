package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.SockAddr.SOCK_DGRAM;
import static dev.wgdesk.platform.linux.SockAddr.SOCK_CLOEXEC;
import static dev.wgdesk.platform.linux.SockAddr.SOL_SOCKET;
import static dev.wgdesk.platform.linux.SockAddr.SO_RCVBUF;
import java.lang.ref.Reference;
import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.Bind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Linux {@link Bind}: one dual-stack UDP socket of its own, created and driven through JNA,
 * so that the descriptor is at hand for {@code SO_MARK} and forced buffer sizes.
 *
 * <p><b>Socket.</b> {@code AF_INET6} with {@code IPV6_V6ONLY} off serves IPv4 (as IPv4-mapped)
 * and IPv6 endpoints on one port; on a host without IPv6 it falls back to {@code AF_INET}.
 * Buffers are {@link Protocol#SOCKET_BUFFER_SIZE} with {@code SO_RCVBUFFORCE}/{@code SO_SNDBUFFORCE}
 * when privileged, else the plain options (capped by {@code net.core.[rw]mem_max}).
 *
 * <p><b>Data path.</b> The socket is blocking: a receive is one {@code recvfrom} (or, with a
 * {@link #batchSize()} above 1, one {@code recvmmsg} with {@code MSG_WAITFORONE}) that waits in
 * the kernel, so an idle receiver costs one system call per datagram too. {@link #close()}
 * unblocks it with {@code shutdown(SHUT_RDWR)}, which wakes blocked socket calls even on an
 * unconnected UDP socket, before the descriptor is closed. Datagrams land in native memory
 * and are copied into the caller's buffers; sources are resolved through a {@link SourceCache}
 * and IPv4-mapped sources come out as plain IPv4. Sends copy into a per-thread native buffer and
 * call {@code sendto} (or {@code sendmmsg}); destinations are encoded once per thread and
 * endpoint object; optionally a batch of equal-sized datagrams goes out as one segmented send
 * ({@link UdpSender}), and with {@code UDP_GRO} the kernel may deliver a run of datagrams as one
 * coalesced buffer that is split again here (leftovers wait for the next receive). In steady
 * state neither direction allocates.
 *
 * <p><b>Sticky sources.</b> With {@code IP_PKTINFO} and {@code IPV6_RECVPKTINFO} on, the kernel
 * reports the local address and interface of every datagram; the {@link UdpEndpoint} a receive
 * returns carries them (receives then use {@code recvmsg}/{@code recvmmsg} with a control buffer
 * instead of {@code recvfrom}). A send to an endpoint with a source carries an
 * {@code IP_PKTINFO} ({@code ipi_spec_dst}) or {@code IPV6_PKTINFO} control message, so the
 * datagram leaves from that address, whichever route it takes: like the kernel's WireGuard, the
 * outgoing interface is not pinned (only an IPv6 link-local source names its interface). When the
 * kernel refuses the source ({@code EINVAL}, {@code EADDRNOTAVAIL}: the address is gone) the send
 * throws {@link dev.wgdesk.engine.conn.StaleSourceException} and the engine retries without it.
 *
 * <p><b>Threading.</b> Receives are serialized (one receiving thread is expected); any number of
 * threads may send; {@link #open}, {@link #setMark} and {@link #close} may be called from any
 * thread. Re-opening closes the previous socket, waking a receiver blocked on it.
 */
public final class LinuxBind implements Bind {
    /** Native space per datagram: more than the largest UDP payload. */
    static final int MAX_DATAGRAM = 65536;

    private static final int SO_SNDBUF = 7;
    private static final int SO_SNDBUFFORCE = 32;
    private static final int SO_RCVBUFFORCE = 33;
    static final int SO_MARK = 36;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int MSG_WAITFORONE = 0x10000;
    private static final int SOL_UDP = 17;
    private static final int UDP_GRO = 104;
    private static final int IPPROTO_IP = 0;
    private static final int IP_PKTINFO = 8;
    private static final int IPV6_RECVPKTINFO = 49;

    private final int batchSize;
    private final boolean gso;
    private final boolean gro;
    private volatile UdpSocket socket;
    private volatile int mark;

    private final ReentrantLock receiveLock = new ReentrantLock();
    // Guarded by receiveLock:
    private final SourceCache sources = new SourceCache();
    private final NativeBuffer receiveData;
    private final MessageVector receiveVector;
    private UdpSocket pendingSocket; // the socket the slots below were filled from
    private int pendingSlot; // next slot to emit from
    private int pendingOffset; // next segment's offset in that slot
    private int pendingEnd; // slots filled by the last receive
    private volatile long coalesced; // written under receiveLock, read without it (diagnostics)

    private final ThreadLocal<UdpSender> senders;

    /** A bind using {@code recvfrom}/{@code sendto}, one datagram per call. */
    public LinuxBind() {
        this(1, false);
    }

    /**
     * A bind that receives and sends up to {@code batchSize} datagrams per system call with
     * {@code recvmmsg}/{@code sendmmsg} (1 means {@code recvfrom}/{@code sendto}), without
     * segmentation offload.
     */
    public LinuxBind(int batchSize) {
        this(batchSize, false);
    }

    /** As {@link #LinuxBind(int, boolean, boolean)} with both offloads on or off. */
    public LinuxBind(int batchSize, boolean offload) {
        this(batchSize, offload, offload);
    }

    /**
     * A bind with explicit batching and offloads.
     *
     * @param batchSize datagrams per system call, 1..256
     * @param gso send batches of equal-sized datagrams as one {@code sendmsg} with
     *     {@code UDP_SEGMENT} where the kernel accepts it (the socket falls back to
     *     {@code sendmmsg} for good on the first refusal); needs a batch size above 1
     * @param gro set {@code UDP_GRO}, so the kernel may hand over runs of equal-sized datagrams
     *     from one source as one coalesced buffer, which the bind splits again
     */
    public LinuxBind(int batchSize, boolean gso, boolean gro) {
        if (batchSize < 1 || batchSize > 256) {
            throw new IllegalArgumentException("batch size must be 1..256, not " + batchSize);
        }
        LibC.ensureAvailable();
        this.batchSize = batchSize;
        this.gso = gso && batchSize > 1;
        this.gro = gro;
        this.receiveData = new NativeBuffer(batchSize * MAX_DATAGRAM, false);
        this.receiveVector = new MessageVector(batchSize, receiveData);
        this.senders = ThreadLocal.withInitial(() -> new UdpSender(batchSize));
    }

    @Override
    public synchronized int open(int requestedPort) throws IOException {
        if (requestedPort < 0 || requestedPort > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + requestedPort);
        }
        closeSocket();
        int family = SockAddr.AF_INET6;
        int fd = LibC.socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 && LibC.errno() == Errno.EAFNOSUPPORT) {
            family = SockAddr.AF_INET;
            fd = LibC.socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        }
        if (fd < 0) {
            throw Errno.exception("socket", LibC.errno());
        }
        PolledFd polled = new PolledFd(fd, /* shutdownOnClose = */ true);
        try {
            configure(fd, family);
            bind(fd, family, requestedPort);
            boolean groOn = gro && setIntErrno(fd, SOL_UDP, UDP_GRO, 1) == 0; // before 5.0: not supported
            boolean sticky = enablePacketInfo(fd, family);
            socket = new UdpSocket(polled, family, localPort(fd), gso, groOn, sticky, sticky ? watchRoutes() : null);
        } catch (IOException | RuntimeException e) {
            polled.close();
            throw e;
        }
        return socket.port();
    }

    private void configure(int fd, int family) throws IOException {
        if (family == SockAddr.AF_INET6) {
            setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
        }
        if (setIntErrno(fd, SOL_SOCKET, SO_RCVBUFFORCE, Protocol.SOCKET_BUFFER_SIZE) != 0) {
            setIntErrno(fd, SOL_SOCKET, SO_RCVBUF, Protocol.SOCKET_BUFFER_SIZE); // best effort
        }
        if (setIntErrno(fd, SOL_SOCKET, SO_SNDBUFFORCE, Protocol.SOCKET_BUFFER_SIZE) != 0) {
            setIntErrno(fd, SOL_SOCKET, SO_SNDBUF, Protocol.SOCKET_BUFFER_SIZE);
        }
        int m = mark;
        if (m != 0) {
            applyMark(fd, m);
        }
    }

    /**
     * Asks the kernel to report each datagram's local address: {@code IP_PKTINFO} (IPv4, also for
     * IPv4-mapped datagrams on a dual-stack socket) and {@code IPV6_RECVPKTINFO}. Returns false,
     * leaving sticky sources off, if the kernel refuses.
     */
    private static boolean enablePacketInfo(int fd, int family) {
        boolean v4 = setIntErrno(fd, IPPROTO_IP, IP_PKTINFO, 1) == 0;
        if (family == SockAddr.AF_INET6) {
            return setIntErrno(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) == 0 && v4;
        }
        return v4;
    }

    /** Starts the route watch for this socket's namespace, or returns null (sources then follow routing changes only through the engine's timers). */
    private RouteWatch watchRoutes() {
        try {
            RouteWatch w = RouteWatch.open();
            w.setMark(mark);
            return w;
        } catch (IOException e) {
            System.getLogger(LinuxBind.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot watch routing changes: " + e.getMessage());
            return null;
        }
    }

    private static void bind(int fd, int family, int port) throws IOException {
        NativeBuffer addr = new NativeBuffer(SockAddr.SOCKADDR_IN6_SIZE);
        addr.view().putShort(0, (short) family);
        SockAddr.putPort(addr.view(), 2, port); // the wildcard address is all zeros
        int len = family == SockAddr.AF_INET6 ? SockAddr.SOCKADDR_IN6_SIZE : SockAddr.SOCKADDR_IN_SIZE;
        int r = LibC.bind(fd, addr.address(), len);
        int errno = r == 0 ? 0 : LibC.errno();
        Reference.reachabilityFence(addr); // the memory must outlive the native call
        if (r == 0) {
            return;
        }
        if (errno == Errno.EADDRINUSE) {
            throw new BindException("UDP port " + port + " is already in use");
        }
        if (errno == Errno.EACCES || errno == Errno.EPERM) {
            throw new BindException("permission denied binding UDP port " + port);
        }
        throw new BindException("cannot bind UDP port " + port + ": " + Errno.describe(errno));
    }

    private static int localPort(int fd) throws IOException {
        NativeBuffer addr = new NativeBuffer(SockAddr.SOCKADDR_IN6_SIZE + 4);
        addr.view().putInt(SockAddr.SOCKADDR_IN6_SIZE, SockAddr.SOCKADDR_IN6_SIZE);
        try {
            if (LibC.getsockname(fd, addr.address(), addr.address() + SockAddr.SOCKADDR_IN6_SIZE) < 0) {
                throw Errno.exception("getsockname", LibC.errno());
            }
            return SockAddr.getPort(addr.view(), 2);
        } finally {
            Reference.reachabilityFence(addr);
        }
    }

    @Override
    public int port() {
        UdpSocket s = socket;
        return s == null ? 0 : s.port();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /** True while the open socket reports local addresses and honours endpoint sources. */
    @Override
    public boolean supportsStickySource() {
        UdpSocket s = socket;
        return s != null && s.sticky();
    }

    @Override
    public int receive(ByteBuffer[] bufs, UdpEndpoint[] from, int count) throws IOException {
        int max = Math.min(Math.min(count, bufs.length), Math.min(from.length, batchSize));
        if (max < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        UdpSocket s = open();
        receiveLock.lock();
        try {
            s.fd().enter();
            try {
                return receiveLocked(s, bufs, from, max);
            } finally {
                s.fd().exit();
            }
        } finally {
            receiveLock.unlock();
        }
    }

    /** Must hold receiveLock and be inside s.fd().enter(). Blocks in the kernel. */
    private int receiveLocked(UdpSocket s, ByteBuffer[] bufs, UdpEndpoint[] from, int max) throws IOException {
        if (pendingSocket != s) {
            pendingSocket = s;
            pendingSlot = pendingEnd = 0;
        }
        while (true) {
            if (pendingSlot < pendingEnd) { // segments left over from a coalesced receive
                int n = emitSegments(s, bufs, from, max);
                if (n > 0) {
                    return n;
                }
                continue;
            }
            int got = receiveBatch(s, bufs, max);
            if (s.fd().isClosed()) {
                throw new AsynchronousCloseException(); // shut down by close(): recv returned 0 or failed
            }
            if (got < 0) {
                int errno = LibC.errno();
                if (errno != Errno.EINTR && errno != Errno.EAGAIN) {
                    throw Errno.exception("receive on UDP port " + s.port(), errno);
                }
                continue;
            }
            pendingSlot = 0;
            pendingOffset = 0;
            pendingEnd = got;
            if (s.gro()) {
                for (int i = 0; i < got; i++) {
                    if (receiveVector.groSegment(i) > 0) {
                        coalesced = coalesced + 1; // single writer (receiveLock)
                    }
                }
            }
        }
    }

    /** One recvfrom, recvmsg or recvmmsg; returns the number of slots filled, or -1 with errno set. */
    private int receiveBatch(UdpSocket s, ByteBuffer[] bufs, int max) {
        MessageVector v = receiveVector;
        boolean control = s.gro() || s.sticky();
        if (max == 1 && !control) {
            v.prepareName(0);
            long r = LibC.recvfrom(s.fd().fd(), v.data(0), MAX_DATAGRAM, 0, v.name(0), v.nameLengthAddress(0));
            if (r < 0) {
                return -1;
            }
            v.setLength(0, (int) r);
            v.setFlags(0, 0);
            return 1;
        }
        for (int i = 0; i < max; i++) {
            // Coalesced datagrams need the whole slot; single ones only the caller's room.
            int space = s.gro() ? MAX_DATAGRAM : Math.min(MAX_DATAGRAM, bufs[i].capacity() - bufs[i].position());
            v.prepareReceive(i, space, control);
        }
        if (max == 1) { // an mmsghdr starts with its msghdr
            long r = LibC.recvmsg(s.fd().fd(), v.address(), 0);
            if (r < 0) {
                return -1;
            }
            v.setLength(0, (int) r);
            return 1;
        }
        return LibC.recvmmsg(s.fd().fd(), v.address(), max, MSG_WAITFORONE, 0);
    }

    /**
     * Copies datagrams from the filled slots into the caller's buffers, splitting coalesced ones
     * at their segment size, until {@code max} buffers are used or the slots are drained. What
     * does not fit stays pending for the next call. Drops empty, truncated and oversized ones.
     */
    private int emitSegments(UdpSocket s, ByteBuffer[] bufs, UdpEndpoint[] from, int max) throws IOException {
        MessageVector v = receiveVector;
        int n = 0;
        while (n < max && pendingSlot < pendingEnd) {
            int i = pendingSlot;
            int length = v.length(i);
            int segment = v.groSegment(i);
            if (segment <= 0 || segment > length) {
                segment = length;
            }
            if (length == 0 || v.truncated(i)) {
                pendingSlot++;
                pendingOffset = 0;
                continue;
            }
            int len = Math.min(segment, length - pendingOffset);
            ByteBuffer b = bufs[n];
            int pos = b.position();
            if (len <= b.capacity() - pos) { // else larger than the caller's buffer: dropped
                b.limit(pos + len); // first: absolute bulk puts are bounded by the limit
                b.put(pos, receiveData.view(), i * MAX_DATAGRAM + pendingOffset, len);
                boolean local = s.sticky() && v.parseLocal(i);
                from[n] = sources.lookup(v.view(), v.nameOffset(i), local, v.localHigh, v.localLow, v.localInterface);
                n++;
            }
            pendingOffset += len;
            if (pendingOffset >= length) {
                pendingSlot++;
                pendingOffset = 0;
            }
        }
        return n;
    }

    @Override
    public void send(ByteBuffer[] bufs, int count, UdpEndpoint to) throws IOException {
        if (count <= 0) {
            return;
        }
        UdpSocket s = open();
        UdpSender sender = senders.get();
        s.fd().enter();
        try {
            sender.send(s, bufs, count, to);
        } finally {
            s.fd().exit();
        }
    }

    @Override
    public synchronized void setMark(int mark) throws IOException {
        UdpSocket s = socket;
        if (s != null) {
            s.fd().enter();
            try {
                applyMark(s.fd().fd(), mark);
            } finally {
                s.fd().exit();
            }
            if (s.routes() != null) {
                s.routes().setMark(mark);
            }
        }
        this.mark = mark;
    }

    /** True if the open socket still sends with segmentation offload (tests, diagnostics). */
    boolean segmentationActive() {
        UdpSocket s = socket;
        return s != null && s.gso();
    }

    /** How many coalesced buffers ({@code UDP_GRO}) were received so far (tests, diagnostics). */
    long coalescedReceives() {
        return coalesced; // not under receiveLock: a blocked receiver holds it
    }

    /** The mark last set with {@link #setMark}. */
    public int mark() {
        return mark;
    }

    /** Reads an int socket option back from the kernel (tests: SO_MARK, buffer sizes). */
    int socketOption(int level, int option) throws IOException {
        UdpSocket s = open();
        s.fd().enter();
        try {
            NativeBuffer value = new NativeBuffer(8);
            value.view().putInt(4, 4);
            try {
                if (LibC.getsockopt(s.fd().fd(), level, option, value.address(), value.address() + 4) < 0) {
                    throw Errno.exception("getsockopt", LibC.errno());
                }
                return value.view().getInt(0);
            } finally {
                Reference.reachabilityFence(value);
            }
        } finally {
            s.fd().exit();
        }
    }

    private static void applyMark(int fd, int mark) throws IOException {
        int errno = setIntErrno(fd, SOL_SOCKET, SO_MARK, mark);
        if (errno == Errno.EPERM) {
            throw new IOException("permission denied: setting SO_MARK needs root, CAP_NET_ADMIN or CAP_NET_RAW");
        }
        if (errno != 0) {
            throw Errno.exception("setsockopt(SO_MARK)", errno);
        }
    }

    @Override
    public synchronized void close() {
        closeSocket();
    }

    private void closeSocket() {
        UdpSocket s = socket;
        socket = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "LinuxBind[port " + port() + ", batch " + batchSize + (gso ? ", gso" : "") + (gro ? ", gro" : "") + "]";
    }

    private UdpSocket open() throws ClosedChannelException {
        UdpSocket s = socket;
        if (s == null) {
            throw new ClosedChannelException();
        }
        return s;
    }

    private static void setInt(int fd, int level, int option, int value, String name) throws IOException {
        int errno = setIntErrno(fd, level, option, value);
        if (errno != 0) {
            throw Errno.exception("setsockopt(" + name + ")", errno);
        }
    }

    /** Returns 0 or the errno. */
    private static int setIntErrno(int fd, int level, int option, int value) {
        NativeBuffer v = new NativeBuffer(4);
        v.view().putInt(0, value);
        int errno = LibC.setsockopt(fd, level, option, v.address(), 4) < 0 ? LibC.errno() : 0;
        Reference.reachabilityFence(v); // the collector must not free it during the call
        return errno;
    }
}
