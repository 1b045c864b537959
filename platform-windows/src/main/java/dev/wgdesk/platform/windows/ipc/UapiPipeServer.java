package dev.wgdesk.platform.windows.ipc;

import dev.wgdesk.engine.platform.IpcTransport;
import dev.wgdesk.engine.platform.UapiServer;
import dev.wgdesk.engine.platform.UapiSocket;
import dev.wgdesk.engine.uapi.ErrnoConvention;
import dev.wgdesk.engine.uapi.UapiHandler;
import dev.wgdesk.engine.uapi.UapiTarget;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * {@link UapiServer} on Windows: the named pipe {@code \\.\pipe\ProtectedPrefix\Administrators\WireGuard\NAME}
 * per tunnel, where {@code wg.exe} (wireguard-tools' {@code ipc-uapi-windows.h}) and wgctrl look,
 * with wireguard-go's security descriptor {@link #SDDL}: owner SYSTEM (wg.exe refuses a pipe with
 * another owner; the helper service runs as SYSTEM, which may assign it), full access for SYSTEM
 * and Administrators only, a protected DACL, and a high mandatory label so that a non-elevated
 * administrator's process cannot open it. The {@code ProtectedPrefix\Administrators} namespace
 * itself only lets Administrators create pipes there. The first instance is created with
 * {@code FILE_FLAG_FIRST_PIPE_INSTANCE}: a name another process serves is refused
 * ({@link UapiServer.InUseException}), never shared. Remote clients are rejected.
 *
 * <p>Each connection is served by {@link UapiHandler} with wireguard-go's Windows errno numbers,
 * on its own platform thread, at most {@link #MAX_CONNECTIONS} at once. Built and unit-tested on
 * Linux ({@code FakePipeNative}) only; not yet run on Windows.
 */
public final class UapiPipeServer implements UapiServer {
    /** Where wg.exe looks: this prefix and the interface name. */
    public static final String PIPE_PREFIX = "\\\\.\\pipe\\ProtectedPrefix\\Administrators\\WireGuard\\";
    /** wireguard-go's UAPI descriptor: owner SYSTEM; SYSTEM and Administrators only; high integrity. */
    public static final String SDDL = "O:SYD:P(A;;GA;;;SY)(A;;GA;;;BA)S:(ML;;NWNRNX;;;HI)";
    /** Connections served at the same time. */
    public static final int MAX_CONNECTIONS = 32;
    /** Consecutive failed accepts after which a pipe stops being served (a warning says so). */
    static final int MAX_ACCEPT_FAILURES = 100;

    private static final System.Logger LOG = System.getLogger(UapiPipeServer.class.getName());

    private final Supplier<PipeNative> nativeApi;

    /** @param nativeApi the Win32 calls, asked for on the first {@link #serve} (nothing loads before) */
    public UapiPipeServer(Supplier<PipeNative> nativeApi) {
        this.nativeApi = Objects.requireNonNull(nativeApi, "nativeApi");
    }

    /** The pipe serving {@code interfaceName}. */
    public static String pipeName(String interfaceName) {
        return PIPE_PREFIX + interfaceName;
    }

    @Override
    public Endpoint serve(String interfaceName, UapiTarget target) throws IOException {
        Objects.requireNonNull(target, "target");
        if (!UapiSocket.isValidName(interfaceName)) {
            throw new IOException("\"" + interfaceName + "\" cannot name a UAPI pipe");
        }
        String address = pipeName(interfaceName);
        IpcTransport.Listener listener;
        try {
            listener = NamedPipeTransport.listen(nativeApi.get(), address, SDDL, new ClientTokens());
        } catch (PipeNative.PipeException e) {
            if (e.error() == PipeNative.ERROR_ACCESS_DENIED) {
                throw new InUseException(address + " exists (another WireGuard service or program serves "
                        + interfaceName + ")", e);
            }
            throw e;
        }
        Served s = new Served(address, listener, new UapiHandler(target, ErrnoConvention.WINDOWS));
        Thread.ofPlatform().daemon().name("wgdesk-uapi-pipe-accept").start(s::acceptLoop);
        return s;
    }

    private static final class Served implements Endpoint {
        private final String address;
        private final IpcTransport.Listener listener;
        private final UapiHandler handler;
        private final Semaphore permits = new Semaphore(MAX_CONNECTIONS);
        private final Set<IpcTransport.Connection> connections = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        Served(String address, IpcTransport.Listener listener, UapiHandler handler) {
            this.address = address;
            this.listener = listener;
            this.handler = handler;
        }

        @Override
        public String address() {
            return address;
        }

        void acceptLoop() {
            int failures = 0;
            while (!closed) {
                IpcTransport.Connection c;
                try {
                    c = listener.accept();
                    failures = 0;
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                    if (++failures >= MAX_ACCEPT_FAILURES) {
                        LOG.log(Level.WARNING, "UAPI pipe {0}: accepting failed {1} times in a row ({2}); wg no longer"
                                + " sees this tunnel (it stays up)", address, failures, e.getMessage());
                        return;
                    }
                    LOG.log(Level.DEBUG, "UAPI pipe {0}: a client went away: {1}", address, e.getMessage());
                    continue;
                }
                if (!permits.tryAcquire()) {
                    LOG.log(Level.WARNING, "UAPI pipe {0}: more than {1} connections; closing a new one", address,
                            MAX_CONNECTIONS);
                    closeQuietly(c);
                    continue;
                }
                connections.add(c);
                if (closed) {
                    closeQuietly(c);
                }
                Thread.ofPlatform().daemon().name("wgdesk-uapi-pipe-conn").start(() -> {
                    try (c) {
                        handler.serve(c.input(), c.output());
                    } catch (IOException | RuntimeException e) {
                        LOG.log(Level.DEBUG, "UAPI pipe {0}: connection ended: {1}", address, e.toString());
                    } finally {
                        connections.remove(c);
                        permits.release();
                    }
                });
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            closeQuietly(listener);
            for (IpcTransport.Connection c : connections) {
                closeQuietly(c);
            }
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing to do
            }
        }
    }
}
