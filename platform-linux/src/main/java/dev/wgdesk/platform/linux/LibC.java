package dev.wgdesk.platform.linux;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The few libc calls the Linux TUN and bind need, bound with JNA direct mapping.
 *
 * <p>Every pointer argument is passed as a {@code long} address, never as a JNA {@code Pointer}:
 * on the LP64 ABIs this class supports (x86_64, aarch64) a pointer and a {@code long} travel in
 * the same register, and primitive-only signatures let JNA dispatch without allocating or
 * converting anything, which keeps the per-packet calls allocation free. Callers obtain the
 * addresses of their {@link com.sun.jna.Memory} blocks once and must keep those blocks reachable
 * while the addresses are in use.
 *
 * <p>Return values follow libc: {@code -1} on failure, with the error in {@link #errno()}.
 */
final class LibC {
    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        try {
            if (!Platform.isLinux() || Native.POINTER_SIZE != 8 || Native.LONG_SIZE != 8) {
                throw new UnsupportedOperationException("needs 64-bit Linux");
            }
            JnaFieldOrders.seed(); // before JNA's first direct mapping
            Native.register(LibC.class, Platform.C_LIBRARY_NAME);
        } catch (Throwable t) { // UnsatisfiedLinkError, or JNA's own dispatch library missing
            error = t;
        }
        LOAD_ERROR = error;
    }

    private LibC() {}

    /** True if libc was bound; the platform classes are usable only then. */
    static boolean isAvailable() {
        return LOAD_ERROR == null;
    }

    /** Throws an {@link UnsupportedOperationException} explaining why libc could not be bound. */
    static void ensureAvailable() {
        if (LOAD_ERROR != null) {
            throw new UnsupportedOperationException("cannot bind libc through JNA: " + LOAD_ERROR, LOAD_ERROR);
        }
    }

    /** The errno of the last call on this thread (JNA saves it right after each native call). */
    static int errno() {
        return Native.getLastError();
    }

    // fcntl.h / unistd.h
    static native int open(String path, int flags);

    static native int close(int fd);

    static native long read(int fd, long buf, long count);

    static native long write(int fd, long buf, long count);

    static native int ioctl(int fd, long request, long arg);

    static native int poll(long fds, long nfds, int timeoutMillis);

    static native int eventfd(int initval, int flags);

    // sys/socket.h
    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, long addr, int addrlen);

    static native int getsockname(int fd, long addr, long addrlenPtr);

    static native int setsockopt(int fd, int level, int name, long value, int len);

    static native int getsockopt(int fd, int level, int name, long value, long lenPtr);

    static native long recvfrom(int fd, long buf, long len, int flags, long addr, long addrlenPtr);

    static native long sendto(int fd, long buf, long len, int flags, long addr, int addrlen);

    static native long recv(int fd, long buf, long len, int flags);

    static native long recvmsg(int fd, long msg, int flags);

    static native int recvmmsg(int fd, long msgvec, int vlen, int flags, long timeout);

    static native int sendmmsg(int fd, long msgvec, int vlen, int flags);

    static native long sendmsg(int fd, long msg, int flags);

    static native int shutdown(int fd, int how);

    // string.h
    static native String strerror(int errnum);

    // time.h
    static native int clock_gettime(int clockId, long timespec);
}
