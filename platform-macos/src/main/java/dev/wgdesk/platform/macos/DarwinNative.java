package dev.wgdesk.platform.macos;

import com.sun.jna.Pointer;

/**
 * The system calls the utun device makes, as a seam: {@link #system()} is libc through JNA
 * ({@link DarwinLibC}); tests substitute a simulated kernel so that {@link Utun}'s real read,
 * write, close and event code runs on Linux. Arguments and results are those of the C calls
 * (negative result = failure, then {@link #errno()} tells why). Implementations are thread-safe.
 */
interface DarwinNative {
    int socket(int domain, int type, int protocol);

    /** {@code ioctl(fd, request, arg)}; {@code request} is an unsigned long. */
    int ioctl(int fd, long request, Pointer arg);

    int connect(int fd, Pointer address, int length);

    /** {@code getsockopt}; {@code length} is a 4-byte in/out {@code socklen_t}. */
    int getsockopt(int fd, int level, int option, Pointer value, Pointer length);

    long read(int fd, Pointer buffer, long count);

    long write(int fd, Pointer buffer, long count);

    int close(int fd);

    /** {@code poll(fds, n, timeoutMillis)} on an array of 8-byte {@code struct pollfd}. */
    int poll(Pointer fds, int n, int timeoutMillis);

    /** {@code pipe(fds)}: fds[0] reads, fds[1] writes. */
    int pipe(int[] fds);

    /** {@code fcntl(fd, command, arg)} with an int argument (F_GETFL, F_SETFL). */
    int fcntl(int fd, int command, int arg);

    /** {@code if_nametoindex(name)}: 0 if there is no such interface. */
    int ifNameToIndex(String name);

    /** The errno of this thread's last failed call. */
    int errno();

    /** The real thing: libc through JNA. Loading fails off macOS. */
    static DarwinNative system() {
        return DarwinLibC.Jna.INSTANCE;
    }
}
