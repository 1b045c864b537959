package dev.wgdesk.platform.linux;

import java.lang.ref.Reference;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A file descriptor that threads can block on and that another thread can close safely at any
 * time.
 *
 * <p>Two ways of blocking are supported. For a non-blocking descriptor, threads wait in
 * {@link Waiter#await} ({@code poll(2)} on the descriptor plus an {@code eventfd} that
 * {@link #close()} signals), so a parked thread wakes with an {@link AsynchronousCloseException}.
 * For a blocking socket created with {@code shutdownOnClose}, threads may block in the system
 * call itself: {@code close()} first calls {@code shutdown(SHUT_RDWR)}, which makes a blocked
 * {@code recvfrom}/{@code recvmmsg} return 0 and a blocked send fail, after which the caller sees
 * {@link #isClosed()} and throws. Every use of the descriptor is bracketed by
 * {@link #enter()}/{@link #exit()}; {@code close()} closes the descriptor only once no thread is
 * inside such a bracket, so a number the kernel hands out again can never be read or written by
 * a late caller. Thread-safe.
 */
final class PolledFd implements AutoCloseable {
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int POLLFD_SIZE = 8; // int fd; short events; short revents
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final int SHUT_RDWR = 2;

    private final int fd;
    private final int wakeFd;
    private final boolean shutdownOnClose;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Takes ownership of {@code fd}, which should already be non-blocking. If the wake-up eventfd
     * cannot be created, {@code fd} is closed and the error thrown.
     */
    PolledFd(int fd) throws IOException {
        this(fd, false);
    }

    /**
     * As {@link #PolledFd(int)}; with {@code shutdownOnClose} (sockets only), {@link #close()}
     * shuts the socket down first so threads blocked in a socket call return.
     */
    PolledFd(int fd, boolean shutdownOnClose) throws IOException {
        this.shutdownOnClose = shutdownOnClose;
        int efd = LibC.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (efd < 0) {
            int errno = LibC.errno();
            LibC.close(fd);
            throw Errno.exception("eventfd", errno);
        }
        this.fd = fd;
        this.wakeFd = efd;
    }

    /** The descriptor; use it only between {@link #enter()} and {@link #exit()}. */
    int fd() {
        return fd;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Marks the calling thread as using the descriptor. Pair with {@link #exit()} in a finally. */
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

    /** A poll set for one thread: this descriptor and the wake-up eventfd. */
    Waiter newWaiter() {
        return new Waiter();
    }

    /**
     * Closes the descriptor: wakes every thread in {@link #await}, waits (at most two seconds) for
     * threads inside {@code enter}/{@code exit} to leave, then closes. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        NativeBuffer one = new NativeBuffer(8);
        one.view().putLong(0, 1);
        LibC.write(wakeFd, one.address(), 8); // stays readable: every later poll returns at once
        Reference.reachabilityFence(one); // the memory must outlive the native call
        if (shutdownOnClose) {
            LibC.shutdown(fd, SHUT_RDWR); // ENOTCONN on unconnected UDP, but blocked callers still wake
        }
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (users.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(50_000);
        }
        LibC.close(fd);
        LibC.close(wakeFd);
    }

    /** A thread's own {@code pollfd[2]}; not shared between threads. */
    final class Waiter {
        private final NativeBuffer fds = new NativeBuffer(2 * POLLFD_SIZE);

        private Waiter() {
            fds.view().putInt(0, fd);
            fds.view().putInt(POLLFD_SIZE, wakeFd);
            fds.view().putShort(POLLFD_SIZE + 4, POLLIN);
        }

        /**
         * Blocks until the descriptor reports one of {@code events} (or an error), or the
         * descriptor is closed. Call between {@code enter} and {@code exit}.
         *
         * @return the descriptor's {@code revents}
         * @throws AsynchronousCloseException if {@link #close()} was called
         */
        int await(short events) throws IOException {
            fds.view().putShort(4, events);
            while (true) {
                int n = LibC.poll(fds.address(), 2, -1);
                if (n < 0) {
                    int errno = LibC.errno();
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    throw Errno.exception("poll", errno);
                }
                if (closed.get() || fds.view().getShort(POLLFD_SIZE + 6) != 0) {
                    throw new AsynchronousCloseException();
                }
                int revents = fds.view().getShort(6);
                if (revents != 0) {
                    return revents;
                }
            }
        }
    }
}
