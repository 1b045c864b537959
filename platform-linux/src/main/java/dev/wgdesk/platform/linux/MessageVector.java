package dev.wgdesk.platform.linux;

import java.nio.ByteBuffer;

/**
 * {@code struct mmsghdr[n]} with one {@code iovec}, one name slot and one small control buffer
 * each, pointing into a data block of {@code n * LinuxBind.MAX_DATAGRAM} bytes. Also serves single
 * {@code recvfrom}/{@code recvmsg}/{@code sendto}/{@code sendmsg} through slot 0 (an
 * {@code mmsghdr} starts with its {@code msghdr}). Not thread-safe.
 *
 * <p>A receive's control buffer holds what the kernel reports: the {@code UDP_GRO} segment size
 * and the packet information ({@code IP_PKTINFO} and/or {@code IPV6_PKTINFO}: the local address a
 * datagram was sent to, and the interface it arrived on), parsed by {@link #groSegment} and
 * {@link #parseLocal} without allocating.
 */
final class MessageVector {
    // struct mmsghdr on LP64: msghdr (56 bytes) + msg_len + padding.
    static final int MMSGHDR_SIZE = 64;
    static final int MSGHDR_SIZE = 56;
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_CONTROL = 32;
    static final int MSG_CONTROLLEN = 40;
    static final int MSG_FLAGS = 48;
    static final int MSG_LEN = 56;
    static final int IOVEC_SIZE = 16;
    static final int NAME_SLOT = 32; // sockaddr_in6 (28) rounded up
    static final int MSG_TRUNC = 0x20;
    /**
     * Room for the control messages of one received datagram: UDP_GRO (CMSG_SPACE(4) = 24),
     * IP_PKTINFO (CMSG_SPACE(12) = 32) and IPV6_PKTINFO (CMSG_SPACE(20) = 40), rounded up.
     */
    static final int CONTROL_SLOT = 128;
    static final int CMSG_HEADER = 16; // struct cmsghdr on LP64: size_t len; int level; int type
    static final int SOL_IP = 0;
    static final int IP_PKTINFO = 8;
    static final int SOL_IPV6 = 41;
    static final int IPV6_PKTINFO = 50;
    private static final int SOL_UDP = 17;
    private static final int UDP_GRO = 104;

    /* The local address found by the last parseLocal: 16 bytes as two longs (IPv4 as ::ffff:a.b.c.d), interface. */
    long localHigh;
    long localLow;
    int localInterface;

    private final NativeBuffer meta;
    private final int iovs;
    private final int names;
    private final int nameLengths;
    private final int controls;

    MessageVector(int n, NativeBuffer data) {
        iovs = n * MMSGHDR_SIZE;
        names = iovs + n * IOVEC_SIZE;
        nameLengths = names + n * NAME_SLOT;
        controls = (nameLengths + n * 4 + 7) & ~7; // cmsghdr needs 8-byte alignment
        meta = new NativeBuffer(controls + n * CONTROL_SLOT);
        long base = meta.address();
        ByteBuffer m = meta.view();
        for (int i = 0; i < n; i++) {
            int h = i * MMSGHDR_SIZE;
            m.putLong(h + MSG_NAME, base + names + (long) i * NAME_SLOT);
            m.putLong(h + MSG_IOV, base + iovs + (long) i * IOVEC_SIZE);
            m.putLong(h + MSG_IOVLEN, 1);
            m.putLong(h + MSG_CONTROL, base + controls + (long) i * CONTROL_SLOT);
            m.putLong(iovs + i * IOVEC_SIZE, data.address() + (long) i * LinuxBind.MAX_DATAGRAM);
        }
    }

    long address() {
        return meta.address();
    }

    ByteBuffer view() {
        return meta.view();
    }

    long data(int i) {
        return meta.view().getLong(iovs + i * IOVEC_SIZE);
    }

    long name(int i) {
        return meta.address() + names + (long) i * NAME_SLOT;
    }

    int nameOffset(int i) {
        return names + i * NAME_SLOT;
    }

    long nameLengthAddress(int i) {
        return meta.address() + nameLengths + i * 4L;
    }

    void prepareName(int i) {
        meta.view().putInt(nameLengths + i * 4, SockAddr.SOCKADDR_IN6_SIZE);
    }

