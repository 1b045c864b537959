package dev.wgdesk.platform.macos;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A non-blocking descriptor that threads wait on with {@code poll(2)} together with the read end
 * of a pipe, and that any thread may close at any time: {@link #close()} writes a byte into the
 * pipe (every waiter wakes with an {@link AsynchronousCloseException}), waits at most two seconds
 * for threads inside {@link #enter()}/{@link #exit()} to leave, and only then closes the
 * descriptor, so a late caller never touches a number the kernel has handed out again. The same
 * protocol as the Linux module's {@code PolledFd}, with a pipe where Linux has an eventfd.
 * Thread-safe.
 */
final class WakeableFd implements AutoCloseable {
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final DarwinNative sys;
    private final int fd;
    private final int wakeRead;
    private final int wakeWrite;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Takes ownership of {@code fd} and makes it non-blocking; if that or the pipe fails, closes
     * {@code fd} and throws.
     */
    WakeableFd(DarwinNative sys, int fd, String what) throws IOException {
        this.sys = sys;
        int flags = sys.fcntl(fd, Darwin.F_GETFL, 0);
        if (flags < 0 || sys.fcntl(fd, Darwin.F_SETFL, flags | Darwin.O_NONBLOCK) < 0) {
            int errno = sys.errno();
            sys.close(fd);
            throw new IOException("cannot make the " + what + " non-blocking: errno " + errno);
        }
        int[] p = new int[2];
        if (sys.pipe(p) < 0) {
            int errno = sys.errno();
            sys.close(fd);
            throw new IOException("cannot create the wake-up pipe for the " + what + ": errno " + errno);
        }
        this.fd = fd;
        this.wakeRead = p[0];
        this.wakeWrite = p[1];
    }

    /** The descriptor; use it only between {@link #enter()} and {@link #exit()}. */
    int fd() {
        return fd;
    }

    boolean isClosed() {
        return closed.get();
    }

    void enter() throws ClosedChannelException {
        users.incrementAndGet();
        if (closed.get()) {
            users.decrementAndGet();
            throw new ClosedChannelException();
        }
    }

    void exit() {
        users.decrementAndGet();
    }

    /** A poll set for one thread: this descriptor and the wake-up pipe. */
    Waiter newWaiter() {
        return new Waiter();
    }

    /** Wakes every waiter, waits for users to leave, closes both descriptors. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try (Memory one = new Memory(1)) {
            one.setByte(0, (byte) 1);
            sys.write(wakeWrite, one, 1); // stays readable: every later poll returns at once
        }
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (users.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(50_000);
        }
        sys.close(fd);
        sys.close(wakeRead);
        sys.close(wakeWrite);
    }

    /** A thread's own {@code struct pollfd[2]}. */
    final class Waiter {
        private final Memory fds = new Memory(2L * Darwin.POLLFD_SIZE);

        private Waiter() {
            fds.clear();
            fds.setInt(0, fd);
            fds.setShort(4, Darwin.POLLIN);
            fds.setInt(Darwin.POLLFD_SIZE, wakeRead);
            fds.setShort(Darwin.POLLFD_SIZE + 4, Darwin.POLLIN);
        }

        /**
         * Blocks until the descriptor is readable (or reports an error) or {@link #close()} was
         * called. Call between {@code enter} and {@code exit}.
         *
         * @return the descriptor's {@code revents}
         * @throws AsynchronousCloseException if the descriptor was closed
         */
        int await() throws IOException {
            while (true) {
                fds.setShort(6, (short) 0);
                fds.setShort(Darwin.POLLFD_SIZE + 6, (short) 0);
                int n = sys.poll(fds, 2, -1);
                if (n < 0) {
                    int errno = sys.errno();
                    if (errno == Darwin.EINTR) {
                        continue;
                    }
                    throw new IOException("poll failed: errno " + errno);
                }
                if (closed.get() || fds.getShort(Darwin.POLLFD_SIZE + 6) != 0) {
                    throw new AsynchronousCloseException();
                }
                int revents = fds.getShort(6);
                if (revents != 0) {
                    return revents;
                }
            }
        }
    }
}
