package dev.wgdesk.app.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.UnixDomainPrincipal;

/**
 * The helper's end of the IPC protocol ({@code docs/ipc.md}): listens on a UNIX domain socket,
 * authorises every connection by its peer credentials ({@code SO_PEERCRED}), reads
 * newline-delimited JSON requests of bounded size, hands them to a {@link RequestHandler}, and
 * pushes {@link IpcEvent}s to subscribed clients.
 *
 * <p><b>Robustness.</b> Nothing a client sends can stop the server: malformed, oversized and
 * unknown requests get an error response and the connection stays usable; a handler failure
 * becomes an {@link ErrorCode#INTERNAL} response. At most {@code maxClients} connections are
 * served, and at most {@link IpcProtocol#MAX_CLIENTS_PER_USER} of one non-root user; further ones
 * get {@link ErrorCode#TOO_MANY_CLIENTS} and are closed. A client that does not read its messages
 * is disconnected once {@link IpcProtocol#MAX_QUEUED_MESSAGES} messages or
 * {@link IpcProtocol#MAX_QUEUED_BYTES} bytes are queued for it. The {@link Authorizer} is asked
 * again before every request, so a user removed from the group loses an open connection.
 *
 * <p>Threads: one accept thread, and per client a reader, a writer and one virtual thread per
 * request in progress. Thread-safe.
 */
public final class IpcServer implements AutoCloseable {
    /** Serves one request. */
    @FunctionalInterface
    public interface RequestHandler {
        /**
         * Serves {@code method} (never {@code subscribe}/{@code unsubscribe}, which the server
         * handles itself).
         *
         * @param params the request's parameters (an object, possibly empty)
         * @return the result object (null means an empty object)
         * @throws IpcException sent to the client as an error response; for an unknown method,
         *                      throw {@link ErrorCode#UNKNOWN_METHOD}
         */
        JsonNode handle(String method, JsonNode params, Client client) throws IpcException;
    }

    /** Decides who may use the server. */
    @FunctionalInterface
    public interface Authorizer {
        /**
         * Called when a client connects and again before each of its requests, so that an
         * implementation that caches group membership must keep its answers at most
         * {@link IpcProtocol#MEMBERSHIP_CACHE_MILLIS} old (a member removed from the group loses
         * an open connection's access within that time).
         *
         * @return empty to allow the peer, else the reason it is refused (sent to the client)
         */
        Optional<String> refuse(Peer peer);
    }

    /**
     * The connecting process's credentials, from {@code SO_PEERCRED}, as numbers: authorisation
     * uses {@code uid}/{@code gid}, never a name looked up again.
     *
     * @param uid  the peer's user id
     * @param gid  the peer's primary group id
     * @param user the user's name for messages and logs (the uid in decimal when it has none)
     */
    public record Peer(int uid, int gid, String user) {
        public Peer {
            Objects.requireNonNull(user, "user");
        }

        /** True for uid 0. */
        public boolean isRoot() {
            return uid == 0;
        }
    }

    /** Called once the socket file exists, before the first connection is accepted. */
    @FunctionalInterface
    public interface SocketSetup {
        void apply(Path socket) throws IOException;
    }

    /**
     * A connected, authorised client, for handlers that decide and log who did what.
     *
     * @param id   a number unique to this server
     * @param peer its credentials
     */
    public record Client(long id, Peer peer) {
        /** The user's name (or uid), for messages. */
        public String user() {
            return peer.user();
        }

        /** The user id. */
        public int uid() {
            return peer.uid();
        }
    }

    private static final System.Logger LOG = System.getLogger("wgdesk.ipc");

    private final Path socket;
    private final Authorizer authorizer;
    private final RequestHandler handler;
    private final String serverName;
    private final int maxClients;
    private final int maxClientsPerUser;
    private final Map<Integer, AtomicInteger> perUid = new ConcurrentHashMap<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientCount = new AtomicInteger();
    private final AtomicLong nextClientId = new AtomicLong(1);
    private volatile ServerSocketChannel listener;
    private volatile boolean closed;
    private Thread acceptThread;