    /** Resets slot {@code i} for recvmmsg: {@code space} bytes, and a control buffer if asked. */
    void prepareReceive(int i, int space, boolean control) {
        int h = i * MMSGHDR_SIZE;
        meta.view().putInt(h + MSG_NAMELEN, SockAddr.SOCKADDR_IN6_SIZE);
        meta.view().putLong(iovs + i * IOVEC_SIZE + 8, Math.max(space, 0));
        meta.view().putLong(h + MSG_CONTROLLEN, control ? CONTROL_SLOT : 0);
        meta.view().putInt(h + MSG_FLAGS, 0);
    }

    /**
     * The segment size the kernel reported for a coalesced datagram in slot {@code i}
     * ({@code UDP_GRO} control message), or 0 if the datagram is a single one.
     */
    int groSegment(int i) {
        int c = findControl(i, SOL_UDP, UDP_GRO, 4);
        return c < 0 ? 0 : meta.view().getInt(c + CMSG_HEADER);
    }

    /**
     * Reads the local address datagram {@code i} was sent to into {@link #localHigh},
     * {@link #localLow} and {@link #localInterface}. {@code IP_PKTINFO} is preferred for IPv4 (its
     * {@code ipi_spec_dst} is the kernel's own choice of reply source), else {@code IPV6_PKTINFO}.
     *
     * @return false if the kernel reported neither
     */
    boolean parseLocal(int i) {
        ByteBuffer m = meta.view();
        int c = findControl(i, SOL_IP, IP_PKTINFO, 12); // struct in_pktinfo: ifindex, spec_dst, addr
        if (c >= 0) {
            localInterface = m.getInt(c + CMSG_HEADER);
            localHigh = 0;
            localLow = SourceCache.V4_MAPPED_LOW | ((m.getInt(c + CMSG_HEADER + 4) & 0xffffffffL) << 32);
            return true;
        }
        c = findControl(i, SOL_IPV6, IPV6_PKTINFO, 20); // struct in6_pktinfo: addr[16], ifindex
        if (c >= 0) {
            localHigh = m.getLong(c + CMSG_HEADER);
            localLow = m.getLong(c + CMSG_HEADER + 8);
            localInterface = m.getInt(c + CMSG_HEADER + 16);
            return true;
        }
        return false;
    }

    /** Offset in {@link #view()} of slot {@code i}'s control message of this kind, or -1. */
    private int findControl(int i, int level, int type, int dataLength) {
        ByteBuffer m = meta.view();
        int h = i * MMSGHDR_SIZE;
        long total = m.getLong(h + MSG_CONTROLLEN);
        if (total < CMSG_HEADER) {
            return -1;
        }
        int start = (int) (m.getLong(h + MSG_CONTROL) - meta.address());
        int end = start + (int) Math.min(total, CONTROL_SLOT);
        int c = start;
        while (c + CMSG_HEADER <= end) {
            long len = m.getLong(c);
            if (len < CMSG_HEADER || c + len > end) {
                return -1;
            }
            if (m.getInt(c + 8) == level && m.getInt(c + 12) == type && len >= CMSG_HEADER + dataLength) {
                return c;
            }
            c += (int) ((len + 7) & ~7L); // CMSG_NXTHDR: aligned to sizeof(size_t)
        }
        return -1;
    }

    /**
     * For sendmmsg/sendmsg: datagram {@code i} of {@code len} bytes to the sockaddr at
     * {@code name}, with {@code controlLength} bytes of control messages at {@code control}
     * (0 for none).
     */
    void prepareSend(int i, int len, long name, int nameLength, long control, int controlLength) {
        int h = i * MMSGHDR_SIZE;
        ByteBuffer m = meta.view();
        m.putLong(h + MSG_NAME, name);
        m.putInt(h + MSG_NAMELEN, nameLength);
        m.putLong(h + MSG_CONTROL, controlLength == 0 ? 0 : control);
        m.putLong(h + MSG_CONTROLLEN, controlLength);
        m.putLong(iovs + i * IOVEC_SIZE + 8, len);
    }

    void setFlags(int i, int flags) {
        meta.view().putInt(i * MMSGHDR_SIZE + MSG_FLAGS, flags);
    }

    void setLength(int i, int len) {
        meta.view().putInt(i * MMSGHDR_SIZE + MSG_LEN, len);
    }

    int length(int i) {
        return meta.view().getInt(i * MMSGHDR_SIZE + MSG_LEN);
    }

    boolean truncated(int i) {
        return (meta.view().getInt(i * MMSGHDR_SIZE + MSG_FLAGS) & MSG_TRUNC) != 0;
    }
}
