package dev.wgdesk.platform.macos;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated Darwin kernel behind {@link DarwinNative}: kernel-control sockets that become utun
 * interfaces, datagram sockets taking the interface ioctls, routing sockets, pipes and poll. It
 * checks the bytes the device passes (the control name in {@code ctl_info}, every field of
 * {@code sockaddr_ctl}, {@code socklen_t}, the {@code ifreq} name) the way the kernel would and
 * fails with the kernel's errno, so the provider's real code runs against it. One monitor guards
 * everything; {@link #poll} waits on it.
 */
final class FakeDarwin implements DarwinNative {
    static final int UTUN_CTL_ID = 7;

    enum Kind { CONTROL, INET, ROUTE, PIPE_READ, PIPE_WRITE }

    static final class File {
        final Kind kind;
        boolean nonBlocking;
        boolean connected;
        int unit; // utun unit (0-based) once connected
        final ArrayDeque<byte[]> in = new ArrayDeque<>(); // readable messages/bytes
        File peer; // pipe's other end
        File(Kind kind) {
            this.kind = kind;
        }
    }

    /** An interface the fake knows. */
    static final class Iface {
        final String name;
        final int index;
        int mtu = 1500;
        int flags;
        Iface(String name, int index) {
            this.name = name;
            this.index = index;
        }
    }

    private final Map<Integer, File> files = new HashMap<>();
    private final Map<String, Iface> ifaces = new HashMap<>();
    private final List<byte[]> written = new ArrayList<>();
    private final ThreadLocal<Integer> errno = ThreadLocal.withInitial(() -> 0);
    private int nextFd = 3;
    private int nextIndex = 20;
    private int failSocketErrno;
    int closedCount;

    // ---------- test controls ----------

    synchronized void failNextSocket(int err) {
        failSocketErrno = err;
    }

    /** Queues a message as the utun interface {@code name} would hand it to its socket. */
    synchronized void inject(String name, byte[] message) {
        for (File f : files.values()) {
            if (f.kind == Kind.CONTROL && f.connected && ("utun" + f.unit).equals(name)) {
                f.in.add(message.clone());
                notifyAll();
                return;
            }
        }
        throw new IllegalStateException("no open utun " + name);
    }

    /** Everything the device wrote to utun sockets, header included. */
    synchronized List<byte[]> written() {
        return List.copyOf(written);
    }

    synchronized Iface iface(String name) {
        return ifaces.get(name);
    }

    /** Open descriptors (a device that closed everything leaves none). */
    synchronized int openFiles() {
        return files.size();
    }

    /** Changes the interface as {@code ifconfig} would and broadcasts RTM_IFINFO. */
    synchronized void setLink(String name, boolean up, int mtu) {
        Iface i = ifaces.get(name);
        i.flags = up ? (i.flags | Darwin.IFF_UP) : (i.flags & ~Darwin.IFF_UP);
        i.mtu = mtu;
        broadcast(ifInfo(i.index, i.flags, i.mtu));
    }

    /** Sends a raw message to every routing socket. */
    synchronized void broadcast(byte[] msg) {
        for (File f : files.values()) {
            if (f.kind == Kind.ROUTE) {
                f.in.add(msg.clone());
            }
        }
        notifyAll();
    }

    /** A {@code struct if_msghdr} (RTM_IFINFO) of 112 bytes with the fields the reducer reads. */
    static byte[] ifInfo(int index, int flags, int mtu) {
        ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) 112);
        b.put(2, (byte) Darwin.RTM_VERSION);
        b.put(Darwin.IFM_TYPE, (byte) Darwin.RTM_IFINFO);
        b.putInt(Darwin.IFM_FLAGS, flags);
        b.putShort(Darwin.IFM_INDEX, (short) index);
        b.putInt(Darwin.IFM_MTU, mtu);
        return b.array();
    }

    // ---------- DarwinNative ----------

    private int fail(int e) {
        errno.set(e);
        return -1;
    }

    @Override
    public synchronized int socket(int domain, int type, int protocol) {
        if (failSocketErrno != 0) {
            int e = failSocketErrno;
            failSocketErrno = 0;
            return fail(e);
        }
        Kind k;
        if (domain == Darwin.PF_SYSTEM && type == Darwin.SOCK_DGRAM && protocol == Darwin.SYSPROTO_CONTROL) {
            k = Kind.CONTROL;
        } else if (domain == Darwin.AF_INET && type == Darwin.SOCK_DGRAM) {
            k = Kind.INET;
        } else if (domain == Darwin.AF_ROUTE && type == Darwin.SOCK_RAW && protocol == Darwin.AF_UNSPEC) {
            k = Kind.ROUTE;
        } else {
            return fail(47); // EAFNOSUPPORT
        }
        int fd = nextFd++;
        files.put(fd, new File(k));
        return fd;
    }

    @Override
    public synchronized int ioctl(int fd, long request, Pointer arg) {
        File f = files.get(fd);
        if (f == null) {
            return fail(Darwin.EBADF);
        }
        if (request == Darwin.CTLIOCGINFO && f.kind == Kind.CONTROL) {
            String name = arg.getString(Darwin.CTL_INFO_NAME, "US-ASCII");
            if (!name.equals(Darwin.UTUN_CONTROL_NAME)) {
                return fail(2); // ENOENT
            }
            arg.setInt(0, UTUN_CTL_ID);
            return 0;
        }
        if (f.kind != Kind.INET) {
            return fail(25); // ENOTTY
        }
        String name = arg.getString(0, "US-ASCII");
        Iface i = ifaces.get(name);
        if (i == null) {
            return fail(6); // ENXIO
        }
        if (request == Darwin.SIOCSIFMTU) {
            int mtu = arg.getInt(Darwin.IFREQ_UNION);
            if (mtu < 68 || mtu > 65535) { // utun's own limit is lower; fine for the fake
                return fail(22);
            }
            i.mtu = mtu;
            broadcast(ifInfo(i.index, i.flags, i.mtu));
            return 0;
        } else if (request == Darwin.SIOCGIFMTU) {
            arg.setInt(Darwin.IFREQ_UNION, i.mtu);
            return 0;
        } else if (request == Darwin.SIOCGIFFLAGS) {
            arg.setShort(Darwin.IFREQ_UNION, (short) i.flags);
            return 0;
        } else if (request == Darwin.SIOCSIFFLAGS) {
            i.flags = Short.toUnsignedInt(arg.getShort(Darwin.IFREQ_UNION));
            broadcast(ifInfo(i.index, i.flags, i.mtu));
            return 0;
        }
        return fail(25);
    }

    @Override
    public synchronized int connect(int fd, Pointer a, int length) {
        File f = files.get(fd);
        if (f == null || f.kind != Kind.CONTROL) {
            return fail(Darwin.EBADF);
        }
        if (length != Darwin.SOCKADDR_CTL_SIZE || Byte.toUnsignedInt(a.getByte(0)) != Darwin.SOCKADDR_CTL_SIZE
                || a.getByte(Darwin.SOCKADDR_CTL_FAMILY) != Darwin.AF_SYSTEM
                || a.getShort(Darwin.SOCKADDR_CTL_SYSADDR) != Darwin.AF_SYS_CONTROL
                || a.getInt(Darwin.SOCKADDR_CTL_ID) != UTUN_CTL_ID) {
            return fail(22); // EINVAL
        }
        int unit = a.getInt(Darwin.SOCKADDR_CTL_UNIT);
        int u;
        if (unit == 0) {
            u = 0;
            while (ifaces.containsKey("utun" + u)) {
                u++;
            }
        } else {
            u = unit - 1;
            if (ifaces.containsKey("utun" + u)) {
                return fail(Darwin.EBUSY);
            }
        }
        f.connected = true;
        f.unit = u;
        ifaces.put("utun" + u, new Iface("utun" + u, nextIndex++));
        return 0;
    }

    @Override
    public synchronized int getsockopt(int fd, int level, int option, Pointer value, Pointer length) {
        File f = files.get(fd);
        if (f == null || f.kind != Kind.CONTROL || !f.connected) {
            return fail(Darwin.EBADF);
        }
        if (level != Darwin.SYSPROTO_CONTROL || option != Darwin.UTUN_OPT_IFNAME) {
            return fail(42); // ENOPROTOOPT
        }
        byte[] n = ("utun" + f.unit + "\0").getBytes(StandardCharsets.US_ASCII);
        if (length.getInt(0) < n.length) {
            return fail(22);
        }
        value.write(0, n, 0, n.length);
        length.setInt(0, n.length);
        return 0;
    }

    @Override
    public long read(int fd, Pointer buffer, long count) {
        synchronized (this) {
            File f = files.get(fd);
            if (f == null) {
                return fail(Darwin.EBADF);
            }
            while (f.in.isEmpty()) {
                if (f.nonBlocking) {
                    return fail(Darwin.EAGAIN);
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    return fail(Darwin.EINTR);
                }
            }
            byte[] m = f.in.poll();
            int n = (int) Math.min(count, m.length); // datagram: the rest is discarded
            buffer.write(0, m, 0, n);
            return n;
        }
    }

    @Override
    public synchronized long write(int fd, Pointer buffer, long count) {
        File f = files.get(fd);
        if (f == null) {
            return fail(Darwin.EBADF);
        }
        byte[] m = buffer.getByteArray(0, (int) count);
        if (f.kind == Kind.PIPE_WRITE) {
            f.peer.in.add(m);
            notifyAll();
            return count;
        }
        if (f.kind != Kind.CONTROL || !f.connected) {
            return fail(Darwin.EBADF);
        }
        int family = ByteBuffer.wrap(m).getInt(0);
        if (count < 5 || (family != Darwin.AF_INET && family != Darwin.AF_INET6)) {
            return fail(22);
        }
        written.add(m);
        return count;
    }

    @Override
    public synchronized int close(int fd) {
        File f = files.remove(fd);
        if (f == null) {
            return fail(Darwin.EBADF);
        }
        closedCount++;
        if (f.kind == Kind.CONTROL && f.connected) {
            ifaces.remove("utun" + f.unit); // the interface dies with its socket
        }
        notifyAll();
        return 0;
    }

    @Override
    public int poll(Pointer fds, int n, int timeoutMillis) {
        synchronized (this) {
            while (true) {
                int ready = 0;
                for (int i = 0; i < n; i++) {
                    long off = (long) i * Darwin.POLLFD_SIZE;
                    File f = files.get(fds.getInt(off));
                    short revents = 0;
                    if (f == null) {
                        revents = Darwin.POLLNVAL;
                    } else if (!f.in.isEmpty() && (fds.getShort(off + 4) & Darwin.POLLIN) != 0) {
                        revents = Darwin.POLLIN;
                    }
                    fds.setShort(off + 6, revents);
                    if (revents != 0) {
                        ready++;
                    }
                }
                if (ready > 0 || timeoutMillis == 0) {
                    return ready;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    return fail(Darwin.EINTR);
                }
            }
        }
    }

    @Override
    public synchronized int pipe(int[] out) {
        File r = new File(Kind.PIPE_READ);
        File w = new File(Kind.PIPE_WRITE);
        w.peer = r;
        out[0] = nextFd++;
        out[1] = nextFd++;
        files.put(out[0], r);
        files.put(out[1], w);
        return 0;
    }

    @Override
    public synchronized int fcntl(int fd, int command, int arg) {
        File f = files.get(fd);
        if (f == null) {
            return fail(Darwin.EBADF);
        }
        if (command == Darwin.F_GETFL) {
            return f.nonBlocking ? Darwin.O_NONBLOCK : 0;
        }
        if (command == Darwin.F_SETFL) {
            f.nonBlocking = (arg & Darwin.O_NONBLOCK) != 0;
            return 0;
        }
        return fail(22);
    }

    @Override
    public synchronized int ifNameToIndex(String name) {
        Iface i = ifaces.get(name);
        return i == null ? 0 : i.index;
    }

    @Override
    public int errno() {
        return errno.get();
    }
}
