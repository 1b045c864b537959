package dev.wgdesk.platform.macos;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The per-packet calls ({@code read}, {@code write}, {@code poll}) through JNA direct mapping with
 * raw addresses: an interface-mapped call boxes its arguments into a fresh array on every call,
 * these allocate nothing, so the data path stays allocation-free. None of them is variadic
 * (those stay in {@link DarwinLibC}). {@code nfds_t} is an {@code unsigned int} on Darwin.
 * Bound on first use; {@link #ensureBound()} says why when it cannot be.
 */
final class DarwinDirect {
    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        try {
            if (Native.POINTER_SIZE != 8) {
                throw new UnsupportedOperationException("needs a 64-bit JVM");
            }
            Native.register(DarwinDirect.class, Platform.C_LIBRARY_NAME);
        } catch (Throwable t) {
            error = t;
        }
        LOAD_ERROR = error;
    }

    private DarwinDirect() {}

    static void ensureBound() {
        if (LOAD_ERROR != null) {
            throw new UnsupportedOperationException("cannot bind libc through JNA: " + LOAD_ERROR, LOAD_ERROR);
        }
    }

    static native long read(int fd, long buf, long count);

    static native long write(int fd, long buf, long count);

    /** Darwin's {@code poll(struct pollfd *, nfds_t (unsigned int), int)}. */
    static native int poll(long fds, int nfds, int timeout);
}
