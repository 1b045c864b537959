package dev.wgdesk.app.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.IpcTransport;
import dev.wgdesk.engine.platform.UnixSocketTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A connection to the helper, used by the CLI and the UI. Every request exists in two forms: an
 * asynchronous one ({@code fooAsync}) returning a {@link CompletableFuture} that fails with an
 * {@link IpcException} (wrapped in a {@link CompletionException}), and a blocking one that waits up
 * to {@linkplain #setTimeout the timeout} and throws the {@link IpcException} itself.
 *
 * <p>Events ({@link #subscribe}) and disconnection ({@link #onDisconnect}) are delivered on one
 * callback thread per client, in the order the helper sent them; a UI must move to its own
 * thread from there (e.g. {@code Platform.runLater}). Callbacks must not block for long: the
 * helper disconnects a client that stops reading.
 *
 * <p>Thread-safe: any thread may send requests; they may complete in any order.
 */
public final class IpcClient implements AutoCloseable {
    /** Default time the blocking methods wait for a response. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger("wgdesk.ipc.client");

    private final Path socket;
    private final IpcTransport.Connection channel;
    private final Object writeLock = new Object();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> hello = new CompletableFuture<>();
    private final List<Consumer<IpcEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<IpcException>> disconnectListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService callbacks;
    private final Object subscribeLock = new Object();
    private volatile Duration timeout = DEFAULT_TIMEOUT;
    private volatile Thread callbackThread;
    /** How long {@link #await} waits for listeners to take the events sent before an answer. */
    private static final long EVENT_BARRIER_MILLIS = 5_000;
    private volatile boolean closed;
    private volatile IpcException disconnectCause;
    private String serverName = "";
    private int serverProtocol;

    private IpcClient(Path socket, IpcTransport.Connection channel) {
        this.socket = socket;
        this.channel = channel;
        java.util.concurrent.ThreadFactory base = Thread.ofPlatform().name("wgdesk-ipc-callbacks").daemon().factory();
        this.callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = base.newThread(r);
            callbackThread = t;
            return t;
        });
    }

    /** Connects to {@link IpcProtocol#defaultSocket()} ({@code $WGDESK_SOCKET} or the default path). */
    public static IpcClient connect() throws IpcException {
        return connect(IpcProtocol.defaultSocket());
    }

    /**
     * Connects to the helper at {@code socket} and waits for its greeting.
     *
     * @throws IpcException {@link ErrorCode#UNREACHABLE} when nothing listens there,
     *                      {@link ErrorCode#NOT_AUTHORISED} when the user may not use the helper,
     *                      {@link ErrorCode#TOO_MANY_CLIENTS}, or {@link ErrorCode#PROTOCOL_ERROR}
     */
    public static IpcClient connect(Path socket) throws IpcException {
        return connect(DefaultTransport.INSTANCE, socket);
    }

    /** The transport of this OS's platform, or a UNIX socket when no platform jar is present. */
    private static final class DefaultTransport {
        static final IpcTransport INSTANCE = HelperPlatform.current().map(HelperPlatform::ipcTransport)
                .orElseGet(() -> new UnixSocketTransport(IpcProtocol.DEFAULT_SOCKET));
    }

    /** As {@link #connect(Path)}, through {@code transport}. */
    public static IpcClient connect(IpcTransport transport, Path socket) throws IpcException {
        Objects.requireNonNull(socket, "socket");
        IpcTransport.Connection ch;
        try {
            ch = transport.connect(socket.toString());
        } catch (IOException e) {
            throw connectFailure(socket, e);
        }
        IpcClient client = new IpcClient(socket, ch);
        client.startReader();
        client.awaitHello();
        return client;
    }

    private static IpcException connectFailure(Path socket, IOException e) {
        String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (msg.contains("permission denied") || msg.contains("access denied")) {
            return new IpcException(ErrorCode.NOT_AUTHORISED, notAuthorisedMessage(socket), List.of(), e);
        }
        return new IpcException(ErrorCode.UNREACHABLE, unreachableMessage(socket), List.of(), e);
    }

    /** The message for a helper that does not answer. */
    public static String unreachableMessage(Path socket) {
        return "cannot reach the helper at " + socket + ": is the wgdesk-helper service running? ("
                + PlatformHints.current().howToStart() + ")";
    }

    /** The message for a user who may not open the helper's socket. */
    public static String notAuthorisedMessage(Path socket) {
        PlatformHints h = PlatformHints.current();
        return "not authorised to use the helper at " + socket + ": only " + (h.isWindows() ? "administrators" : "root")
                + " and members of the group '" + h.group() + "' may (an administrator can add you: "
                + h.howToAdd(h.currentUserVariable()) + ", then " + (h.isWindows() ? "sign out and in again" : "log in again")
                + ")";
    }

    private void startReader() {
        Thread.ofPlatform().name("wgdesk-ipc-client-read").daemon().start(this::readLoop);
    }

    private void awaitHello() throws IpcException {
        JsonNode h;
        try {
            h = hello.get(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof IpcException ie ? ie
                    : new IpcException(ErrorCode.PROTOCOL_ERROR, "bad greeting from the helper: " + e.getCause());
        } catch (TimeoutException e) {
            close();
            throw new IpcException(ErrorCode.TIMEOUT, "the helper at " + socket + " did not greet within "
                    + HELLO_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IpcException(ErrorCode.DISCONNECTED, "interrupted while connecting");
        }
        JsonNode protocol = h.get("protocol");
        serverProtocol = protocol == null ? 0 : protocol.asInt();
        serverName = h.path("server").asText("");
        if (serverProtocol != IpcProtocol.VERSION) {
            close();
            throw new IpcException(ErrorCode.UNSUPPORTED_VERSION, "the helper speaks protocol version "
                    + serverProtocol + ", this program version " + IpcProtocol.VERSION + "; install matching versions");
        }
    }

    /** The helper's name and version from its greeting, e.g. {@code wgdesk-helper/0.1.0}. */
    public String serverName() {
        return serverName;
    }

    /** The socket this client is connected to. */
    public Path socket() {
        return socket;
    }

    /** True until the connection is closed or breaks. */
    public boolean isConnected() {
        return !closed && disconnectCause == null;
    }

    /** How long the blocking methods wait (default {@link #DEFAULT_TIMEOUT}). */
    public void setTimeout(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.timeout = value;
    }

    /* ====================== typed requests ====================== */

    /** Every stored tunnel with its state. */
    public CompletableFuture<List<TunnelInfo>> listAsync() {
        return call(IpcProtocol.Method.LIST, IpcJson.object()).thenApply(r -> list(r.get("tunnels"), TunnelInfo.class));
    }

    /** Blocking {@link #listAsync()}. */
    public List<TunnelInfo> list() throws IpcException {
        return await(listAsync());
    }

    /** A tunnel's stored wg-quick text (it contains the private key: do not log it). */
    public CompletableFuture<String> getConfigAsync(String name) {
        return call(IpcProtocol.Method.GET, nameParams(name)).thenApply(r -> r.path("config").asText());
    }

    /** Blocking {@link #getConfigAsync}. */
    public String getConfig(String name) throws IpcException {
        return await(getConfigAsync(name));
    }

    /**
     * Stores {@code config} as tunnel {@code name}, creating it or replacing its text. An active
     * tunnel keeps running with its old configuration until it is activated again. Fails with
     * {@link ErrorCode#INVALID_CONFIG} (details: one {@code file:line:column: ...} line per
     * problem), and then the stored tunnel is unchanged.
     */
    public CompletableFuture<TunnelInfo> saveAsync(String name, String config) {
        ObjectNode p = nameParams(name);
        p.put("config", config);
        return tunnelCall(IpcProtocol.Method.SAVE, p);
    }

    /** Blocking {@link #saveAsync}. */
    public TunnelInfo save(String name, String config) throws IpcException {
        return await(saveAsync(name, config));
    }

    /** Like {@link #saveAsync}, but fails with {@link ErrorCode#ALREADY_EXISTS} if the name is taken. */
    public CompletableFuture<TunnelInfo> importConfigAsync(String name, String config) {
        ObjectNode p = nameParams(name);
        p.put("config", config);
        return tunnelCall(IpcProtocol.Method.IMPORT, p);
    }

    /** Blocking {@link #importConfigAsync}. */
    public TunnelInfo importConfig(String name, String config) throws IpcException {
        return await(importConfigAsync(name, config));
    }

    /** The WireGuard tunnels on the computer outside the store (wg-quick, NetworkManager), without keys. */
    public CompletableFuture<List<SystemTunnel>> systemTunnelsAsync() {
        return call(IpcProtocol.Method.SYSTEM_TUNNELS, IpcJson.object())
                .thenApply(r -> list(r.get("tunnels"), SystemTunnel.class));
    }

    /** Blocking {@link #systemTunnelsAsync()}. */
    public List<SystemTunnel> systemTunnels() throws IpcException {
        return await(systemTunnelsAsync());
    }

    /**
     * Copies the system tunnel at {@code path} into the store as {@code name} (null: the name
     * {@link SystemTunnel#name()} suggests). Root only; the original is not changed.
     */
    public CompletableFuture<TunnelInfo> importSystemAsync(String path, String name) {
        ObjectNode p = IpcJson.object();
        p.put("path", path);
        if (name != null) {
            p.put("name", name);
        }
        return tunnelCall(IpcProtocol.Method.IMPORT_SYSTEM, p);
    }

    /** Blocking {@link #importSystemAsync}. */
    public TunnelInfo importSystem(String path, String name) throws IpcException {
        return await(importSystemAsync(path, name));
    }

    /** Deactivates (if needed) and deletes a tunnel. */
    public CompletableFuture<Void> deleteAsync(String name) {
        return call(IpcProtocol.Method.DELETE, nameParams(name)).thenApply(r -> null);
    }

    /** Blocking {@link #deleteAsync}. */
    public void delete(String name) throws IpcException {
        await(deleteAsync(name));
    }

    /** Renames an inactive tunnel; fails with {@link ErrorCode#ALREADY_EXISTS} if {@code newName} is taken. */
    public CompletableFuture<TunnelInfo> renameAsync(String name, String newName) {
        ObjectNode p = nameParams(name);
        p.put("newName", newName);
        return tunnelCall(IpcProtocol.Method.RENAME, p);
    }

    /** A request about one tunnel whose answer is that tunnel's stored description. */
    private CompletableFuture<TunnelInfo> tunnelCall(String method, ObjectNode params) {
        return call(method, params).thenApply(r -> one(r.get("tunnel"), TunnelInfo.class));
    }

    /** A request about one tunnel whose answer is its runtime status. */
    private CompletableFuture<TunnelStatus> statusCall(String method, String name) {
        return call(method, nameParams(name)).thenApply(r -> one(r.get("status"), TunnelStatus.class));
    }

    /** Blocking {@link #renameAsync}. */
    public TunnelInfo rename(String name, String newName) throws IpcException {
        return await(renameAsync(name, newName));
    }

    /**
     * Activates a tunnel (a no-op if active); an active tunnel whose AllowedIPs overlap its own is
     * deactivated first. Fails with {@link ErrorCode#ACTIVATION_FAILED} naming the failed step,
     * after rolling back.
     */
    public CompletableFuture<TunnelStatus> activateAsync(String name) {
        return statusCall(IpcProtocol.Method.ACTIVATE, name);
    }

    /** Blocking {@link #activateAsync}. */
    public TunnelStatus activate(String name) throws IpcException {
        return await(activateAsync(name));
    }

    /** Deactivates a tunnel (a no-op if inactive). */
    public CompletableFuture<TunnelStatus> deactivateAsync(String name) {
        return statusCall(IpcProtocol.Method.DEACTIVATE, name);
    }

    /** Blocking {@link #deactivateAsync}. */
    public TunnelStatus deactivate(String name) throws IpcException {
        return await(deactivateAsync(name));
    }

    /** Sets whether the helper activates the tunnel when it starts (at boot). */
    public CompletableFuture<TunnelInfo> setAutostartAsync(String name, boolean enabled) {
        ObjectNode p = nameParams(name);
        p.put("enabled", enabled);
        return tunnelCall(IpcProtocol.Method.SET_AUTOSTART, p);
    }

    /** Blocking {@link #setAutostartAsync}. */
    public TunnelInfo setAutostart(String name, boolean enabled) throws IpcException {
        return await(setAutostartAsync(name, enabled));
    }

    /**
     * Sets whether other members of the group may activate and deactivate the tunnel (its owner
     * and root only).
     */
    public CompletableFuture<TunnelInfo> setSharedAsync(String name, boolean shared) {
        ObjectNode p = nameParams(name);
        p.put("shared", shared);
        return tunnelCall(IpcProtocol.Method.SET_SHARED, p);
    }

    /** Blocking {@link #setSharedAsync}. */
    public TunnelInfo setShared(String name, boolean shared) throws IpcException {
        return await(setSharedAsync(name, shared));
    }

    /**
     * Sets the tunnel's on-demand rule ({@link OnDemandRule#OFF} removes it; its owner and root
     * only); answers its status, whose {@code onDemand} says what on-demand did.
     */
    public CompletableFuture<TunnelStatus> setOnDemandAsync(String name, OnDemandRule rule) {
        ObjectNode p = nameParams(name);
        p.set("rule", JsonTrees.of(rule));
        return call(IpcProtocol.Method.SET_ON_DEMAND, p).thenApply(r -> one(r.get("status"), TunnelStatus.class));
    }

    /** Blocking {@link #setOnDemandAsync}. */
    public TunnelStatus setOnDemand(String name, OnDemandRule rule) throws IpcException {
        return await(setOnDemandAsync(name, rule));
    }

    /** The runtime status of every tunnel. */
    public CompletableFuture<List<TunnelStatus>> statusAsync() {
        return call(IpcProtocol.Method.STATUS, IpcJson.object()).thenApply(r -> list(r.get("tunnels"), TunnelStatus.class));
    }

    /** Blocking {@link #statusAsync()}. */
    public List<TunnelStatus> status() throws IpcException {
        return await(statusAsync());
    }

    /** The runtime status of one tunnel. */
    public CompletableFuture<TunnelStatus> statusAsync(String name) {
        return call(IpcProtocol.Method.STATUS, nameParams(name)).thenApply(r -> {
            List<TunnelStatus> all = list(r.get("tunnels"), TunnelStatus.class);
            if (all.size() != 1) {
                throw new CompletionException(new IpcException(ErrorCode.PROTOCOL_ERROR,
                        "the helper sent " + all.size() + " statuses for one tunnel"));
            }
            return all.getFirst();
        });
    }

    /** Blocking {@link #statusAsync(String)}. */
    public TunnelStatus status(String name) throws IpcException {
        return await(statusAsync(name));
    }

    /** The last {@code lines} (1..10000) lines of the helper's log, oldest first. */
    public CompletableFuture<List<LogEntry>> logTailAsync(int lines) {
        ObjectNode p = IpcJson.object();
        p.put("lines", lines);
        return call(IpcProtocol.Method.LOG_TAIL, p).thenApply(r -> list(r.get("entries"), LogEntry.class));
    }

    /** Blocking {@link #logTailAsync}. */
    public List<LogEntry> logTail(int lines) throws IpcException {
        return await(logTailAsync(lines));
    }

    /**
     * Runs process {@code pid} (one of the caller's) outside the tunnels; answers
     * {@code {"pid","name","already"}}. See docs/ipc.md, "Apps outside the tunnel".
     */
    public JsonNode exclude(long pid) throws IpcException {
        ObjectNode p = IpcJson.object();
        p.put("pid", pid);
        return await(call(IpcProtocol.Method.EXCLUDE, p));
    }

    /** Puts an excluded process back into the tunnels; answers {@code {"pid","name","already"}}. */
    public JsonNode unexclude(long pid) throws IpcException {
        ObjectNode p = IpcJson.object();
        p.put("pid", pid);
        return await(call(IpcProtocol.Method.UNEXCLUDE, p));
    }

    /** {@code {"available","reason","processes":[{"pid","name","uid"}]}}. */
    public JsonNode exclusions() throws IpcException {
        return await(call(IpcProtocol.Method.EXCLUSIONS, IpcJson.object()));
    }

    /* ====================== events ====================== */

    /** A registered event listener; {@link #close()} removes it. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Registers {@code listener} for pushed events, asking the helper to send them if this is the
     * first listener. Blocks until the helper confirms.
     */
    public Subscription subscribe(Consumer<IpcEvent> listener) throws IpcException {
        Objects.requireNonNull(listener, "listener");
        synchronized (subscribeLock) {
            boolean first = listeners.isEmpty();
            listeners.add(listener);
            if (first) {
                try {
                    await(call(IpcProtocol.Method.SUBSCRIBE, IpcJson.object()));
                } catch (IpcException e) {
                    listeners.remove(listener);
                    throw e;
                }
            }
        }
        return () -> {
            synchronized (subscribeLock) {
                if (listeners.remove(listener) && listeners.isEmpty() && isConnected()) {
                    call(IpcProtocol.Method.UNSUBSCRIBE, IpcJson.object());
                }
            }
        };
    }

    /** Registers a listener called once, on the callback thread, when the connection ends unasked. */
    public void onDisconnect(Consumer<IpcException> listener) {
        disconnectListeners.add(Objects.requireNonNull(listener, "listener"));
        IpcException cause = disconnectCause;
        if (cause != null && !closed) {
            callbacks.execute(() -> listener.accept(cause));
        }
    }

    /* ====================== raw requests ====================== */

    /**
     * Sends any request and returns its {@code result} object; the typed methods are built on
     * this. Fails with {@link ErrorCode#TOO_LARGE} without sending when the request is over
     * {@link IpcProtocol#MAX_REQUEST_BYTES}.
     */
    public CompletableFuture<JsonNode> call(String method, ObjectNode params) {
        long id = nextId.getAndIncrement();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        IpcException down = disconnectCause;
        if (closed || down != null) {
            f.completeExceptionally(down != null ? down : new IpcException(ErrorCode.DISCONNECTED, "the client is closed"));
            return f;
        }
        byte[] line = IpcJson.encodeLine(IpcJson.request(id, method, params));
        if (line.length > IpcProtocol.MAX_REQUEST_BYTES) {
            f.completeExceptionally(new IpcException(ErrorCode.TOO_LARGE, "the request is " + line.length
                    + " bytes; the helper accepts at most " + IpcProtocol.MAX_REQUEST_BYTES));
            return f;
        }
        pending.put(id, f);
        try {
            writeLine(line);
        } catch (IOException e) {
            pending.remove(id);
            f.completeExceptionally(new IpcException(ErrorCode.DISCONNECTED,
                    "lost the connection to the helper: " + e.getMessage(), List.of(), e));
        }
        return f;
    }

    /**
     * Writes raw bytes to the helper, for tests of the server's robustness. Responses to them
     * (with a null id) arrive as {@link IpcEvent.ErrorOccurred} events.
     */
    void writeRaw(byte[] bytes) throws IOException {
        writeLine(bytes);
    }

    private void writeLine(byte[] line) throws IOException {
        synchronized (writeLock) {
            java.io.OutputStream out = channel.output();
            out.write(line);
            out.flush();
        }
    }

    /**
     * Waits for {@code f} up to the timeout, unwrapping its {@link IpcException}. When it returns,
     * the subscribed listeners have been handed every event the helper sent before its answer (the
     * answer is read on the reader thread, events go through the callback thread): a caller that
     * activates a tunnel and then watches events never sees that activation's own events late.
     * Called from a listener itself, it does not wait for the listeners (that would deadlock).
     */
    public <T> T await(CompletableFuture<T> f) throws IpcException {
        try {
            T value = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            awaitListeners();
            return value;
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : e.getCause();
            if (c instanceof IpcException ie) {
                throw ie;
            }
            throw new IpcException(ErrorCode.PROTOCOL_ERROR, "unexpected failure: " + c, List.of(), c);
        } catch (TimeoutException e) {
            throw new IpcException(ErrorCode.TIMEOUT, "the helper did not answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IpcException(ErrorCode.TIMEOUT, "interrupted while waiting for the helper");
        }
    }

    /** Waits (bounded) until the callback thread has run what was queued before this call. */
    private void awaitListeners() throws InterruptedException {
        if (listeners.isEmpty() || Thread.currentThread() == callbackThread) {
            return;
        }
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try {
            callbacks.execute(done::countDown);
        } catch (java.util.concurrent.RejectedExecutionException closedAlready) {
            return;
        }
        if (!done.await(EVENT_BARRIER_MILLIS, TimeUnit.MILLISECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "An event listener has been busy for over {0} ms", EVENT_BARRIER_MILLIS);
        }
    }

        /* ====================== reading ====================== */

    private void readLoop() {
        IpcException cause;
        try {
            LineReader reader = new LineReader(channel.input(), IpcProtocol.MAX_SERVER_MESSAGE_BYTES);
            LineReader.Line line;
            while ((line = reader.next()) != null) {
                if (line.tooLong()) {
                    throw new IpcException(ErrorCode.PROTOCOL_ERROR, "the helper sent a message of " + line.size() + " bytes");
                }
                handleMessage(IpcJson.parseObject(line.bytes(), line.length()));
            }
            cause = new IpcException(ErrorCode.DISCONNECTED, "the helper closed the connection");
        } catch (IpcException e) {
            cause = e;
        } catch (JsonProcessingException | IpcJson.JsonMappingNotObject e) {
            cause = new IpcException(ErrorCode.PROTOCOL_ERROR, "the helper sent invalid JSON: " + e.getMessage());
        } catch (IOException e) {
            cause = new IpcException(ErrorCode.DISCONNECTED, "lost the connection to the helper: " + e.getMessage());
        } catch (RuntimeException e) {
            cause = new IpcException(ErrorCode.PROTOCOL_ERROR, "cannot read the helper's message: " + e, List.of(), e);
        }
        disconnected(cause);
    }

    private void handleMessage(ObjectNode msg) throws IpcException {
        String type = msg.path("type").asText("");
        switch (type) {
            case IpcProtocol.Type.HELLO -> hello.complete(msg);
            case IpcProtocol.Type.RESPONSE -> handleResponse(msg);
            case IpcProtocol.Type.EVENT -> {
                IpcEvent ev = IpcJson.readEvent(msg.path("event").asText(""), msg.path("data"));
                if (ev != null) {
                    deliver(ev);
                }
            }
            default -> LOG.log(System.Logger.Level.DEBUG, "Ignoring a message of unknown type {0}", type);
        }
    }

    private void handleResponse(ObjectNode msg) {
        JsonNode id = msg.get("id");
        JsonNode error = msg.get("error");
        IpcException failure = error == null ? null : new IpcException(ErrorCode.fromWire(error.path("code").asText()),
                error.path("message").asText("the helper reported an error"), details(error.get("details")));
        if (id == null || id.isNull()) {
            if (!hello.isDone()) {
                hello.completeExceptionally(failure != null ? failure
                        : new IpcException(ErrorCode.PROTOCOL_ERROR, "the helper answered before greeting"));
            } else if (failure != null) {
                deliver(new IpcEvent.ErrorOccurred(null, failure.code() + ": " + failure.getMessage()));
            }
            return;
        }
        CompletableFuture<JsonNode> f = pending.remove(id.asLong());
        if (f == null) {
            return; // a response to a request nobody waits for any more
        }
        if (failure != null) {
            f.completeExceptionally(failure);
        } else {
            f.complete(msg.path("result"));
        }
    }

    private static List<String> details(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private void deliver(IpcEvent ev) {
        if (listeners.isEmpty()) {
            return;
        }
        try {
            callbacks.execute(() -> {
                for (Consumer<IpcEvent> l : listeners) {
                    try {
                        l.accept(ev);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "An event listener failed", e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closed
        }
    }

    private void disconnected(IpcException cause) {
        if (closed) {
            cause = new IpcException(ErrorCode.DISCONNECTED, "the client was closed");
        }
        disconnectCause = cause;
        hello.completeExceptionally(cause);
        for (Long id : List.copyOf(pending.keySet())) {
            CompletableFuture<JsonNode> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(cause);
            }
        }
        closeQuietly(channel);
        if (!closed) {
            IpcException c = cause;
            try {
                callbacks.execute(() -> disconnectListeners.forEach(l -> l.accept(c)));
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closed meanwhile
            }
        }
        callbacks.shutdown();
    }

    /* ====================== helpers ====================== */

    private static ObjectNode nameParams(String name) {
        ObjectNode p = IpcJson.object();
        p.put("name", Objects.requireNonNull(name, "name"));
        return p;
    }

    private static <T> T one(JsonNode node, Class<T> type) {
        if (node == null || !node.isObject()) {
            throw new CompletionException(new IpcException(ErrorCode.PROTOCOL_ERROR,
                    "the helper's response lacks its " + type.getSimpleName()));
        }
        try {
            return IpcJson.fromTree(node, type);
        } catch (IpcException e) {
            throw new CompletionException(e);
        }
    }

    private static <T> List<T> list(JsonNode node, Class<T> type) {
        if (node == null || !node.isArray()) {
            throw new CompletionException(new IpcException(ErrorCode.PROTOCOL_ERROR,
                    "the helper's response lacks its list of " + type.getSimpleName()));
        }
        List<T> out = new ArrayList<>(node.size());
        for (JsonNode n : node) {
            out.add(one(n, type));
        }
        return List.copyOf(out);
    }

    private static void closeQuietly(IpcTransport.Connection ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Closes the connection; requests in progress fail with {@link ErrorCode#DISCONNECTED}. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(channel);
        callbacks.shutdown();
    }
}
