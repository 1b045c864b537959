package dev.wgdesk.platform.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A Wintun adapter with an open session: the Windows {@link Tun}.
 *
 * <p><b>Data path.</b> {@link #read} takes packets from the session's receive ring
 * ({@code WintunReceivePacket}), copies each into the caller's buffer at its position and releases
 * it at once. When the ring is empty ({@code ERROR_NO_MORE_ITEMS}) and nothing was read yet, the
 * reader waits on the session's read event and on this device's own close event
 * ({@code WaitForMultipleObjects}), then tries again. {@link #write} allocates room in the send
 * ring ({@code WintunAllocateSendPacket}), copies the packet there and sends it. Packets are raw
 * IP, no header. Nothing is allocated per packet (the packet size slot is allocated once; copies
 * go straight between the ring and a heap buffer's array).
 *
 * <p><b>Drops</b>, each counted: a received packet larger than the caller's room
 * ({@code capacity - position}) is released and dropped, never truncated
 * ({@link #readDropsTooBig()}); a packet to write larger than 65535 bytes cannot be carried
 * ({@link #writeDropsTooBig()}); a full send ring ({@code ERROR_BUFFER_OVERFLOW}) drops the packet
 * as a full NIC queue would ({@link #writeDropsRingFull()}), and the rest of the batch is still
 * tried.
 *
 * <p><b>End of session.</b> {@code ERROR_HANDLE_EOF} from either ring means the adapter went away
 * (removed or disabled by an administrator, or the driver is unloading): read and write throw an
 * IOException naming the adapter and the listeners get one {@link TunEvent.Removed}.
 * {@code ERROR_INVALID_DATA} (a corrupt ring) is thrown as an IOException. Packets already taken
 * in the same read call are returned first; the error comes on the next call.
 *
 * <p><b>MTU and events.</b> Wintun has no MTU of its own: the interface MTU is set with
 * {@code SetIpInterfaceEntry} by the network configuration, which reports it with
 * {@link #setMtu}; that is the only event source today. Interface change notifications
 * ({@code NotifyIpInterfaceChange}) are not wired yet, so Up/Down are never reported.
 *
 * <p><b>Threading.</b> One thread reads (reads are serialized), any number write concurrently,
 * {@link #close()} may be called from any thread including a listener. Close sets the close event,
 * which wakes a waiting reader with an {@link AsynchronousCloseException}, waits until no thread is
 * inside a ring call, and only then ends the session and closes the adapter, so no call ever
 * touches a freed ring. The session's read event belongs to the session and is never closed here.
 */
public final class WintunTun implements Tun {
    /** The session ring capacity: 8 MiB, as wireguard-go uses. */
    public static final int RING_CAPACITY = 0x800000;

    /** Reads bytes at absolute native addresses: peer 0 plus the address as offset. */
    private static final Pointer ABSOLUTE = new Pointer(0);

    private final WintunNative api;
    private final String name;
    private final long adapter;
    private final long session;
    private final long readEvent;
    private final long closeEvent;
    private final long luid;
    private final int batchSize;
    private volatile int mtu;

    private final ReentrantLock readLock = new ReentrantLock();
    private final Memory sizeSlot = new Memory(4); // guarded by readLock
    private final long sizeAddress = Pointer.nativeValue(sizeSlot);
    private final byte[] readScratch = new byte[WintunNative.MAX_IP_PACKET_SIZE]; // direct buffers; readLock
    private final ThreadLocal<byte[]> writeScratch =
            ThreadLocal.withInitial(() -> new byte[WintunNative.MAX_IP_PACKET_SIZE]);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean removed = new AtomicBoolean();
    private final CopyOnWriteArrayList<Consumer<TunEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong readDropsTooBig = new AtomicLong();
    private final AtomicLong writeDropsTooBig = new AtomicLong();
    private final AtomicLong writeDropsRingFull = new AtomicLong();

    /** Takes ownership of the adapter, the session and the close event. */
    WintunTun(WintunNative api, String name, long adapter, long session, long readEvent, long closeEvent,
              long luid, int mtu, int batchSize) {
        this.api = api;
        this.name = name;
        this.adapter = adapter;
        this.session = session;
        this.readEvent = readEvent;
        this.closeEvent = closeEvent;
        this.luid = luid;
        this.mtu = mtu;
        this.batchSize = batchSize;
    }

    @Override
    public String name() {
        return name;
    }

    /** The adapter's NET_LUID, the key every iphlpapi configuration call takes. */
    public long luid() {
        return luid;
    }

    @Override
    public int mtu() throws IOException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        return mtu;
    }

    /**
     * Records the MTU the network configuration gave the interface and tells the listeners if it
     * changed.
     */
    public void setMtu(int newMtu) {
        if (newMtu < 68 || newMtu > WintunNative.MAX_IP_PACKET_SIZE) {
            throw new IllegalArgumentException("MTU must be 68..65535, not " + newMtu);
        }
        int old = mtu;
        mtu = newMtu;
        if (old != newMtu) {
            dispatch(new TunEvent.MtuChanged(newMtu));
        }
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
        boolean wasRemoved = false;
        readLock.lock();
        try {
            enter();
            try {
                int n = readLocked(bufs, max);
                if (n < 0) {
                    wasRemoved = true;
                    throw removedException();
                }
                return n;
            } finally {
                exit();
            }
        } finally {
            readLock.unlock();
            if (wasRemoved) {
                reportRemoved(); // outside every lock: a listener may close the device
            }
        }
    }

    /** Must hold readLock and be inside enter(). Returns -1 when the session ended (ERROR_HANDLE_EOF). */
    private int readLocked(ByteBuffer[] bufs, int max) throws IOException {
        int n = 0;
        while (true) {
            long packet = api.receivePacket(session, sizeAddress);
            if (packet != 0) {
                int size = sizeSlot.getInt(0);
                ByteBuffer b = bufs[n];
                int pos = b.position();
                if (size > b.capacity() - pos) {
                    api.releaseReceivePacket(session, packet);
                    readDropsTooBig.incrementAndGet(); // dropped, never truncated
                    continue;
                }
                b.limit(pos + size);
                if (b.hasArray()) {
                    ABSOLUTE.read(packet, b.array(), b.arrayOffset() + pos, size);
                } else {
                    ABSOLUTE.read(packet, readScratch, 0, size);
                    b.put(pos, readScratch, 0, size);
                }
                api.releaseReceivePacket(session, packet);
                if (++n == max) {
                    return n;
                }
                continue;
            }
            int error = api.lastError();
            if (n > 0) {
                return n; // whatever the error, it repeats on the next call
            }
            switch (error) {
                case WintunNative.ERROR_NO_MORE_ITEMS -> awaitPackets();
                case WintunNative.ERROR_HANDLE_EOF -> {
                    return -1;
                }
                case WintunNative.ERROR_INVALID_DATA -> throw new IOException(
                        "the receive ring of Wintun adapter " + name + " is corrupt (ERROR_INVALID_DATA)");
                default -> throw new IOException("cannot read from Wintun adapter " + name + ": "
                        + WindowsTunException.describe(error));
            }
        }
    }

    /** The ring is empty: waits for the read event or the close event. */
    private void awaitPackets() throws IOException {
        if (closed.get()) {
            throw new AsynchronousCloseException();
        }
        int w = api.waitAny(readEvent, closeEvent, WintunNative.INFINITE);
        if (w == WintunNative.WAIT_OBJECT_0 + 1 || closed.get()) {
            throw new AsynchronousCloseException();
        }
        if (w != WintunNative.WAIT_OBJECT_0) {
            throw new IOException("waiting for packets on Wintun adapter " + name + " failed: "
                    + (w == WintunNative.WAIT_FAILED ? WindowsTunException.describe(api.lastError()) : "result " + w));
        }
    }

    @Override
    public void write(ByteBuffer[] bufs, int count) throws IOException {
        boolean wasRemoved = false;
        enter();
        try {
            for (int i = 0; i < count; i++) {
                ByteBuffer b = bufs[i];
                int len = b.remaining();
                if (len == 0) {
                    continue;
                }
                int pos = b.position();
                b.position(b.limit()); // positions are not preserved, whatever happens to the packet
                if (len > WintunNative.MAX_IP_PACKET_SIZE) {
                    writeDropsTooBig.incrementAndGet();
                    continue;
                }
                long packet = api.allocateSendPacket(session, len);
                if (packet == 0) {
                    int error = api.lastError();
                    if (error == WintunNative.ERROR_BUFFER_OVERFLOW) {
                        writeDropsRingFull.incrementAndGet();
                        continue;
                    }
                    if (error == WintunNative.ERROR_HANDLE_EOF) {
                        wasRemoved = true;
                        throw removedException();
                    }
                    throw new IOException("cannot write to Wintun adapter " + name + ": "
                            + WindowsTunException.describe(error));
                }
                if (b.hasArray()) {
                    ABSOLUTE.write(packet, b.array(), b.arrayOffset() + pos, len);
                } else {
                    byte[] s = writeScratch.get();
                    b.get(pos, s, 0, len);
                    ABSOLUTE.write(packet, s, 0, len);
                }
                api.sendPacket(session, packet);
            }
        } finally {
            exit();
            if (wasRemoved) {
                reportRemoved();
            }
        }
    }

    /** Received packets dropped because they did not fit the caller's buffer. */
    public long readDropsTooBig() {
        return readDropsTooBig.get();
    }

    /** Packets not written because they were larger than 65535 bytes. */
    public long writeDropsTooBig() {
        return writeDropsTooBig.get();
    }

    /** Packets not written because the send ring was full. */
    public long writeDropsRingFull() {
        return writeDropsRingFull.get();
    }

    @Override
    public void onEvent(Consumer<TunEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Wakes a waiting reader, waits until no thread is inside a ring call, ends the session,
     * closes the adapter (which removes an adapter this process created) and the close event.
     * Idempotent; never called with a ring call of this thread in progress (a listener runs
     * outside them).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        api.setEvent(closeEvent);
        boolean interrupted = false;
        while (users.get() > 0) { // a reader leaves as soon as it sees the close event; writers never block
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        api.endSession(session);
        api.closeAdapter(adapter);
        api.closeHandle(closeEvent);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "WintunTun[" + name + ", luid 0x" + Long.toHexString(luid) + "]";
    }

    private void enter() throws ClosedChannelException {
        users.incrementAndGet();
        if (closed.get()) {
            users.decrementAndGet();
            throw new ClosedChannelException();
        }
    }

    private void exit() {
        users.decrementAndGet();
    }

    private void reportRemoved() {
        if (removed.compareAndSet(false, true)) {
            dispatch(new TunEvent.Removed());
        }
    }

    private void dispatch(TunEvent event) {
        for (Consumer<TunEvent> l : listeners) {
            l.accept(event);
        }
    }

    private IOException removedException() {
        return new IOException("Wintun adapter " + name
                + " went away (removed or disabled, or the driver is unloading): ERROR_HANDLE_EOF");
    }
}
