package dev.wgdesk.engine.uapi;

import java.util.Locale;

/**
 * The errno numbers a UAPI server puts in its {@code errno=N} reply. wireguard-go answers with
 * the negated errno of the host's C library (its {@code ipc/uapi_unix.go}), so the values differ
 * between Linux and the BSD-derived macOS; on Windows it uses fixed Linux-like numbers
 * ({@code ipc/uapi_windows.go}). {@code wg} turns the number back into a message with the host's
 * {@code strerror}, so the host's numbering must be used for its messages to make sense.
 *
 * <p>{@link UapiError#UNKNOWN} is 55 on every system, as in wireguard-go.
 */
public enum ErrnoConvention {
    /** Linux (glibc and musl share these numbers). */
    LINUX(5, 71, 22, 98),
    /** macOS: EPROTO is 100 and EADDRINUSE is 48 in {@code <sys/errno.h>}. */
    DARWIN(5, 100, 22, 48),
    /** Windows named pipes: wireguard-go uses the Linux numbers there. */
    WINDOWS(5, 71, 22, 98);

    private static final int UNKNOWN_ERRNO = 55;

    private final int eio;
    private final int eproto;
    private final int einval;
    private final int eaddrinuse;

    ErrnoConvention(int eio, int eproto, int einval, int eaddrinuse) {
        this.eio = eio;
        this.eproto = eproto;
        this.einval = einval;
        this.eaddrinuse = eaddrinuse;
    }

    /** The convention of the operating system this JVM runs on; Linux's when it is not recognised. */
    public static ErrnoConvention current() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return DARWIN;
        }
        if (os.startsWith("windows")) {
            return WINDOWS;
        }
        return LINUX;
    }

    /** The value written after {@code errno=} for {@code error}: always negative. */
    public int code(UapiError error) {
        return -switch (error) {
            case IO -> eio;
            case PROTOCOL -> eproto;
            case INVALID -> einval;
            case PORT_IN_USE -> eaddrinuse;
            case UNKNOWN -> UNKNOWN_ERRNO;
        };
    }
}
