package dev.wgdesk.engine.platform;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The byte stream between the app and the helper, and the OS's word on who is connected: a UNIX
 * domain socket with {@code SO_PEERCRED}/{@code getpeereid} on Linux and macOS, a named pipe
 * ({@code \\.\pipe\wgdesk-helper}) with the client's impersonation token on Windows. The protocol
 * on top (line-delimited JSON, {@code docs/ipc.md}) is the same everywhere.
 */
public interface IpcTransport {
    /** The default address of the helper on this OS ({@code /run/wgdesk/helper.sock}, {@code \\.\pipe\wgdesk-helper}). */
    String defaultAddress();

    /**
     * Starts listening.
     *
     * @param address where ({@link #defaultAddress()} outside tests)
     * @param access  who the OS itself should let connect (file mode and group, pipe DACL); the
     *                helper authorises every client again after connecting
     * @throws IOException if the address is in use by a live helper or cannot be created
     */
    Listener listen(String address, Access access) throws IOException;

    /** Connects as a client (the app, the CLI). */
    Connection connect(String address) throws IOException;

    /**
     * Who the OS lets open the endpoint at all: administrators always, plus the members of
     * {@code group} when it exists.
     *
     * @param group the group whose members may connect ({@code wgdesk}; {@code wgdesk-users} on Windows)
     */
    record Access(String group) {
        public Access {
            java.util.Objects.requireNonNull(group, "group");
        }
    }

    /** A listening endpoint. {@link #close()} unblocks {@link #accept()} and removes the endpoint. */
    interface Listener extends Closeable {
        /**
         * Waits for the next client.
         *
         * @throws java.nio.channels.ClosedChannelException (an IOException) once closed
         */
        Connection accept() throws IOException;

        /** A line for the log saying how the endpoint is protected (mode, group, DACL). */
        String describeAccess();
    }

    /** One connection. Reading and writing may happen on two threads at once. */
    interface Connection extends Closeable {
        InputStream input() throws IOException;

        OutputStream output() throws IOException;

        /**
         * The client as the OS identifies it (server side only).
         *
         * @throws IOException if its credentials cannot be read; the server then refuses it
         */
        ClientIdentity client() throws IOException;

        /** Signals end of output to the other side, keeping input open. */
        void shutdownOutput() throws IOException;
    }
}
