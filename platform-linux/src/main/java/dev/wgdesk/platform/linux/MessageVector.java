package dev.wgdesk.platform.linux;

import java.nio.ByteBuffer;

/**
 * {@code struct mmsghdr[n]} with one {@code iovec} and one name slot each, pointing into a data
 * block of {@code n * LinuxBind.MAX_DATAGRAM} bytes. Also serves single {@code recvfrom}/{@code sendto}
 * through slot 0.
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

    private final NativeBuffer meta;
    private final int iovs;
    private final int names;
    private final int nameLengths;

    MessageVector(int n, NativeBuffer data) {
        iovs = n * MMSGHDR_SIZE;
        names = iovs + n * IOVEC_SIZE;
        nameLengths = names + n * NAME_SLOT;
        meta = new NativeBuffer(nameLengths + n * 4);
        long base = meta.address();
        ByteBuffer m = meta.view();
        for (int i = 0; i < n; i++) {
            int h = i * MMSGHDR_SIZE;
            m.putLong(h + MSG_NAME, base + names + (long) i * NAME_SLOT);
            m.putLong(h + MSG_IOV, base + iovs + (long) i * IOVEC_SIZE);
            m.putLong(h + MSG_IOVLEN, 1);
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

    void prepareReceive(int i, int space) {
        int h = i * MMSGHDR_SIZE;
        meta.view().putInt(h + MSG_NAMELEN, SockAddr.SOCKADDR_IN6_SIZE);
        meta.view().putLong(iovs + i * IOVEC_SIZE + 8, Math.max(space, 0));
        meta.view().putInt(h + MSG_FLAGS, 0);
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