    /**
     * @param socket     the socket file to create
     * @param authorizer who may connect
     * @param handler    serves requests
     * @param serverName sent in the greeting, e.g. {@code wgdesk-helper/0.1.0}
     * @param maxClients connections served at once (at least 1)
     */
    public IpcServer(Path socket, Authorizer authorizer, RequestHandler handler, String serverName, int maxClients) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1");
        }
        this.maxClients = maxClients;
        this.maxClientsPerUser = Math.max(1, Math.min(maxClients, IpcProtocol.MAX_CLIENTS_PER_USER));
    }

    /**
     * Creates the socket (removing a stale socket file nobody listens on), runs {@code setup} on
     * it, and starts accepting.
     *
     * @throws IOException if another server listens on the socket, or binding fails
     */
    public synchronized void start(SocketSetup setup) throws IOException {
        if (listener != null || closed) {
            throw new IllegalStateException("already started");
        }
        Path parent = socket.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        removeStaleSocket();
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(socket), 64);
            setup.apply(socket);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(socket);
            throw e;
        }
        listener = ch;
        acceptThread = Thread.ofPlatform().name("wgdesk-ipc-accept").daemon().start(this::acceptLoop);
        LOG.log(System.Logger.Level.INFO, "Listening on {0}", socket);
    }

    private void removeStaleSocket() throws IOException {
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(socket + " exists and is a directory, not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new IOException("another helper is already listening on " + socket);
        } catch (java.net.SocketException | ClosedChannelException e) {
            Files.deleteIfExists(socket); // nobody listens: left over from a crash
        }
    }

    /** The socket path. */
    public Path socket() {
        return socket;
    }

    /** Clients connected now (authorised or not yet). */
    public int clientCount() {
        return clientCount.get();
    }

    /** Sends {@code event} to every subscribed client. Never blocks on a slow client. */
    public void publish(IpcEvent event) {
        byte[] line = IpcJson.encodeLine(IpcJson.event(event));
        for (Session s : sessions) {
            if (s.subscribed) {
                s.sendEvent(line);
            }
        }
    }

    private void acceptLoop() {
        ServerSocketChannel ch = listener;
        while (!closed) {
            SocketChannel client;
            try {
                client = ch.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.ERROR, "Accepting a connection failed; retrying", e);
                    sleepQuietly();
                }
                continue;
            }
            Thread.ofVirtual().name("wgdesk-ipc-conn").start(() -> serve(client));
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The authoriser's verdict; a failing check refuses. */
    Optional<String> check(Peer who) {
        try {
            return authorizer.refuse(who);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Authorisation check failed for " + who.user(), e);
            return Optional.of("not authorised: the helper could not check your group membership");
        }
    }

    private void serve(SocketChannel channel) {
        int count = clientCount.incrementAndGet();
        AtomicInteger countedUid = null;
        try {
            UnixDomainPrincipal peer;
            try {
                peer = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.log(System.Logger.Level.WARNING, "Refusing a client whose credentials cannot be read: {0}", e.toString());
                refuse(channel, ErrorCode.NOT_AUTHORISED, "not authorised: the helper cannot read your credentials");
                return;
            }
            Peer who;
            try {
                who = PeerIds.of(peer);
            } catch (IllegalStateException e) {
                LOG.log(System.Logger.Level.ERROR, "Refusing a client whose numeric ids cannot be read: {0}", e.getMessage());
                refuse(channel, ErrorCode.NOT_AUTHORISED, "not authorised: the helper cannot read your user id");
                return;
            }
            String user = who.user();
            Optional<String> refusal = check(who);
            if (refusal.isPresent()) {
                LOG.log(System.Logger.Level.WARNING, "Refused connection from user {0} (uid {1}): {2}", user,
                        who.uid(), refusal.get());
                refuse(channel, ErrorCode.NOT_AUTHORISED, refusal.get());
                return;
            }
            if (count > maxClients) {
                LOG.log(System.Logger.Level.WARNING, "Refused connection from user {0}: {1} clients already", user, maxClients);
                refuse(channel, ErrorCode.TOO_MANY_CLIENTS,
                        "the helper already serves " + maxClients + " clients; close one and retry");
                return;
            }
            AtomicInteger mine = perUid.computeIfAbsent(who.uid(), u -> new AtomicInteger());
            countedUid = mine;
            if (mine.incrementAndGet() > maxClientsPerUser && !who.isRoot()) {
                LOG.log(System.Logger.Level.WARNING, "Refused connection from user {0}: {1} connections of this user already",
                        user, maxClientsPerUser);
                refuse(channel, ErrorCode.TOO_MANY_CLIENTS, "you already have " + maxClientsPerUser
                        + " connections to the helper (the most one user may have); close one and retry");
                return;
            }
            Session s = new Session(this, channel, new Client(nextClientId.getAndIncrement(), who));
            sessions.add(s);
            try {
                if (!closed) {
                    s.run(IpcJson.encodeLine(IpcJson.hello(serverName)));
                }
            } finally {
                sessions.remove(s);
                s.close();
            }
        } finally {
            if (countedUid != null) {
                countedUid.decrementAndGet();
            }
            clientCount.decrementAndGet();
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    private static void refuse(SocketChannel channel, ErrorCode code, String message) {
        try {
            byte[] line = IpcJson.encodeLine(IpcJson.error(null, code, message, java.util.List.of()));
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.shutdownOutput();
        } catch (IOException ignored) {
            // the client went away; nothing to tell it
        }
    }

    RequestHandler handler() {
        return handler;
    }

    /** Stops accepting, disconnects every client and removes the socket file. Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = acceptThread;
        }
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Session s : sessions) {
            s.close();
        }
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (listener != null) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot remove {0}: {1}", socket, e.toString());
        }
    }
}
