package dev.wgdesk.platform.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory Wintun for tests, with Wintun's ring semantics: packets live in real native
 * memory (a JNA {@link Memory} per ring), each taking a 4-byte size header plus its bytes rounded
 * up to 4, and the ring refuses a packet that does not fit ({@code ERROR_BUFFER_OVERFLOW});
 * an empty receive ring answers {@code ERROR_NO_MORE_ITEMS} and resets the read event, which
 * {@link #inject} sets; an adapter {@link #terminate terminated} answers {@code ERROR_HANDLE_EOF}
 * and sets the read event; a packet size above 0xFFFF in the receive ring is
 * {@code ERROR_INVALID_DATA}. Events are manual-reset; {@link #waitAny} blocks on them for real.
 * Misuse the real DLL would punish (a handle used after close, the read event closed, a packet
 * released twice or out of order, a session ended while a call is inside it) is recorded in
 * {@link #violations()}.
 */
final class FakeWintun implements WintunNative {
    private final Object lock = new Object();
    private final ThreadLocal<Integer> lastError = ThreadLocal.withInitial(() -> 0);
    private final int ringCap; // the capacity the fake really gives a session (to provoke a full ring)
    private long nextHandle = 0x1000;

    final Map<Long, Adapter> adapters = new HashMap<>();
    final Map<Long, Session> sessions = new HashMap<>();
    final Map<Long, Boolean> events = new HashMap<>(); // handle -> signalled
    final List<String> violations = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    int createAdapterError; // non-zero: createAdapter fails with it
    int startSessionError;
    int requestedCapacity;

    /** A fake whose rings hold {@code ringCap} bytes whatever the caller asks for. */
    FakeWintun(int ringCap) {
        this.ringCap = ringCap;
    }

    FakeWintun() {
        this(WintunTun.RING_CAPACITY);
    }

    static final class Adapter {
        final String name;
        final byte[] guid;
        final long luid;
        boolean created;
        boolean closed;
        boolean terminated;

        Adapter(String name, byte[] guid, long luid) {
            this.name = name;
            this.guid = guid;
            this.luid = luid;
        }
    }

    /** A ring: packets at increasing offsets in native memory, wrapping like Wintun's. */
    static final class Ring {
        final Memory memory;
        final int capacity;
        int tail; // where the next packet goes
        int used;
        final ArrayDeque<long[]> packets = new ArrayDeque<>(); // {address, size, footprint, state}

        Ring(int capacity) {
            this.capacity = capacity;
            this.memory = new Memory(capacity + 0x10000 + 8); // room past the end, as Wintun's ring
        }

        /** Address of a new packet of {@code size} bytes, or 0 if it does not fit. */
        long allocate(int size) {
            int footprint = 4 + ((size + 3) & ~3);
            if (used + footprint > capacity) {
                return 0;
            }
            int at = tail;
            memory.setInt(at, size);
            tail = (tail + footprint) % capacity;
            used += footprint;
            long address = Pointer.nativeValue(memory) + at + 4;
            packets.add(new long[] {address, size, footprint, 0});
            return address;
        }

        void free(long[] p) {
            used -= (int) p[2];
        }
    }

    final class Session {
        final Adapter adapter;
        final Ring toHost;   // what the OS sends into the tunnel: WintunReceivePacket reads it
        final Ring fromHost; // what we write: WintunAllocateSendPacket/WintunSendPacket fill it
        final long readEvent;
        boolean ended;
        int inCall;
        final List<byte[]> sent = new ArrayList<>();

        Session(Adapter adapter, int capacity, long readEvent) {
            this.adapter = adapter;
            this.toHost = new Ring(capacity);
            this.fromHost = new Ring(capacity);
            this.readEvent = readEvent;
        }
    }

    // ---- test controls -----------------------------------------------------------------

    /** Puts a packet in the session's receive ring as the OS would; false if the ring is full. */
    boolean inject(long session, byte[] packet) {
        synchronized (lock) {
            Session s = sessions.get(session);
            long a = s.toHost.allocate(packet.length);
            if (a == 0) {
                return false;
            }
            new Pointer(a).write(0, packet, 0, packet.length);
            s.toHost.packets.peekLast()[3] = 1; // committed
            events.put(s.readEvent, true);
            lock.notifyAll();
            return true;
        }
    }

    /** Writes a bogus size into the receive ring (corruption). */
    void injectCorrupt(long session) {
        synchronized (lock) {
            Session s = sessions.get(session);
            long a = s.toHost.allocate(16);
            s.toHost.packets.peekLast()[1] = 0x10000; // larger than any IP packet
            s.toHost.packets.peekLast()[3] = 1;
            new Pointer(a - 4).setInt(0, 0x10000);
            events.put(s.readEvent, true);
            lock.notifyAll();
        }
    }

    /** Takes what the device sent so far, freeing the send ring. */
    List<byte[]> takeSent(long session) {
        synchronized (lock) {
            Session s = sessions.get(session);
            List<byte[]> out = new ArrayList<>(s.sent);
            s.sent.clear();
            return out;
        }
    }

    /** The adapter disappears (disabled, removed): sessions answer ERROR_HANDLE_EOF. */
    void terminate(long adapter) {
        synchronized (lock) {
            adapters.get(adapter).terminated = true;
            for (Session s : sessions.values()) {
                if (s.adapter == adapters.get(adapter)) {
                    events.put(s.readEvent, true);
                }
            }
            lock.notifyAll();
        }
    }

    /** Adds an adapter as if left behind by an earlier process. */
    long existingAdapter(String name) {
        synchronized (lock) {
            long h = nextHandle++;
            adapters.put(h, new Adapter(name, null, 0x00_0047_0000_0000_00L + h));
            return h;
        }
    }

    List<String> violations() {
        synchronized (lock) {
            return new ArrayList<>(violations);
        }
    }

    int openHandles() {
        synchronized (lock) {
            return events.size();
        }
    }

    // ---- WintunNative ------------------------------------------------------------------

    private long fail(int error) {
        lastError.set(error);
        return 0;
    }

    @Override
    public long createAdapter(String name, String tunnelType, byte[] guid) {
        synchronized (lock) {
            calls.add("create " + name + " " + tunnelType);
            if (createAdapterError != 0) {
                return fail(createAdapterError);
            }
            long h = nextHandle++;
            Adapter a = new Adapter(name, guid.clone(), 0x00_0047_0000_0000_00L + h);
            a.created = true;
            adapters.put(h, a);
            return h;
        }
    }

    @Override
    public long openAdapter(String name) {
        synchronized (lock) {
            calls.add("open " + name);
            for (Map.Entry<Long, Adapter> e : adapters.entrySet()) {
                if (e.getValue().name.equals(name) && !e.getValue().closed) {
                    return e.getKey();
                }
            }
            return fail(ERROR_FILE_NOT_FOUND);
        }
    }

    @Override
    public void closeAdapter(long adapter) {
        synchronized (lock) {
            calls.add("closeAdapter");
            Adapter a = adapters.get(adapter);
            if (a == null || a.closed) {
                violations.add("closeAdapter on a closed or unknown handle");
                return;
            }
            for (Session s : sessions.values()) {
                if (s.adapter == a && !s.ended) {
                    violations.add("adapter closed before its session ended");
                }
            }
            a.closed = true;
        }
    }

    @Override
    public boolean deleteDriver() {
        return true;
    }

    @Override
    public long adapterLuid(long adapter) {
        synchronized (lock) {
            return adapters.get(adapter).luid;
        }
    }

    @Override
    public int runningDriverVersion() {
        return 0x0000_000E; // 0.14
    }

    volatile Logger logger;

    @Override
    public void setLogger(Logger logger) {
        this.logger = logger;
    }

    @Override
    public long startSession(long adapter, int capacity) {
        synchronized (lock) {
            calls.add("startSession " + capacity);
            requestedCapacity = capacity;
            if (startSessionError != 0) {
                return fail(startSessionError);
            }
            if (capacity < MIN_RING_CAPACITY || capacity > MAX_RING_CAPACITY || Integer.bitCount(capacity) != 1) {
                return fail(ERROR_INVALID_PARAMETER);
            }
            long ev = nextHandle++;
            events.put(ev, false);
            long h = nextHandle++;
            sessions.put(h, new Session(adapters.get(adapter), Math.min(capacity, ringCap), ev));
            return h;
        }
    }

    @Override
    public void endSession(long session) {
        synchronized (lock) {
            calls.add("endSession");
            Session s = sessions.get(session);
            if (s.ended) {
                violations.add("session ended twice");
            }
            if (s.inCall > 0) {
                violations.add("session ended while a call was inside it");
            }
            s.ended = true;
            events.remove(s.readEvent);
        }
    }

    @Override
    public long readWaitEvent(long session) {
        synchronized (lock) {
            return sessions.get(session).readEvent;
        }
    }

    private Session live(long session) {
        Session s = sessions.get(session);
        if (s == null || s.ended) {
            violations.add("call on an ended session");
        }
        return s;
    }

    @Override
    public long receivePacket(long session, long sizeOut) {
        synchronized (lock) {
            Session s = live(session);
            if (s.adapter.terminated) {
                return fail(ERROR_HANDLE_EOF);
            }
            for (long[] p : s.toHost.packets) {
                if (p[3] == 1) { // committed, not yet handed out
                    if (p[1] > MAX_IP_PACKET_SIZE) {
                        return fail(ERROR_INVALID_DATA);
                    }
                    p[3] = 2;
                    new Pointer(sizeOut).setInt(0, (int) p[1]);
                    return p[0];
                }
            }
            events.put(s.readEvent, false); // empty: reset, the next inject sets it
            return fail(ERROR_NO_MORE_ITEMS);
        }
    }

    @Override
    public void releaseReceivePacket(long session, long packet) {
        synchronized (lock) {
            Session s = live(session);
            long[] head = s.toHost.packets.peekFirst();
            if (head == null || head[0] != packet || head[3] != 2) {
                violations.add("released a packet that is not the oldest handed out");
                return;
            }
            s.toHost.packets.removeFirst();
            s.toHost.free(head);
        }
    }

    @Override
    public long allocateSendPacket(long session, int size) {
        synchronized (lock) {
            Session s = live(session);
            if (s.adapter.terminated) {
                return fail(ERROR_HANDLE_EOF);
            }
            if (size > MAX_IP_PACKET_SIZE) {
                return fail(ERROR_INVALID_PARAMETER);
            }
            long a = s.fromHost.allocate(size);
            if (a == 0) {
                return fail(ERROR_BUFFER_OVERFLOW);
            }
            s.inCall++;
            return a;
        }
    }

    @Override
    public void sendPacket(long session, long packet) {
        synchronized (lock) {
            Session s = live(session);
            s.inCall--;
            for (long[] p : s.fromHost.packets) {
                if (p[0] == packet && p[3] == 0) {
                    p[3] = 1;
                    s.sent.add(new Pointer(packet).getByteArray(0, (int) p[1]));
                }
            }
            // the "driver" consumes sent packets in order
            while (!s.fromHost.packets.isEmpty() && s.fromHost.packets.peekFirst()[3] == 1) {
                s.fromHost.free(s.fromHost.packets.removeFirst());
            }
        }
    }

    /** Keeps sent packets in the ring (a driver that is not draining), so the ring fills. */
    void stallDriver(long session) {
        synchronized (lock) {
            sessions.get(session).fromHost.packets.add(new long[] {0, 0, 0, 9}); // a head that never leaves
        }
    }

    @Override
    public int lastError() {
        return lastError.get();
    }

    @Override
    public long createEvent() {
        synchronized (lock) {
            long h = nextHandle++;
            events.put(h, false);
            return h;
        }
    }

    @Override
    public boolean setEvent(long event) {
        synchronized (lock) {
            if (!events.containsKey(event)) {
                violations.add("SetEvent on a closed handle");
                return false;
            }
            events.put(event, true);
            lock.notifyAll();
            return true;
        }
    }

    /** Threads currently blocked in {@link #waitAny}. */
    int waiting;

    @Override
    public int waitAny(long first, long second, int timeoutMs) {
        synchronized (lock) {
            long deadline = timeoutMs == INFINITE ? Long.MAX_VALUE : System.nanoTime() + timeoutMs * 1_000_000L;
            waiting++;
            try {
                while (true) {
                    Boolean a = events.get(first);
                    Boolean b = events.get(second);
                    if (a == null || b == null) {
                        violations.add("wait on a closed handle");
                        lastError.set(6); // ERROR_INVALID_HANDLE
                        return WAIT_FAILED;
                    }
                    if (a) {
                        return WAIT_OBJECT_0;
                    }
                    if (b) {
                        return WAIT_OBJECT_0 + 1;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return WAIT_TIMEOUT;
                    }
                    try {
                        lock.wait(Math.max(1, Math.min(left / 1_000_000L, 1000)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return WAIT_FAILED;
                    }
                }
            } finally {
                waiting--;
            }
        }
    }

    int waiting() {
        synchronized (lock) {
            return waiting;
        }
    }

    @Override
    public boolean closeHandle(long handle) {
        synchronized (lock) {
            for (Session s : sessions.values()) {
                if (s.readEvent == handle) {
                    violations.add("CloseHandle on the session's read event");
                }
            }
            if (events.remove(handle) == null) {
                violations.add("CloseHandle on a closed or unknown handle");
                return false;
            }
            return true;
        }
    }
}
