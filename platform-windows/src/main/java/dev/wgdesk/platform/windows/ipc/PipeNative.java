package dev.wgdesk.platform.windows.ipc;

import java.io.IOException;

/**
 * The Win32 calls behind the helper's named-pipe server, as a seam: {@link JnaPipeNative} on
 * Windows (kernel32/advapi32 through JNA, overlapped I/O), a fake in tests on Linux that drives
 * the real {@link NamedPipeTransport} loops. Handles are opaque {@code long}s.
 *
 * <p>Every blocking call takes a <em>cancel</em> handle (an event on Windows): when it is
 * signalled the call stops waiting, cancels its I/O ({@code CancelIoEx}, then waits for the
 * cancellation to complete so the OVERLAPPED memory is free) and throws
 * {@link java.nio.channels.AsynchronousCloseException}. That is how {@code close()} unblocks
 * {@code accept()} and {@code read()}.
 */
public interface PipeNative extends AccountLookup {
    int ERROR_ACCESS_DENIED = 5;
    int ERROR_BROKEN_PIPE = 109;
    int ERROR_PIPE_BUSY = 231;
    int ERROR_NO_DATA = 232;
    int ERROR_PIPE_CONNECTED = 535;
    int ERROR_IO_PENDING = 997;
    int ERROR_CANNOT_IMPERSONATE = 1368;

    /** A Win32 failure with its error code. */
    final class PipeException extends IOException {
        private final int error;

        public PipeException(String message, int error) {
            super(message + " (Win32 error " + error + ")");
            this.error = error;
        }

        public int error() {
            return error;
        }
    }

    /** The token of a connected client, read while impersonating it, and its primary group. */
    record ClientToken(TokenAuthorizer.Token token, String primaryGroupSid) {}

    /**
     * {@code CreateNamedPipeW(name, PipeSecurity.openMode(first), PipeSecurity.pipeMode(), ...)}
     * with the security descriptor made from {@code sddl}.
     *
     * @throws PipeException {@link #ERROR_ACCESS_DENIED} when {@code first} and the name exists
     */
    long createInstance(String name, String sddl, boolean first) throws IOException;

    /** A manual-reset event, not signalled. */
    long createCancel() throws IOException;

    /** Signals a cancel handle; never throws. */
    void cancel(long cancel);

    /**
     * Waits for a client on {@code pipe} ({@code ConnectNamedPipe}, overlapped;
     * {@code ERROR_PIPE_CONNECTED} counts as connected).
     */
    void connect(long pipe, long cancel) throws IOException;

    /** Reads at most {@code len} bytes; -1 when the client closed its end ({@code ERROR_BROKEN_PIPE}). */
    int read(long pipe, byte[] b, int off, int len, long cancel) throws IOException;

    /** Writes all {@code len} bytes (loops over partial writes). */
    void write(long pipe, byte[] b, int off, int len, long cancel) throws IOException;

    /**
     * {@code ImpersonateNamedPipeClient} (which fails with {@link #ERROR_CANNOT_IMPERSONATE}
     * until something was read from the pipe), {@code OpenThreadToken}, {@code RevertToSelf}, then
     * {@code GetTokenInformation} for TokenUser, TokenGroups, TokenPrimaryGroup and
     * TokenElevation. The thread never keeps the client's identity: if reverting fails the
     * process ends.
     */
    ClientToken clientToken(long pipe) throws IOException;

    /** {@code CloseHandle}; never throws. */
    void close(long handle);


    /** The kernel32/advapi32 implementation (Windows only; loads nothing until first used). */
    static PipeNative windows() {
        return new JnaPipeNative();
    }
}
