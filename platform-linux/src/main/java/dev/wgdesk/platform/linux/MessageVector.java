package dev.wgdesk.platform.linux;

import java.nio.ByteBuffer;

/**
 * {@code struct mmsghdr[n]} with one {@code iovec}, one name slot and one small control buffer
 * each, pointing into a data block of {@code n * LinuxBind.MAX_DATAGRAM} bytes. Also serves single
 * {@code recvfrom}/{@code sendto} through slot 0. Not thread-safe.
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
    /** Room for one {@code cmsghdr} with an int (CMSG_SPACE(4) = 24), rounded up. */
    static final int CONTROL_SLOT = 32;
    private static final int SOL_UDP = 17;
    private static final int UDP_GRO = 104;

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
        int h = i * MMSGHDR_SIZE;
        long len = meta.view().getLong(h + MSG_CONTROLLEN);
        if (len < 20) {
            return 0;
        }
        int c = (int) (meta.view().getLong(h + MSG_CONTROL) - meta.address());
        ByteBuffer m = meta.view();
        if (m.getLong(c) >= 20 && m.getInt(c + 8) == SOL_UDP && m.getInt(c + 12) == UDP_GRO) {
            return m.getInt(c + 16);
        }
        return 0;
    }

    /** For sendmmsg: datagram {@code i} of {@code len} bytes to the sockaddr at {@code name}. */
    void prepareSend(int i, int len, long name, int nameLength) {
        int h = i * MMSGHDR_SIZE;
        meta.view().putLong(h + MSG_NAME, name);
        meta.view().putInt(h + MSG_NAMELEN, nameLength);
        meta.view().putLong(iovs + i * IOVEC_SIZE + 8, len);
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
