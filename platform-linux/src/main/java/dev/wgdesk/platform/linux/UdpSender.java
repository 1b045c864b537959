package dev.wgdesk.platform.linux;

import java.io.IOException;
import java.net.InetSocketAddress;
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

    private final int batch;
    private final NativeBuffer data;
    private final MessageVector vector;
    private final NativeBuffer names = new NativeBuffer(DESTINATIONS * MessageVector.NAME_SLOT);
    private final InetSocketAddress[] encoded = new InetSocketAddress[DESTINATIONS];
    private final int[] encodedFamily = new int[DESTINATIONS];
    private final int[] encodedLength = new int[DESTINATIONS];
    private final byte[] mostRecent = new byte[DESTINATIONS / 2]; // per set: the way used last
    /** A msghdr, its iovec and a control buffer holding one UDP_SEGMENT cmsg. */
    private final NativeBuffer gsoMessage = new NativeBuffer(MessageVector.MSGHDR_SIZE + MessageVector.IOVEC_SIZE + CMSG_SPACE_U16);

    UdpSender(int batch) {
        this.batch = batch;
        this.data = new NativeBuffer(batch * LinuxBind.MAX_DATAGRAM, false);
        this.vector = new MessageVector(batch, data);
        ByteBuffer m = gsoMessage.view();
        long base = gsoMessage.address();
        int iov = MessageVector.MSGHDR_SIZE;
        int cmsg = iov + MessageVector.IOVEC_SIZE;
        m.putLong(MessageVector.MSG_IOV, base + iov);
        m.putLong(MessageVector.MSG_IOVLEN, 1);
        m.putLong(MessageVector.MSG_CONTROL, base + cmsg);
        m.putLong(MessageVector.MSG_CONTROLLEN, CMSG_SPACE_U16);
        m.putLong(iov, data.address());
        m.putLong(cmsg, CMSG_LEN_U16); // struct cmsghdr: size_t len; int level; int type; data
        m.putInt(cmsg + 8, SOL_UDP);
        m.putInt(cmsg + 12, UDP_SEGMENT);
    }

    /** Sends {@code bufs[0, count)} to {@code to}; each buffer's position ends at its limit. */
    void send(UdpSocket s, ByteBuffer[] bufs, int count, InetSocketAddress to) throws IOException {
        int slot = destination(to, s.family());
        long name = names.address() + (long) slot * MessageVector.NAME_SLOT;
        int nameLength = encodedLength[slot];
        int i = 0;
        while (i < count) {
            int left = count - i;
            int sent = 0;
            if (batch > 1 && left > 1 && s.gso()) {
                sent = sendSegmented(s, bufs, i, Math.min(Math.min(batch, left), MAX_SEGMENTS), name, nameLength, to);
            }
            if (sent == 0) {
                sent = batch == 1 || left == 1
                        ? sendOne(s, bufs[i], name, nameLength, to)
                        : sendMany(s, bufs, i, Math.min(batch, left), name, nameLength, to);
            }
            i += sent;
        }
    }

    /**
     * The slot holding {@code to} encoded for {@code family}, encoding it on a miss. Two-way set
     * associative, keyed by identity: an engine that keeps one endpoint object per peer never
     * encodes (and so never allocates) twice, even when two peers share a set.
     */
    private int destination(InetSocketAddress to, int family) throws IOException {
        int base = System.identityHashCode(to) & (DESTINATIONS - 2);
        for (int slot = base; slot < base + 2; slot++) {
            if (encoded[slot] == to && encodedFamily[slot] == family) {
                mostRecent[base >>> 1] = (byte) (slot - base);
                return slot;
            }
        }
        int slot = base + (1 - mostRecent[base >>> 1]);
        encodedLength[slot] = SockAddr.encode(to, family, names.view(), slot * MessageVector.NAME_SLOT);
        encodedFamily[slot] = family;
        encoded[slot] = to;
        mostRecent[base >>> 1] = (byte) (slot - base);
        return slot;
    }

    private int sendOne(UdpSocket s, ByteBuffer b, long name, int nameLength, InetSocketAddress to) throws IOException {
        int len = b.remaining();
        checkSize(len, to);
        data.view().put(0, b, b.position(), len);
        while (true) {
            long r = LibC.sendto(s.fd().fd(), data.address(), len, 0, name, nameLength);
            if (r >= 0 || dropAfter(s, to)) {
                b.position(b.limit());
                return 1;
            }
        }
    }

    /** Sends bufs[from, from + n) with one sendmmsg; returns how many went out (at least 1). */
    private int sendMany(UdpSocket s, ByteBuffer[] bufs, int from, int n, long name, int nameLength,
            InetSocketAddress to) throws IOException {
        for (int k = 0; k < n; k++) {
            ByteBuffer b = bufs[from + k];
            int len = b.remaining();
            checkSize(len, to);
            data.view().put(k * LinuxBind.MAX_DATAGRAM, b, b.position(), len);
            vector.prepareSend(k, len, name, nameLength);
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
    private int sendSegmented(UdpSocket s, ByteBuffer[] bufs, int from, int max, long name, int nameLength,
            InetSocketAddress to) throws IOException {
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
        m.putShort(MessageVector.MSGHDR_SIZE + MessageVector.IOVEC_SIZE + 16, (short) segment);
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
     * After a failed send: returns false to retry (EINTR), true if the datagram should count as
     * lost (ENOBUFS: a full device queue), or throws.
     */
    private static boolean dropAfter(UdpSocket s, InetSocketAddress to) throws IOException {
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
        throw Errno.exception("send to " + to + " from UDP port " + s.port(), errno);
    }

    private static void checkSize(int len, InetSocketAddress to) throws IOException {
        if (len > LinuxBind.MAX_DATAGRAM - 1) {
            throw new IOException("datagram of " + len + " bytes to " + to + " is too large");
        }
    }
}
