package dev.wgdesk.platform.windows;

/**
 * The native calls a {@link WintunTun} makes: the 14 exports of {@code wintun.dll} (WireGuard's
 * {@code api/wintun.h}) and the few kernel32 event calls its reader waits with. It is an
 * interface so that tests drive the device's real loops with a fake ring ({@code FakeWintun}),
 * and {@link JnaWintun} is the implementation on Windows.
 *
 * <p>Handles and packet pointers are passed as {@code long} (pointer-sized on every 64-bit
 * Windows); 0 is NULL. A call that can fail returns 0 or {@code false}, and {@link #lastError()}
 * called right after it on the same thread gives the Win32 error code ({@code GetLastError}).
 * Packet pointers point into the session's ring: the caller copies bytes in or out through JNA
 * (so the fake's ring must be real native memory too).
 */
public interface WintunNative {
    /** {@code ERROR_FILE_NOT_FOUND}: no adapter of that name; or the driver is not loaded. */
    int ERROR_FILE_NOT_FOUND = 2;
    /** {@code ERROR_ACCESS_DENIED}: creating an adapter or session needs an administrator. */
    int ERROR_ACCESS_DENIED = 5;
    /** {@code ERROR_INVALID_DATA}: the ring's content is corrupt (a packet larger than possible). */
    int ERROR_INVALID_DATA = 13;
    /** {@code ERROR_HANDLE_EOF}: the session is over (adapter removed or being torn down). */
    int ERROR_HANDLE_EOF = 38;
    /** {@code ERROR_INVALID_PARAMETER}. */
    int ERROR_INVALID_PARAMETER = 87;
    /** {@code ERROR_BUFFER_OVERFLOW}: the send ring is full; the packet is dropped. */
    int ERROR_BUFFER_OVERFLOW = 111;
    /** {@code ERROR_NO_MORE_ITEMS}: the receive ring is empty; wait on the read event. */
    int ERROR_NO_MORE_ITEMS = 259;

    /** {@code WAIT_OBJECT_0}: the first handle of {@link #waitAny} was signalled. */
    int WAIT_OBJECT_0 = 0;
    /** {@code WAIT_TIMEOUT}. */
    int WAIT_TIMEOUT = 0x102;
    /** {@code WAIT_FAILED}. */
    int WAIT_FAILED = 0xFFFF_FFFF;
    /** {@code INFINITE} as a timeout. */
    int INFINITE = 0xFFFF_FFFF;

    /** Largest IP packet a Wintun ring carries ({@code WINTUN_MAX_IP_PACKET_SIZE}). */
    int MAX_IP_PACKET_SIZE = 0xFFFF;
    /** Smallest session ring capacity ({@code WINTUN_MIN_RING_CAPACITY}, 128 KiB). */
    int MIN_RING_CAPACITY = 0x20000;
    /** Largest session ring capacity ({@code WINTUN_MAX_RING_CAPACITY}, 64 MiB). */
    int MAX_RING_CAPACITY = 0x4000000;

    /** The names of the 14 exports, as in Wintun's {@code api/exports.def}. */
    java.util.List<String> EXPORTS = java.util.List.of(
            "WintunCreateAdapter", "WintunOpenAdapter", "WintunCloseAdapter", "WintunDeleteDriver",
            "WintunGetAdapterLUID", "WintunGetRunningDriverVersion", "WintunSetLogger", "WintunStartSession",
            "WintunEndSession", "WintunGetReadWaitEvent", "WintunReceivePacket", "WintunReleaseReceivePacket",
            "WintunAllocateSendPacket", "WintunSendPacket");

    /** Wintun's log levels ({@code WINTUN_LOGGER_LEVEL}). */
    enum LogLevel { INFO, WARN, ERR }

    /** Receives Wintun's log lines ({@code WINTUN_LOGGER_CALLBACK}); called on any thread. */
    @FunctionalInterface
    interface Logger {
        /**
         * @param level     the level
         * @param timestamp 100 ns intervals since 1601-01-01 UTC
         * @param message   the text
         */
        void log(LogLevel level, long timestamp, String message);
    }

    /** {@code WintunCreateAdapter(Name, TunnelType, RequestedGUID)}; {@code guid} is the 16-byte Windows GUID. */
    long createAdapter(String name, String tunnelType, byte[] guid);

    /** {@code WintunOpenAdapter(Name)}. */
    long openAdapter(String name);

    /** {@code WintunCloseAdapter}: releases the handle; an adapter this process created is removed. */
    void closeAdapter(long adapter);

    /** {@code WintunDeleteDriver}: removes the driver if no adapter uses it. */
    boolean deleteDriver();

    /** {@code WintunGetAdapterLUID}: the adapter's NET_LUID as a 64-bit value. */
    long adapterLuid(long adapter);

    /** {@code WintunGetRunningDriverVersion}: 0 (with ERROR_FILE_NOT_FOUND) when not loaded. */
    int runningDriverVersion();

    /** {@code WintunSetLogger}; {@code null} turns logging off. The implementation keeps the callback alive. */
    void setLogger(Logger logger);

    /** {@code WintunStartSession(Adapter, Capacity)}. */
    long startSession(long adapter, int capacity);

    /** {@code WintunEndSession}. */
    void endSession(long session);

    /** {@code WintunGetReadWaitEvent}: owned by the session, never to be closed by the caller. */
    long readWaitEvent(long session);

    /**
     * {@code WintunReceivePacket(Session, &PacketSize)}: a pointer to the next packet, its size
     * stored as a DWORD at {@code sizeOut}; 0 with ERROR_NO_MORE_ITEMS, ERROR_HANDLE_EOF or
     * ERROR_INVALID_DATA.
     */
    long receivePacket(long session, long sizeOut);

    /** {@code WintunReleaseReceivePacket}. */
    void releaseReceivePacket(long session, long packet);

    /** {@code WintunAllocateSendPacket}: 0 with ERROR_BUFFER_OVERFLOW (ring full) or ERROR_HANDLE_EOF. */
    long allocateSendPacket(long session, int size);

    /** {@code WintunSendPacket}. */
    void sendPacket(long session, long packet);

    /** {@code GetLastError()} as it was right after this thread's previous call through this interface. */
    int lastError();

    /** {@code CreateEventW(NULL, TRUE, FALSE, NULL)}: a manual-reset event, not signalled; 0 on failure. */
    long createEvent();

    /** {@code SetEvent}. */
    boolean setEvent(long event);

    /**
     * {@code WaitForMultipleObjects(2, {first, second}, FALSE, timeoutMs)}: {@link #WAIT_OBJECT_0}
     * (+1 for {@code second}), {@link #WAIT_TIMEOUT} or {@link #WAIT_FAILED}.
     */
    int waitAny(long first, long second, int timeoutMs);

    /** {@code CloseHandle}. */
    boolean closeHandle(long handle);
}
