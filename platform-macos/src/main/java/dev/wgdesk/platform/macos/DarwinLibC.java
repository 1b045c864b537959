package dev.wgdesk.platform.macos;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * libc on macOS through JNA interface mapping.
 *
 * <p><b>Variadic functions are declared as Java varargs</b> ({@code ioctl}, {@code fcntl},
 * {@code open}). On Apple silicon the variadic arguments of a C call travel on the stack while
 * fixed ones travel in registers; a fixed-argument declaration such as
 * {@code ioctl(int, long, Pointer)} puts the third argument in a register, where the kernel
 * never looks, and works only by accident on x86-64. JNA passes the fixed-argument count to
 * libffi ({@code ffi_prep_cif_var}) only for Java varargs methods, which is why
 * {@code VarargsTest} checks every declaration by reflection. Direct mapping
 * ({@code Native.register}) cannot do varargs, so this is an interface.
 *
 * <p>{@code ioctl}'s request is an {@code unsigned long}: always pass a {@code long}
 * ({@code 0xC0644E03L}), never a negative {@code int}.
 */
interface DarwinLibC extends Library {
    int socket(int domain, int type, int protocol);

    int ioctl(int fd, long request, Object... args);

    int fcntl(int fd, int command, Object... args);

    int open(String path, int flags, Object... mode);

    int connect(int fd, Pointer address, int length);

    int getsockopt(int fd, int level, int option, Pointer value, Pointer length);

    long read(int fd, Pointer buffer, long count);

    long write(int fd, Pointer buffer, long count);

    int close(int fd);

    int poll(Pointer fds, int n, int timeout);

    int pipe(int[] fds);

    int if_nametoindex(String name);

    /** {@link DarwinNative} over the loaded library; errno read right after each call. */
    final class Jna implements DarwinNative {
        static final Jna INSTANCE = new Jna();

        private static volatile DarwinLibC lib;

        private Jna() {}

        private static DarwinLibC lib() {
            DarwinLibC l = lib;
            if (l == null) {
                synchronized (Jna.class) {
                    l = lib;
                    if (l == null) {
                        l = Native.load("c", DarwinLibC.class);
                        lib = l;
                    }
                }
            }
            return l;
        }

        @Override
        public int socket(int domain, int type, int protocol) {
            return lib().socket(domain, type, protocol);
        }

        @Override
        public int ioctl(int fd, long request, Pointer arg) {
            return lib().ioctl(fd, request, arg);
        }

        @Override
        public int connect(int fd, Pointer address, int length) {
            return lib().connect(fd, address, length);
        }

        @Override
        public int getsockopt(int fd, int level, int option, Pointer value, Pointer length) {
            return lib().getsockopt(fd, level, option, value, length);
        }

        // read, write, poll: direct mapping, no allocation per call (the data path)
        @Override
        public long read(int fd, Pointer buffer, long count) {
            return DarwinDirect.read(fd, Pointer.nativeValue(buffer), count);
        }

        @Override
        public long write(int fd, Pointer buffer, long count) {
            return DarwinDirect.write(fd, Pointer.nativeValue(buffer), count);
        }

        @Override
        public int close(int fd) {
            return lib().close(fd);
        }

        @Override
        public int poll(Pointer fds, int n, int timeoutMillis) {
            return DarwinDirect.poll(Pointer.nativeValue(fds), n, timeoutMillis);
        }

        @Override
        public int pipe(int[] fds) {
            return lib().pipe(fds);
        }

        @Override
        public int fcntl(int fd, int command, int arg) {
            return lib().fcntl(fd, command, arg);
        }

        @Override
        public int ifNameToIndex(String name) {
            return lib().if_nametoindex(name);
        }

        @Override
        public int errno() {
            return Native.getLastError();
        }
    }
}
