package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.SockAddr.SOCK_DGRAM;
import static dev.wgdesk.platform.linux.SockAddr.SOCK_CLOEXEC;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Interface settings through the classic {@code SIOC*IF*} ioctls on an {@code AF_INET} datagram
 * control socket: MTU, flags (up/down) and index.
 *
 * <p>The socket is opened once, so every later call addresses the network namespace that was
 * current when it was opened (the TUN's), whichever thread makes it. Thread-safe; after
 * {@link #close()} calls throw {@link java.nio.channels.ClosedChannelException}.
 */
final class InterfaceControl implements AutoCloseable {
    /** {@code IFNAMSIZ}: names are at most 15 bytes plus the terminating NUL. */
    static final int IFNAMSIZ = 16;
    /** {@code sizeof(struct ifreq)} on LP64: the name and a 24-byte union. */
    static final int IFREQ_SIZE = 40;
    /** Offset of the union ({@code ifr_flags}, {@code ifr_mtu}, {@code ifr_ifindex}). */
    static final int IFREQ_UNION = IFNAMSIZ;
    static final int IFF_UP = 0x1;

    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final long SIOCGIFMTU = 0x8921;
    private static final long SIOCGIFINDEX = 0x8933;
    private static final long SIOCSIFMTU = 0x8922;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private final PolledFd socket;

    private InterfaceControl(PolledFd socket) {
        this.socket = socket;
    }

    /** Opens a control socket in the calling thread's network namespace. */
    static InterfaceControl open() throws IOException {
        int sock = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0) {
            sock = LibC.socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        }
        if (sock < 0) {
            throw Errno.exception("socket for interface control", LibC.errno());
        }
        return new InterfaceControl(new PolledFd(sock));
    }

    @Override
    public void close() {
        socket.close();
    }

    /**
     * Checks {@code name} against the kernel's rules ({@code dev_valid_name} plus the {@code %d}
     * template rule), and also refuses non-ASCII and control characters.
     *
     * @throws TunException with {@link TunException.Reason#INVALID_NAME}
     */
    static void validateName(String name) throws TunException {
        String problem = null;
        if (name.isEmpty()) {
            problem = "it is empty";
        } else if (name.length() >= IFNAMSIZ) {
            problem = "it is longer than " + (IFNAMSIZ - 1) + " characters";
        } else if (name.equals(".") || name.equals("..")) {
            problem = "it is reserved";
        } else {
            int percent = name.indexOf('%');
            if (percent >= 0 && (percent + 1 >= name.length() || name.charAt(percent + 1) != 'd'
                    || name.indexOf('%', percent + 1) >= 0)) {
                problem = "'%' may only appear once, as the template %d";
            }
            for (int i = 0; i < name.length() && problem == null; i++) {
                char c = name.charAt(i);
                if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                    problem = "it contains a space, '/', ':', a control or a non-ASCII character";
                }
            }
        }
        if (problem != null) {
            throw new TunException(TunException.Reason.INVALID_NAME,
                    "invalid interface name \"" + printable(name) + "\": " + problem);
        }
    }

    /** Writes {@code name} NUL-terminated at the start of an ifreq-sized buffer. */
    static NativeBuffer ifreq(String name) {
        NativeBuffer req = new NativeBuffer(IFREQ_SIZE);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        req.view().put(0, bytes, 0, Math.min(bytes.length, IFNAMSIZ - 1));
        return req;
    }

    /** Reads the NUL-terminated name at the start of an ifreq. */
    static String name(NativeBuffer req) {
        int len = 0;
        while (len < IFNAMSIZ && req.view().get(len) != 0) {
            len++;
        }
        byte[] bytes = new byte[len];
        req.view().get(0, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    int mtu(String name) throws IOException {
        NativeBuffer req = ifreq(name);
        ioctl(name, SIOCGIFMTU, req, "read the MTU of");
        return req.view().getInt(IFREQ_UNION);
    }

    void setMtu(String name, int mtu) throws IOException {
        NativeBuffer req = ifreq(name);
        req.view().putInt(IFREQ_UNION, mtu);
        int errno = tryIoctl(SIOCSIFMTU, req);
        if (errno == Errno.EINVAL) {
            throw new TunException(TunException.Reason.INVALID_MTU,
                    "MTU " + mtu + " is out of range for interface " + name);
        }
        check(errno, name, "set the MTU of");
    }

    int flags(String name) throws IOException {
        NativeBuffer req = ifreq(name);
        ioctl(name, SIOCGIFFLAGS, req, "read the flags of");
        return req.view().getShort(IFREQ_UNION) & 0xffff;
    }

    /** Sets or clears IFF_UP, keeping the other flags. */
    void setUp(String name, boolean up) throws IOException {
        NativeBuffer req = ifreq(name);
        ioctl(name, SIOCGIFFLAGS, req, "read the flags of");
        int flags = req.view().getShort(IFREQ_UNION) & 0xffff;
        flags = up ? flags | IFF_UP : flags & ~IFF_UP;
        req.view().putShort(IFREQ_UNION, (short) flags);
        ioctl(name, SIOCSIFFLAGS, req, up ? "bring up" : "bring down");
    }

    /** The interface index, or 0 if no interface has that name. */
    int index(String name) throws IOException {
        NativeBuffer req = ifreq(name);
        int errno = tryIoctl(SIOCGIFINDEX, req);
        if (errno == Errno.ENODEV) {
            return 0;
        }
        check(errno, name, "look up");
        return req.view().getInt(IFREQ_UNION);
    }

    private void ioctl(String name, long request, NativeBuffer req, String what) throws IOException {
        check(tryIoctl(request, req), name, what);
    }

    private static void check(int errno, String name, String what) throws IOException {
        if (errno == 0) {
            return;
        }
        if (errno == Errno.EPERM || errno == Errno.EACCES) {
            throw new TunException(TunException.Reason.PERMISSION_DENIED,
                    "permission denied: cannot " + what + " interface " + name
                            + " (needs root or CAP_NET_ADMIN)");
        }
        if (errno == Errno.ENODEV) {
            throw new IOException("cannot " + what + " interface " + name + ": it no longer exists");
        }
        throw new IOException("cannot " + what + " interface " + name + ": " + Errno.describe(errno));
    }

    /** Runs one ioctl on the control socket; returns 0 or the errno. */
    private int tryIoctl(long request, NativeBuffer req) throws IOException {
        socket.enter();
        try {
            return LibC.ioctl(socket.fd(), request, req.address()) < 0 ? LibC.errno() : 0;
        } finally {
            socket.exit();
        }
    }

    /** The name with control and non-ASCII characters escaped, for messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' || c >= 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
