package dev.wgdesk.platform.linux;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Encodes and decodes {@code sockaddr_in} / {@code sockaddr_in6} in native memory, and holds the
 * socket constants the module's sockets share (address families, socket types and flags,
 * socket-level options; netlink's are in {@link Rtnetlink}).
 *
 * <p>Layouts: {@code sockaddr_in} is family (u16, host order), port (u16, network order), address
 * (4 bytes), 8 bytes of padding; {@code sockaddr_in6} is family, port, flow info (u32), address
 * (16 bytes), scope id (u32, host order), 28 bytes in all. IPv4 destinations on an IPv6 socket
 * travel as IPv4-mapped addresses ({@code ::ffff:a.b.c.d}).
 */
final class SockAddr {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCKADDR_IN_SIZE = 16;
    static final int SOCKADDR_IN6_SIZE = 28;

    // linux/net.h, asm-generic/fcntl.h: socket types and the flags or-ed into them
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    // asm-generic/socket.h: socket-level options
    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;

    private SockAddr() {}

    /**
     * Writes {@code to} at {@code off} in the form a socket of {@code family} expects.
     *
     * @return the encoded length
     * @throws IOException if the address is unresolved, or IPv6 on an IPv4-only socket
     */
    static int encode(InetSocketAddress to, int family, ByteBuffer view, int off) throws IOException {
        InetAddress address = to.getAddress();
        if (address == null) {
            throw new IOException("unresolved destination " + to.getHostString() + ":" + to.getPort());
        }
        byte[] raw = address.getAddress();
        int port = to.getPort();
        if (family == AF_INET) {
            if (raw.length != 4) {
                throw new IOException("cannot send to " + to + ": IPv6 is not available on this host");
            }
            for (int i = 0; i < SOCKADDR_IN_SIZE; i++) {
                view.put(off + i, (byte) 0);
            }
            view.putShort(off, (short) AF_INET);
            putPort(view, off + 2, port);
            view.put(off + 4, raw);
            return SOCKADDR_IN_SIZE;
        }
        for (int i = 0; i < SOCKADDR_IN6_SIZE; i++) {
            view.put(off + i, (byte) 0);
        }
        view.putShort(off, (short) AF_INET6);
        putPort(view, off + 2, port);
        if (raw.length == 4) {
            view.put(off + 18, (byte) 0xff).put(off + 19, (byte) 0xff);
            view.put(off + 20, raw);
        } else {
            view.put(off + 8, raw);
            if (address instanceof Inet6Address a6) {
                view.putInt(off + 24, a6.getScopeId());
            }
        }
        return SOCKADDR_IN6_SIZE;
    }

    /** Decodes a sockaddr without caching (allocates). IPv4-mapped IPv6 becomes plain IPv4. */
    static InetSocketAddress decode(ByteBuffer view, int off) throws UnknownHostException {
        int family = view.getShort(off);
        int port = getPort(view, off + 2);
        if (family == AF_INET) {
            byte[] a = new byte[4];
            view.get(off + 4, a);
            return new InetSocketAddress(InetAddress.getByAddress(a), port);
        }
        if (family != AF_INET6) {
            throw new UnknownHostException("address family " + family);
        }
        byte[] a = new byte[16];
        view.get(off + 8, a);
        if (isV4Mapped(a)) {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {a[12], a[13], a[14], a[15]}), port);
        }
        int scope = view.getInt(off + 24);
        InetAddress addr = scope != 0 ? Inet6Address.getByAddress(null, a, scope) : InetAddress.getByAddress(a);
        return new InetSocketAddress(addr, port);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    static void putPort(ByteBuffer view, int off, int port) {
        view.put(off, (byte) (port >>> 8)).put(off + 1, (byte) port);
    }

    static int getPort(ByteBuffer view, int off) {
        return ((view.get(off) & 0xff) << 8) | (view.get(off + 1) & 0xff);
    }
}
