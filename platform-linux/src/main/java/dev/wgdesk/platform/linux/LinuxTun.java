package dev.wgdesk.platform.linux;

import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A Linux TUN interface ({@code IFF_TUN | IFF_NO_PI}) driven through JNA.
 *
 * <p><b>Data path.</b> The descriptor is non-blocking. {@link #read} calls {@code read(2)} into a
 * 64 KiB native buffer and copies the packet into the caller's (heap) buffer at its position;
 * only when the queue is empty does it {@code poll(2)} on the descriptor and a wake-up eventfd,
 * so a busy reader makes one syscall per packet. With a {@link #batchSize()} above 1, one call
 * keeps reading until the queue is empty or the batch is full. {@link #write} copies each packet
 * into a per-thread native buffer and calls {@code write(2)}. Nothing is allocated per packet.
 * Why not block in {@code read(2)}: a read blocked on a TUN descriptor wakes only for a packet,
 * a signal or the device's deletion, so {@link #close()} could not interrupt it. The price is two
 * extra system calls when the reader has caught up with the kernel (an idle tunnel); under load a
 * read is one system call.
 *
 * <p><b>Drops.</b> A packet larger than the caller's room ({@code limit - position}) is
 * dropped on read, never truncated, and counted ({@link #oversizedDropped()}). On write, a packet the kernel refuses (neither IPv4 nor
 * IPv6: {@code EINVAL}; link down: {@code EIO}) is dropped and the rest are written.
 *
 * <p><b>Offload</b> (optional, {@link LinuxTunProvider#LinuxTunProvider(int, boolean)}). Every read
 * and write then carries a 10-byte {@code virtio_net_hdr} in front of the packet, kept in native
 * memory and never shown to the caller. A read may return a TCP or UDP super-packet of up to
 * 64 KiB, which is cut into MTU-sized segments ({@link TunOffload}) and handed out over this and
 * the following read calls; a packet with a partial checksum gets it completed. On write, runs
 * of in-order TCP segments of one flow within a batch are merged into one super-packet that the
 * kernel takes as if a network card's GRO had built it ({@link TunCoalescer}; one copy and one
 * {@code write(2)} per merged group); other packets go out with an empty header. Coalescing can
 * be turned off on its own ({@link LinuxTunProvider}, {@code wgdesk.tun.gro=false}).
 *
 * <p><b>Events.</b> An rtnetlink listener ({@link LinkMonitor}) reports MTU changes, up/down and
 * removal of the interface ({@code ip link del}) to the {@link #onEvent} listeners. After
 * removal, {@code read} and {@code write} throw an IOException naming the interface.
 *
 * <p><b>Threading.</b> One thread reads (reads are serialized), any number write concurrently,
 * {@link #close()} may be called from any thread, including a listener, and wakes a blocked
 * reader with an {@link java.nio.channels.AsynchronousCloseException}.
 */
public final class LinuxTun implements Tun {
    /** Big enough for any IPv4/IPv6 packet the interface can carry (MTU up to 65535). */
    static final int MAX_PACKET = 65535;

    private final String name;
    private final int index;
    private final int batchSize;
    private final PolledFd fd;
    private final CopyOnWriteArrayList<Consumer<TunEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock readLock = new ReentrantLock();
    private final PolledFd.Waiter readWaiter;
    private final boolean offload;
    private final int head; // bytes in front of each packet: the virtio header with offload, else 0
    private final NativeBuffer readBuffer;
    private final java.util.concurrent.atomic.AtomicLong oversized = new java.util.concurrent.atomic.AtomicLong();
    private final ThreadLocal<NativeBuffer> writeBuffers;
    private final boolean coalesce; // merge TCP segments on write (offload only)
    private final ThreadLocal<Writer> writers;
    private final java.util.concurrent.atomic.AtomicLong coalesced = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong coalescedSegments = new java.util.concurrent.atomic.AtomicLong();
    // Guarded by readLock: a super-packet being cut into segments (offload only).
    private final TunOffload.Header vnet = new TunOffload.Header();
    private int pendingIndex;
    private int pendingCount;
    private int pendingLength;
    private volatile long superPackets; // written under readLock, read without it (diagnostics)
    private final InterfaceControl control;
    private final LinkMonitor monitor;

    /**
     * Takes ownership of the attached, configured TUN descriptor and of {@code control} (opened
     * in the same network namespace); closes both if the event listener cannot be started.
     */
    LinuxTun(String name, int index, int tunFd, InterfaceControl control, int batchSize, boolean offload)
            throws IOException {
        this(name, index, tunFd, control, batchSize, offload, offload);
    }

    /** As above; with {@code coalesce} (needs {@code offload}) writes merge TCP segments ({@link TunCoalescer}). */
    LinuxTun(String name, int index, int tunFd, InterfaceControl control, int batchSize, boolean offload,
            boolean coalesce) throws IOException {
        this.name = name;
        this.index = index;
        this.batchSize = batchSize;
        this.control = control;
        this.offload = offload;
        this.head = offload ? TunOffload.VNET_HDR_LEN : 0;
        this.readBuffer = new NativeBuffer(head + MAX_PACKET, false);
        int h = head;
        this.writeBuffers = ThreadLocal.withInitial(() -> {
            NativeBuffer b = new NativeBuffer(h + MAX_PACKET, false);
            for (int i = 0; i < h; i++) {
                b.view().put(i, (byte) 0); // virtio header: no checksum to finish, not segmented
            }
            return b;
        });
        this.coalesce = offload && coalesce;
        this.writers = ThreadLocal.withInitial(Writer::new);
        PolledFd polled = null;
        LinkMonitor m;
        try {
            polled = new PolledFd(tunFd); // closes tunFd itself if it fails
            m = LinkMonitor.start(name, index, control, this::dispatch);
        } catch (IOException | RuntimeException e) {
            if (polled != null) {
                polled.close();
            }
            control.close();
            throw e;
        }
        this.fd = polled;
        this.readWaiter = polled.newWaiter();
        this.monitor = m;
    }

    @Override
    public String name() {
        return name;
    }

    /** The kernel's interface index. */
    public int index() {
        return index;
    }

    @Override
    public int mtu() throws IOException {
        if (fd.isClosed()) {
            throw new ClosedChannelException();
        }
        if (monitor.removed()) {
            throw removedException();
        }
        return control.mtu(name);
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int read(ByteBuffer[] bufs, int count) throws IOException {
        int max = Math.min(Math.min(count, bufs.length), batchSize);
        if (max < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        readLock.lock();
        try {
            fd.enter();
            try {
                return readLocked(bufs, max);
            } finally {
                fd.exit();
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Must hold readLock and be inside fd.enter(). */
    private int readLocked(ByteBuffer[] bufs, int max) throws IOException {
        int n = 0;
        boolean pollError = false;
        while (true) {
            if (pendingIndex < pendingCount) { // segments of a super-packet read earlier
                ByteBuffer b = bufs[n];
                int len = TunOffload.segment(readBuffer.view(), head, pendingLength, vnet, pendingIndex++, b, b.position());
                if (len < 0) {
                    oversized.incrementAndGet(); // too big for the caller's room: dropped
                } else if (++n == max) {
                    return n;
                }
                continue;
            }
            long r = LibC.read(fd.fd(), readBuffer.address(), head + MAX_PACKET);
            if (r > head) {
                pollError = false;
                if (accept((int) r - head, bufs[n]) && ++n == max) {
                    return n;
                }
                continue;
            }
            if (r > 0) {
                continue; // shorter than the virtio header: nothing to deliver
            }
            int errno = r == 0 ? Errno.EAGAIN : LibC.errno();
            if (errno == Errno.EAGAIN) {
                if (n > 0) {
                    return n;
                }
                if (pollError) {
                    throw removedOr("poll reported an error on the TUN descriptor of " + name);
                }
                int revents = readWaiter.await(PolledFd.POLLIN);
                pollError = (revents & (PolledFd.POLLERR | PolledFd.POLLHUP | PolledFd.POLLNVAL)) != 0;
            } else if (errno != Errno.EINTR) {
                if (n > 0) {
                    return n; // the error repeats on the next call
                }
                throw failure("read from", errno);
            }
        }
    }

    /**
     * Takes the packet just read ({@code length} bytes after the head): copies it into {@code b},
     * or with offload finishes its checksum or queues its segments. Returns true if {@code b} now
     * holds a packet; false if it was dropped or became pending segments.
     */
    private boolean accept(int length, ByteBuffer b) {
        if (offload) {
            if (!vnet.parse(readBuffer.view(), 0, length)) {
                return false; // malformed virtio header
            }
            if (vnet.segmented()) {
                superPackets = superPackets + 1; // single writer (readLock)
                pendingCount = TunOffload.segmentCount(readBuffer.view(), head, length, vnet);
                pendingIndex = 0;
                pendingLength = length;
                return false;
            }
        }
        int pos = b.position();
        if (length > b.limit() - pos) {
            oversized.incrementAndGet();
            return false; // too big for the caller's room: dropped, never truncated
        }
        b.limit(pos + length); // first: absolute bulk puts are bounded by the limit
        b.put(pos, readBuffer.view(), head, length);
        if (offload && vnet.needsChecksum()) {
            TunOffload.completeChecksum(b, pos, length, vnet);
        }
        return true;
    }

    /** A writing thread's coalescer and the native buffer it builds packets in. */
    private static final class Writer {
        final TunCoalescer coalescer = new TunCoalescer();
        final NativeBuffer out = new NativeBuffer(TunCoalescer.HEAD + MAX_PACKET, false);
    }

    @Override
    public void write(ByteBuffer[] bufs, int count) throws IOException {
        if (coalesce) {
            writeCoalesced(bufs, count);
            return;
        }
        NativeBuffer out = writeBuffers.get();
        fd.enter();
        try {
            for (int i = 0; i < count; i++) {
                ByteBuffer b = bufs[i];
                int len = b.remaining();
                if (len == 0) {
                    continue;
                }
                if (len > MAX_PACKET) {
                    b.position(b.limit()); // cannot be a valid packet: skipped
                    continue;
                }
                out.view().put(head, b, b.position(), len);
                b.position(b.limit());
                writeOne(out.address(), head + len);
            }
        } finally {
            fd.exit();
        }
    }

    /** The batch through a {@link TunCoalescer}: one write per merged group or other packet. */
    private void writeCoalesced(ByteBuffer[] bufs, int count) throws IOException {
        Writer w = writers.get();
        TunCoalescer c = w.coalescer;
        long merged = c.merged();
        long segments = c.segments();
        fd.enter();
        try {
            c.start(bufs, count);
            int len;
            while ((len = c.next(w.out.view())) >= 0) {
                writeOne(w.out.address(), len);
            }
        } finally {
            fd.exit();
            if (c.merged() != merged) {
                coalesced.addAndGet(c.merged() - merged);
                coalescedSegments.addAndGet(c.segments() - segments);
            }
        }
    }

    private void writeOne(long address, int length) throws IOException {
        long r = LibC.write(fd.fd(), address, length);
        if (r < 0) {
            int errno = LibC.errno();
            if (errno == Errno.EBADFD || errno == Errno.ENXIO || errno == Errno.ENODEV || errno == Errno.EBADF) {
                throw failure("write to", errno);
            }
            // EIO: the link is down (ip link set down), the packet is dropped as the kernel
            // would; EINVAL (not IPv4/IPv6, or a virtio header it refuses), EFAULT, EAGAIN,
            // ENOMEM: the OS rejected it.
        }
    }

    /** Super-packets written so far by merging TCP segments (tests, diagnostics). */
    long coalesced() {
        return coalesced.get();
    }

    /** The segments merged into those super-packets. */
    long coalescedSegments() {
        return coalescedSegments.get();
    }

    /** Whether writes merge TCP segments into super-packets. */
    public boolean coalescing() {
        return coalesce;
    }

    /** Packets dropped on read because they were larger than the reader's room (an MTU above the engine's limit). */
    public long oversizedDropped() {
        return oversized.get();
    }

    /** Whether the kernel hands this device offloaded packets ({@code IFF_VNET_HDR}). */
    public boolean offload() {
        return offload;
    }

    /** How many super-packets reads have cut into segments so far (tests, diagnostics). */
    long superPackets() {
        return superPackets; // not under readLock: a blocked reader holds it
    }

    @Override
    public void onEvent(Consumer<TunEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops the event listener and closes the descriptor, which deletes the interface unless it
     * was made persistent by someone else. Idempotent.
     */
    @Override
    public void close() {
        monitor.close(); // first, so our own teardown is not reported as a removal
        fd.close();
        control.close();
    }

    @Override
    public String toString() {
        return "LinuxTun[" + name + ", index " + index + "]";
    }

    private void dispatch(TunEvent event) {
        for (Consumer<TunEvent> l : listeners) {
            l.accept(event);
        }
    }

    private IOException failure(String op, int errno) {
        if (errno == Errno.EBADFD || errno == Errno.ENODEV || errno == Errno.ENXIO || monitor.removed()) {
            return removedException();
        }
        return new IOException("cannot " + op + " TUN interface " + name + ": " + Errno.describe(errno));
    }

    private IOException removedOr(String message) {
        boolean gone;
        try {
            gone = monitor.removed() || control.index(name) != index;
        } catch (IOException e) {
            gone = false;
        }
        return gone ? removedException() : new IOException(message);
    }

    private IOException removedException() {
        return new IOException("TUN interface " + name + " was removed (for example by 'ip link del')");
    }
}
