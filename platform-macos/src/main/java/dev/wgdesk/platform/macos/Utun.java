package dev.wgdesk.platform.macos;

import com.sun.jna.Memory;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A macOS utun interface: a kernel-control socket connected to {@code com.apple.net.utun_control}.
 *
 * <p><b>Data path.</b> One packet per {@code read(2)}/{@code write(2)}, each preceded by a 4-byte
 * header holding the address family in network byte order: 2 for IPv4, <b>30</b> for IPv6 (Darwin's
 * AF_INET6, not Linux's 10). {@link #read} strips it, {@link #write} adds it from the IP version
 * nibble. The descriptor is non-blocking; a reader with nothing to read waits in {@code poll(2)}
 * on it and a wake-up pipe ({@link WakeableFd}). Native buffers are allocated once (the read buffer
 * per device, a write buffer per writing thread): nothing is allocated per packet.
 *
 * <p><b>Drops</b> (counted, never an exception, never truncated): on read, a message no longer
 * than the header, an unknown address family, a packet larger than the caller's room; on write,
 * an empty buffer is skipped, a packet that is neither IPv4 nor IPv6 or larger than 65535 bytes is
 * dropped, and so is a packet the kernel refuses (for example {@code ENOBUFS}).
 *
 * <p><b>Events.</b> A thread reads the routing socket ({@code PF_ROUTE}) and reports this
 * interface's up/down and MTU changes ({@link RouteEvents}) to the {@link #onEvent} listeners,
 * outside any lock, so a listener may close the device.
 *
 * <p><b>Threading.</b> One thread reads (reads are serialised), any number write, {@link #close()}
 * may be called from any thread and wakes a blocked reader with an
 * {@link java.nio.channels.AsynchronousCloseException}.
 */
public final class Utun implements Tun {
    /** The largest IP packet. */
    static final int MAX_PACKET = 65535;

    private final DarwinNative sys;
    private final String name;
    private final int index;
    private final WakeableFd fd;
    private final WakeableFd.Waiter readWaiter;
    private final int controlFd; // AF_INET datagram socket for interface ioctls
    private final WakeableFd routes;
    private final Thread eventThread;
    private final RouteEvents reducer;
    private final CopyOnWriteArrayList<Consumer<TunEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock readLock = new ReentrantLock();
    private final Memory readMemory = new Memory(Darwin.UTUN_HEADER + MAX_PACKET);
    private final ByteBuffer readBuffer = readMemory.getByteBuffer(0, readMemory.size()).order(ByteOrder.BIG_ENDIAN);
    private final ThreadLocal<WriteBuffer> writeBuffers = ThreadLocal.withInitial(WriteBuffer::new);
    private final AtomicLong readDrops = new AtomicLong();
    private final AtomicLong writeDrops = new AtomicLong();
    private final Object closeLock = new Object();
    private boolean closed;

    /**
     * Takes ownership of the connected utun socket, the control socket and the routing socket
     * (all three closed if this constructor fails) and starts the event thread.
     */
    Utun(DarwinNative sys, String name, int index, int utunFd, int controlFd, int routeFd, int mtu) throws IOException {
        this.sys = sys;
        this.name = name;
        this.index = index;
        this.controlFd = controlFd;
        WakeableFd data = null;
        try {
            data = new WakeableFd(sys, utunFd, "utun socket of " + name); // closes utunFd on failure
            this.routes = new WakeableFd(sys, routeFd, "routing socket"); // closes routeFd on failure
        } catch (IOException | RuntimeException e) {
            if (data != null) {
                data.close();
            }
            sys.close(controlFd);
            throw e;
        }
        this.fd = data;
        this.readWaiter = data.newWaiter();
        this.reducer = new RouteEvents(index, true, mtu);
        absorbSetupMessages();
        this.eventThread = Thread.ofPlatform().daemon().name("utun-events-" + name).unstarted(this::eventLoop);
        eventThread.start();
    }

    @Override
    public String name() {
        return name;
    }

    /** The interface index. */
    public int index() {
        return index;
    }

    @Override
    public int batchSize() {
        return 1;
    }

    /** Packets dropped on read: too short, unknown family, or larger than the caller's buffer. */
    public long readDrops() {
        return readDrops.get();
    }

    /** Packets dropped on write: not IPv4/IPv6, too large, or refused by the kernel. */
    public long writeDrops() {
        return writeDrops.get();
    }

    @Override
    public int mtu() throws IOException {
        fd.enter();
        try (Memory ifr = ifreq(name)) {
            if (sys.ioctl(controlFd, Darwin.SIOCGIFMTU, ifr) < 0) {
                throw new IOException("cannot read the MTU of " + name + ": errno " + sys.errno());
            }
            return ifr.getInt(Darwin.IFREQ_UNION);
        } finally {
            fd.exit();
        }
    }

    @Override
    public int read(ByteBuffer[] bufs, int count) throws IOException {
        if (count < 1 || bufs.length < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        readLock.lock();
        try {
            fd.enter();
            try {
                return readLocked(bufs[0]);
            } finally {
                fd.exit();
            }
        } finally {
            readLock.unlock();
        }
    }

    private int readLocked(ByteBuffer b) throws IOException {
        while (true) {
            long r = sys.read(fd.fd(), readMemory, readMemory.size());
            if (r < 0) {
                int errno = sys.errno();
                if (errno == Darwin.EAGAIN) {
                    int revents = readWaiter.await();
                    if ((revents & (Darwin.POLLERR | Darwin.POLLHUP | Darwin.POLLNVAL)) != 0
                            && (revents & Darwin.POLLIN) == 0) {
                        throw new IOException("utun interface " + name + " reported an error (poll revents "
                                + revents + ")");
                    }
                } else if (errno != Darwin.EINTR) {
                    throw new IOException("cannot read from utun interface " + name + ": errno " + errno);
                }
                continue;
            }
            if (r == 0) {
                throw new IOException("utun interface " + name + " was closed by the kernel");
            }
            int length = (int) r - Darwin.UTUN_HEADER;
            int family = readBuffer.getInt(0);
            int pos = b.position();
            if (length <= 0 || (family != Darwin.AF_INET && family != Darwin.AF_INET6)
                    || length > b.capacity() - pos) {
                readDrops.incrementAndGet();
                continue;
            }
            b.limit(pos + length); // first: absolute bulk puts are bounded by the limit
            b.put(pos, readBuffer, Darwin.UTUN_HEADER, length);
            return 1;
        }
    }

    @Override
    public void write(ByteBuffer[] bufs, int count) throws IOException {
        WriteBuffer wb = writeBuffers.get();
        Memory out = wb.memory;
        fd.enter();
        try {
            for (int i = 0; i < count; i++) {
                ByteBuffer b = bufs[i];
                int len = b.remaining();
                if (len == 0) {
                    continue;
                }
                int pos = b.position();
                b.position(b.limit());
                int version = (b.get(pos) >> 4) & 0xF;
                int family = version == 4 ? Darwin.AF_INET : version == 6 ? Darwin.AF_INET6 : -1;
                if (family < 0 || len > MAX_PACKET) {
                    writeDrops.incrementAndGet();
                    continue;
                }
                wb.view.putInt(0, family); // network byte order
                wb.view.put(Darwin.UTUN_HEADER, b, pos, len);
                long r = sys.write(fd.fd(), out, Darwin.UTUN_HEADER + len);
                if (r < 0) {
                    int errno = sys.errno();
                    if (errno == Darwin.EBADF) {
                        throw new IOException("cannot write to utun interface " + name + ": errno " + errno);
                    }
                    writeDrops.incrementAndGet(); // ENOBUFS, EAGAIN, ...: the packet is dropped
                }
            }
        } finally {
            fd.exit();
        }
    }

    @Override
    public void onEvent(Consumer<TunEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops the event thread, closes the utun socket (which destroys the interface) and the
     * control socket. Idempotent; wakes a blocked reader.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        routes.close();
        if (Thread.currentThread() != eventThread) {
            try {
                eventThread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        fd.close();
        sys.close(controlFd);
    }

    @Override
    public String toString() {
        return "Utun[" + name + ", index " + index + "]";
    }

    /**
     * The routing socket was opened before the interface was set up (so no later change goes
     * unseen); the messages already queued describe that setup: they move the reducer's state
     * without raising events.
     */
    private void absorbSetupMessages() {
        try (Memory buf = new Memory(2048)) {
            ByteBuffer view = buf.getByteBuffer(0, buf.size());
            for (int i = 0; i < 1000; i++) {
                long r = sys.read(routes.fd(), buf, buf.size());
                if (r <= 0) {
                    return; // EAGAIN: nothing more queued
                }
                reducer.accept(view, (int) r);
            }
        }
    }

    /** Reads routing messages until the routing socket is closed. */
    private void eventLoop() {
        try (Memory buf = new Memory(2048)) {
            ByteBuffer view = buf.getByteBuffer(0, buf.size());
            WakeableFd.Waiter waiter = routes.newWaiter();
            routes.enter();
            try {
                while (true) {
                    long r = sys.read(routes.fd(), buf, buf.size());
                    if (r < 0) {
                        int errno = sys.errno();
                        if (errno == Darwin.EAGAIN) {
                            waiter.await();
                        } else if (errno != Darwin.EINTR && errno != Darwin.ENOBUFS) {
                            return; // the socket failed: no more events, the data path is unaffected
                        }
                        continue;
                    }
                    if (r == 0) {
                        return;
                    }
                    List<TunEvent> events = reducer.accept(view, (int) r);
                    for (TunEvent e : events) {
                        for (Consumer<TunEvent> l : listeners) {
                            l.accept(e);
                        }
                    }
                }
            } finally {
                routes.exit();
            }
        } catch (ClosedChannelException e) {
            // closed: done
        } catch (IOException e) {
            // poll failed: no more events
        }
    }

    /** A writing thread's native buffer and its big-endian view, made once per thread. */
    private static final class WriteBuffer {
        final Memory memory = new Memory(Darwin.UTUN_HEADER + MAX_PACKET);
        final ByteBuffer view = memory.getByteBuffer(0, memory.size()).order(ByteOrder.BIG_ENDIAN);
    }

    /** A zeroed {@code struct ifreq} with the interface name; the caller closes it. */
    static Memory ifreq(String ifname) {
        Memory m = new Memory(Darwin.IFREQ_SIZE);
        m.clear();
        byte[] n = ifname.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        m.write(0, n, 0, Math.min(n.length, Darwin.IFNAMSIZ - 1));
        return m;
    }
}
