package dev.wgdesk.platform.linux;

import java.io.IOException;

/** The errno values this module tells apart, and turning an errno into a readable message. */
final class Errno {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EMSGSIZE = 90;
    static final int EOPNOTSUPP = 95;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETUNREACH = 101;
    static final int ENOBUFS = 105;
    static final int EBADFD = 77;

    private Errno() {}

    /** {@code "EBUSY: Device or resource busy"}-style text for {@code errno}. */
    static String describe(int errno) {
        String text;
        try {
            text = LibC.strerror(errno);
        } catch (RuntimeException | LinkageError e) {
            text = null;
        }
        return "errno " + errno + (text == null ? "" : " (" + text + ")");
    }

    /** An IOException saying which operation failed and why. */
    static IOException exception(String what, int errno) {
        return new IOException(what + " failed: " + describe(errno));
    }
}
