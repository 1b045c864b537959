package dev.wgdesk.platform.windows.net;

import java.io.IOException;

/** A network configuration step failed: names the step and the Win32 error. */
public final class WindowsNetException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int win32Error;

    WindowsNetException(String message, int win32Error) {
        super(message);
        this.win32Error = win32Error;
    }

    /** The Win32 error code, 0 if none. */
    public int win32Error() {
        return win32Error;
    }
}
