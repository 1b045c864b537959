package dev.wgdesk.platform.windows.ipc;

import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.IpcTransport;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The helper's IPC over the named pipe {@code \\.\pipe\wgdesk-helper} (the same line-JSON
 * protocol as the UNIX socket elsewhere).
 *
 * <p><b>Server.</b> The first instance is created with {@code FILE_FLAG_FIRST_PIPE_INSTANCE}, so
 * the helper refuses to start when someone (a second helper, or a squatter) already owns the name;
 * every instance has the DACL of {@link PipeSecurity#sddl} (SYSTEM and Administrators, plus the
 * access group and Network Configuration Operators, users without the right to create instances)
 * and {@code PIPE_REJECT_REMOTE_CLIENTS}. {@link Listener#accept()} waits on the pending instance
 * with overlapped {@code ConnectNamedPipe} and creates the next instance as soon as a client is
 * connected, so a client rarely sees {@code ERROR_PIPE_BUSY}. I/O is overlapped: a read and a
 * write may be pending on the same connection at once, and {@code close()} cancels both.
 *
 * <p><b>Identity.</b> {@link Connection#client()} impersonates the client, reads its token and
 * reverts ({@link PipeNative#clientToken}); the user SID is the identity, the token's enabled
 * groups are remembered in {@link ClientTokens} for the user directory.
 *
 * <p><b>Client.</b> {@link #connect} opens the pipe as a file, without JNA ({@link PipeClient}).
 */
public final class NamedPipeTransport implements IpcTransport {
    private final Supplier<PipeNative> nativeApi;
    private final ClientTokens tokens;

    /**
     * @param nativeApi the Win32 calls (created on first {@link #listen}, so nothing native loads
     *                  on a client or on another OS)
     * @param tokens    where identified clients' groups go
     */
    public NamedPipeTransport(Supplier<PipeNative> nativeApi, ClientTokens tokens) {
        this.nativeApi = Objects.requireNonNull(nativeApi, "nativeApi");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public String defaultAddress() {
        return PipeSecurity.PIPE_NAME;
    }

    /** The SIDs allowed besides SYSTEM and Administrators: {@code group}'s, if it exists, and Network Configuration Operators. */
    static List<String> allowedSids(PipeNative api, String group) {
        List<String> sids = new ArrayList<>();
        api.lookupSid(group).ifPresent(sids::add);
        if (!sids.contains(PipeSecurity.NETWORK_CONFIGURATION_OPERATORS)) {
            sids.add(PipeSecurity.NETWORK_CONFIGURATION_OPERATORS);
        }
        return sids;
    }

    @Override
    public Listener listen(String address, Access access) throws IOException {
        if (!address.startsWith("\\\\.\\pipe\\")) {
            throw new IOException("not a local pipe name: " + address + " (expected \\\\.\\pipe\\NAME)");
        }
        PipeNative api = nativeApi.get();
        String sddl = PipeSecurity.sddl(allowedSids(api, access.group()));
        try {
            return listen(api, address, sddl, tokens);
        } catch (PipeNative.PipeException e) {
            if (e.error() == PipeNative.ERROR_ACCESS_DENIED) {
                throw new IOException(address + " already exists: another wgdesk helper is running,"
                        + " or another program holds the name", e);
            }
            throw e;
        }
    }

    /**
     * The server loop on {@code address} with the security descriptor {@code sddl}, its first
     * instance created with {@code FILE_FLAG_FIRST_PIPE_INSTANCE}.
     *
     * @throws PipeNative.PipeException {@link PipeNative#ERROR_ACCESS_DENIED} when the name exists
     */
    static PipeListener listen(PipeNative api, String address, String sddl, ClientTokens tokens) throws IOException {
        long first = api.createInstance(address, sddl, true);
        long cancel;
        try {
            cancel = api.createCancel();
        } catch (IOException e) {
            api.close(first);
            throw e;
        }
        return new PipeListener(api, address, sddl, first, cancel, tokens);
    }

    @Override
    public Connection connect(String address) throws IOException {
        return PipeClient.open(address);
    }

    static final class PipeListener implements Listener {
        private final PipeNative api;
        private final String address;
        private final String sddl;
        private final long cancel;
        private final ClientTokens tokens;
        private final ReentrantLock acceptLock = new ReentrantLock();
        private volatile boolean closed;
        private long pending; // guarded by acceptLock; 0: none

        PipeListener(PipeNative api, String address, String sddl, long first, long cancel, ClientTokens tokens) {
            this.api = api;
            this.address = address;
            this.sddl = sddl;
            this.pending = first;
            this.cancel = cancel;
            this.tokens = tokens;
        }

        @Override
        public Connection accept() throws IOException {
            acceptLock.lock();
            try {
                if (closed) {
                    throw new ClosedChannelException();
                }
                if (pending == 0) {
                    pending = api.createInstance(address, sddl, false);
                }
                long inst = pending;
                try {
                    api.connect(inst, cancel);
                } catch (AsynchronousCloseException e) {
                    throw new ClosedChannelException();
                } catch (IOException e) {
                    // a client that went away at once: this instance is spent, the next accept makes another
                    pending = 0;
                    api.close(inst);
                    throw e;
                }
                pending = 0;
                if (closed) {
                    api.close(inst);
                    throw new ClosedChannelException();
                }
                PipeConnection c = new PipeConnection(api, inst, tokens);
                try {
                    pending = api.createInstance(address, sddl, false);
                } catch (IOException e) {
                    pending = 0; // retried by the next accept
                }
                return c;
            } finally {
                acceptLock.unlock();
            }
        }

        @Override
        public String describeAccess() {
            return address + " with DACL " + sddl + ", remote clients rejected";
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            api.cancel(cancel);
            acceptLock.lock(); // the acceptor has left its wait
            try {
                if (pending != 0) {
                    api.close(pending);
                    pending = 0;
                }
                api.close(cancel);
            } finally {
                acceptLock.unlock();
            }
        }
    }

    /** A server-side connection: overlapped reads and writes on one pipe instance. */
    static final class PipeConnection extends OverlappedConnection {
        private final PipeNative api;
        private final long pipe;
        private final long cancel;
        private final ClientTokens tokens;
        private volatile boolean closed;
        private ClientIdentity identity; // guarded by this

        PipeConnection(PipeNative api, long pipe, ClientTokens tokens) throws IOException {
            this.api = api;
            this.pipe = pipe;
            this.tokens = tokens;
            try {
                this.cancel = api.createCancel();
            } catch (IOException e) {
                api.close(pipe);
                throw e;
            }
        }

        /** Bytes read ahead by {@link #client()} and not yet returned by the stream; guarded by readLock. */
        private byte[] prefetched;
        private int prefetchedAt;
        private boolean readAny; // guarded by readLock; whether a read returned anything (impersonation needs one)

        @Override
        protected int readOnce(byte[] b, int off, int len) throws IOException {
            int n = api.read(pipe, b, off, len, cancel);
            if (n != 0) {
                readAny = true;
            }
            return n;
        }

        @Override
        protected void writeFully(byte[] b, int off, int len) throws IOException {
            api.write(pipe, b, off, len, cancel);
        }

        @Override
        protected boolean isClosed() {
            return closed;
        }

        @Override
        protected int readStream(byte[] b, int off, int len) throws IOException {
            if (prefetched != null) {
                int n = Math.min(len, prefetched.length - prefetchedAt);
                System.arraycopy(prefetched, prefetchedAt, b, off, n);
                prefetchedAt += n;
                if (prefetchedAt == prefetched.length) {
                    prefetched = null;
                }
                return n;
            }
            return readPipe(b, off, len);
        }

        /**
         * Impersonating a pipe client works only once something has been read from the pipe
         * ({@code ERROR_CANNOT_IMPERSONATE} before): the client always speaks first, so when
         * nothing was read yet this reads ahead (waiting for the client's first bytes), keeps
         * what it read for the input stream, and then reads the token.
         */
        @Override
        public synchronized ClientIdentity client() throws IOException {
            if (identity == null) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                readLock.lock();
                try {
                    if (!readAny) {
                        byte[] buf = new byte[4096];
                        int n = readPipe(buf, 0, buf.length);
                        if (n < 0) {
                            throw new IOException("the client closed the pipe without sending anything");
                        }
                        prefetched = java.util.Arrays.copyOf(buf, n);
                        prefetchedAt = 0;
                    }
                } finally {
                    readLock.unlock();
                }
                identity = tokens.identify(api.clientToken(pipe));
            }
            return identity;
        }

        /**
         * Cancels a pending read and write, then closes the instance. What was written stays
         * readable by the client: the instance is closed with {@code CloseHandle}, never
         * {@code DisconnectNamedPipe}, which would discard it.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            api.cancel(cancel);
            readLock.lock();
            writeLock.lock();
            try {
                api.close(pipe);
                api.close(cancel);
            } finally {
                writeLock.unlock();
                readLock.unlock();
            }
        }
    }
}
