package dev.wgdesk.app.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.IpcTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The helper's end of the IPC protocol ({@code docs/ipc.md}): listens on an {@link IpcTransport}
 * (a UNIX domain socket on Linux and macOS, a named pipe on Windows), authorises every connection
 * by the identity the OS gives for it ({@link IpcTransport.Connection#client()}), reads
 * newline-delimited JSON requests of bounded size, hands them to a {@link RequestHandler}, and
 * pushes {@link IpcEvent}s to subscribed clients.
 *
 * <p><b>Robustness.</b> Nothing a client sends can stop the server: malformed, oversized and
 * unknown requests get an error response and the connection stays usable; a handler failure
 * becomes an {@link ErrorCode#INTERNAL} response. At most {@code maxClients} connections are
 * served, and at most {@link IpcProtocol#MAX_CLIENTS_PER_USER} of one non-administrator user; further ones
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
        Optional<String> refuse(ClientIdentity peer);
    }

    /**
     * A connected, authorised client, for handlers that decide and log who did what.
     *
     * @param id   a number unique to this server
     * @param peer who it is, as the OS says
     */
    public record Client(long id, ClientIdentity peer) {
        /** The user's name (or id), for messages. */
        public String user() {
            return peer.name();
        }
    }

    private static final System.Logger LOG = System.getLogger("wgdesk.ipc");

    private final IpcTransport transport;
    private final String address;
    private final IpcTransport.Access access;
    private final Authorizer authorizer;
    private final RequestHandler handler;
    private final String serverName;
    private final int maxClients;
    private final int maxClientsPerUser;
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientCount = new AtomicInteger();
    private final AtomicLong nextClientId = new AtomicLong(1);
    private volatile IpcTransport.Listener listener;
    private volatile boolean closed;
    private Thread acceptThread;

    /**
     * @param transport  the OS's IPC transport
     * @param address    where to listen (a socket path, a pipe name)
     * @param access     who the OS should let open the endpoint at all
     * @param authorizer who may use the server
     * @param handler    serves requests
     * @param serverName sent in the greeting, e.g. {@code wgdesk-helper/0.1.0}
     * @param maxClients connections served at once (at least 1)
     */
    public IpcServer(IpcTransport transport, String address, IpcTransport.Access access, Authorizer authorizer,
                     RequestHandler handler, String serverName, int maxClients) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.address = Objects.requireNonNull(address, "address");
        this.access = Objects.requireNonNull(access, "access");
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
     * Starts listening (a stale socket file nobody listens on is replaced) and accepting.
     *
     * @return how the endpoint is protected, for the log ({@link IpcTransport.Listener#describeAccess()})
     * @throws IOException if another server listens on the address, or listening fails
     */
    public synchronized String start() throws IOException {
        if (listener != null || closed) {
            throw new IllegalStateException("already started");
        }
        IpcTransport.Listener l = transport.listen(address, access);
        listener = l;
        acceptThread = Thread.ofPlatform().name("wgdesk-ipc-accept").daemon().start(this::acceptLoop);
        LOG.log(System.Logger.Level.INFO, "Listening on {0}", address);
        return l.describeAccess();
    }

    /** The address listened on. */
    public String address() {
        return address;
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
        IpcTransport.Listener ch = listener;
        while (!closed) {
            IpcTransport.Connection client;
            try {
                client = ch.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.ERROR, "Accepting a connection failed; retrying", e);
                    sleepQuietly();
                }
                continue;
            }
            // Platform threads, not virtual ones: a virtual thread brings the JDK's scheduler, poller
            // and timer threads (six or seven, for the helper's life) and ~100 classes, more than
            // the two threads a connection needs (issue 13: the all-day helper's memory).
            Thread.ofPlatform().name("wgdesk-ipc-conn").daemon().start(() -> serve(client));
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
    Optional<String> check(ClientIdentity who) {
        try {
            return authorizer.refuse(who);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Authorisation check failed for " + who.describe(), e);
            return Optional.of("not authorised: the helper could not check your group membership");
        }
    }

    private void serve(IpcTransport.Connection channel) {
        int count = clientCount.incrementAndGet();
        AtomicInteger countedUser = null;
        try {
            ClientIdentity who;
            try {
                who = channel.client();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Refusing a client whose identity cannot be read: {0}", e.toString());
                refuse(channel, ErrorCode.NOT_AUTHORISED, "not authorised: the helper cannot read your credentials");
                return;
            }
            String user = who.name();
            Optional<String> refusal = check(who);
            if (refusal.isPresent()) {
                LOG.log(System.Logger.Level.WARNING, "Refused connection from user {0} (id {1}): {2}", user,
                        who.id(), refusal.get());
                refuse(channel, ErrorCode.NOT_AUTHORISED, refusal.get());
                return;
            }
            if (count > maxClients) {
                LOG.log(System.Logger.Level.WARNING, "Refused connection from user {0}: {1} clients already", user, maxClients);
                refuse(channel, ErrorCode.TOO_MANY_CLIENTS,
                        "the helper already serves " + maxClients + " clients; close one and retry");
                return;
            }
            AtomicInteger mine = perUser.computeIfAbsent(who.id(), u -> new AtomicInteger());
            countedUser = mine;
            if (mine.incrementAndGet() > maxClientsPerUser && !who.administrator()) {
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
            if (countedUser != null) {
                countedUser.decrementAndGet();
            }
            clientCount.decrementAndGet();
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    private static void refuse(IpcTransport.Connection channel, ErrorCode code, String message) {
        try {
            byte[] line = IpcJson.encodeLine(IpcJson.error(null, code, message, java.util.List.of()));
            OutputStream out = channel.output();
            out.write(line);
            out.flush();
            channel.shutdownOutput();
        } catch (IOException ignored) {
            // the client went away; nothing to tell it
        }
    }

    RequestHandler handler() {
        return handler;
    }

    /** Stops accepting, disconnects every client and removes the endpoint. Idempotent. */
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
                listener.close(); // also removes the socket file
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot close {0}: {1}", address, e.toString());
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
    }
}
