package dev.wgdesk.platform.windows;

import java.io.IOException;

/**
 * Creating or using a Wintun adapter failed for a reason the user can act on.
 * {@link #reason()} tells the cases apart without parsing the message, and
 * {@link #win32Error()} keeps the Windows error code (0 when there is none).
 */
public final class WindowsTunException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the adapter could not be created or used. */
    public enum Reason {
        /** Not an administrator (the helper service runs as LocalSystem). */
        PERMISSION_DENIED,
        /** wintun.dll is missing from the application directory, or lacks an export. */
        DLL_MISSING,
        /** The Wintun driver could not be installed or loaded. */
        DRIVER_FAILED,
        /** The name breaks the adapter-name rules. */
        INVALID_NAME,
        /** The MTU is outside 68..65535. */
        INVALID_MTU,
        /** Anything else; the message carries the error code. */
        OTHER
    }

    private final Reason reason;
    private final int win32Error;

    WindowsTunException(Reason reason, int win32Error, String message) {
        super(message);
        this.reason = reason;
        this.win32Error = win32Error;
    }

    /** The kind of failure. */
    public Reason reason() {
        return reason;
    }

    /** The Win32 error code behind it, 0 if none. */
    public int win32Error() {
        return win32Error;
    }

    /** A short description of the common Win32 error codes: name and number. */
    static String describe(int error) {
        String name = switch (error) {
            case WintunNative.ERROR_FILE_NOT_FOUND -> "ERROR_FILE_NOT_FOUND";
            case WintunNative.ERROR_ACCESS_DENIED -> "ERROR_ACCESS_DENIED";
            case 8 -> "ERROR_NOT_ENOUGH_MEMORY";
            case WintunNative.ERROR_INVALID_DATA -> "ERROR_INVALID_DATA";
            case WintunNative.ERROR_HANDLE_EOF -> "ERROR_HANDLE_EOF";
            case WintunNative.ERROR_INVALID_PARAMETER -> "ERROR_INVALID_PARAMETER";
            case WintunNative.ERROR_BUFFER_OVERFLOW -> "ERROR_BUFFER_OVERFLOW";
            case 126 -> "ERROR_MOD_NOT_FOUND";
            case 127 -> "ERROR_PROC_NOT_FOUND";
            case 183 -> "ERROR_ALREADY_EXISTS";
            case WintunNative.ERROR_NO_MORE_ITEMS -> "ERROR_NO_MORE_ITEMS";
            case 1168 -> "ERROR_NOT_FOUND";
            case 5010 -> "ERROR_OBJECT_ALREADY_EXISTS";
            default -> "error";
        };
        return name + " (" + Integer.toUnsignedString(error) + ")";
    }
}
