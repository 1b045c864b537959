package dev.wgdesk.app.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import dev.wgdesk.engine.platform.IpcTransport;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * One authorised connection on an {@link IpcServer}: reads requests line by line, runs each on a
 * thread of its own (at most {@link IpcProtocol#MAX_IN_FLIGHT_PER_CLIENT} at once), and writes
 * responses and events from one writer thread through a bounded queue. Platform threads, as
 * {@link IpcServer}'s connection threads (requests are few; virtual threads cost the helper
 * more memory than they save).
 */
final class Session {
    private static final System.Logger LOG = System.getLogger("wgdesk.ipc");
    private static final byte[] CLOSE = new byte[0];
    private static final byte[] CLOSE_AFTER = new byte[0];

    private final IpcServer server;
    private final IpcTransport.Connection channel;
    private final IpcServer.Client client;
    private final BlockingQueue<byte[]> outbox = new ArrayBlockingQueue<>(IpcProtocol.MAX_QUEUED_MESSAGES);
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final Semaphore inFlight = new Semaphore(IpcProtocol.MAX_IN_FLIGHT_PER_CLIENT);
    volatile boolean subscribed;
    private volatile boolean stopReading;
    private volatile boolean closed;

    Session(IpcServer server, IpcTransport.Connection channel, IpcServer.Client client) {
        this.server = server;
        this.channel = channel;
        this.client = client;
    }

    /** Sends the greeting, then serves requests until the client disconnects. */
    void run(byte[] hello) {
        Thread writer = Thread.ofPlatform().name("wgdesk-ipc-write-" + client.id()).daemon().start(this::writeLoop);
        send(hello);
        try {
            InputStream in = channel.input();
            LineReader reader = new LineReader(in, IpcProtocol.MAX_REQUEST_BYTES);
            LineReader.Line line;
            while (!closed && !stopReading && (line = reader.next()) != null) {
                if (line.tooLong()) {
                    LOG.log(System.Logger.Level.WARNING, "Client {0} ({1}) sent a {2}-byte request; refused",
                            client.id(), client.user(), line.size());
                    send(IpcJson.encodeLine(IpcJson.error(null, ErrorCode.TOO_LARGE,
                            "request of " + line.size() + " bytes is larger than the limit of "
                                    + IpcProtocol.MAX_REQUEST_BYTES + " bytes", List.of())));
                    continue;
                }
                if (isBlank(line.bytes(), line.length())) {
                    continue;
                }
                handleLine(line.bytes(), line.length());
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.DEBUG, "Client {0} read failed: {1}", client.id(), e.toString());
            }
        } finally {
            // Let requests in progress answer, then stop the writer.
            try {
                inFlight.acquire(IpcProtocol.MAX_IN_FLIGHT_PER_CLIENT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            outbox.offer(CLOSE);
            try {
                writer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean isBlank(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private void handleLine(byte[] bytes, int length) throws IOException {
        ObjectNode request;
        try {
            request = IpcJson.parseObject(bytes, length);
        } catch (JsonProcessingException e) {
            replyError(null, ErrorCode.BAD_REQUEST, "not valid JSON: " + describe(e));
            return;
        } catch (IpcJson.JsonMappingNotObject e) {
            replyError(null, ErrorCode.BAD_REQUEST, e.getMessage());
            return;
        } catch (IOException e) {
            // Parsing from memory does no I/O: this is the request's fault too, e.g. leading zero
            // bytes that make Jackson guess UTF-32 and fail with a CharConversionException.
            // Found by IpcRequestFuzzTest; it used to end the connection.
            String msg = String.valueOf(e.getMessage());
            replyError(null, ErrorCode.BAD_REQUEST, "not valid JSON: " + (msg.length() > 200 ? msg.substring(0, 200) + "..." : msg));
            return;
        }
        JsonNode id = request.get("id");
        if (id == null || !(id.isIntegralNumber() && id.canConvertToLong() || id.isTextual())) {
            replyError(null, ErrorCode.BAD_REQUEST, "\"id\" (an integer) is required");
            return;
        }
        Optional<String> refusal = server.check(client.peer());
        if (refusal.isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "Client {0} ({1}) is no longer authorised; disconnecting: {2}",
                    client.id(), client.peer().describe(), refusal.get());
            replyError(id, ErrorCode.NOT_AUTHORISED, refusal.get());
            finishAndClose();
            return;
        }
        JsonNode version = request.get("protocol");
        if (version != null && !(version.isInt() && version.intValue() == IpcProtocol.VERSION)) {
            replyError(id, ErrorCode.UNSUPPORTED_VERSION, "protocol version " + version
                    + " is not supported; this helper speaks version " + IpcProtocol.VERSION);
            return;
        }
        JsonNode method = request.get("method");
        if (method == null || !method.isTextual()) {
            replyError(id, ErrorCode.BAD_REQUEST, "\"method\" (a string) is required");
            return;
        }
        JsonNode params = request.get("params");
        if (params == null || params.isNull()) {
            params = IpcJson.object();
        } else if (!params.isObject()) {
            replyError(id, ErrorCode.BAD_REQUEST, "\"params\" must be an object");
            return;
        }
        String name = method.textValue();
        switch (name) {
            case IpcProtocol.Method.SUBSCRIBE -> {
                subscribed = true;
                send(IpcJson.encodeLine(IpcJson.result(id, null)));
                return;
            }
            case IpcProtocol.Method.UNSUBSCRIBE -> {
                subscribed = false;
                send(IpcJson.encodeLine(IpcJson.result(id, null)));
                return;
            }
            default -> { }
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode p = params;
        Thread.ofPlatform().name("wgdesk-ipc-req-" + client.id()).daemon().start(() -> {
            try {
                dispatch(id, name, p);
            } finally {
                inFlight.release();
            }
        });
    }

    private void dispatch(JsonNode id, String method, JsonNode params) {
        try {
            JsonNode result = server.handler().handle(method, params, client);
            send(IpcJson.encodeLine(IpcJson.result(id, result)));
        } catch (IpcException e) {
            send(IpcJson.encodeLine(IpcJson.error(id, e.code(), e.getMessage(), e.details())));
        } catch (RuntimeException | StackOverflowError e) {
            LOG.log(System.Logger.Level.ERROR, "Request " + method + " from client " + client.id() + " failed", e);
            send(IpcJson.encodeLine(IpcJson.error(id, ErrorCode.INTERNAL,
                    "internal error in the helper (" + e.getClass().getSimpleName() + "); see its log", List.of())));
        }
    }

    private static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg != null && msg.length() > 200) {
            msg = msg.substring(0, 200) + "...";
        }
        if (e.getLocation() != null) {
            return msg + " (at column " + e.getLocation().getColumnNr() + ")";
        }
        return msg;
    }

    private void replyError(JsonNode id, ErrorCode code, String message) {
        send(IpcJson.encodeLine(IpcJson.error(id, code, message, List.of())));
    }

    /** Queues a message line; disconnects the client if its queue is full (messages or bytes). */
    void send(byte[] line) {
        if (closed) {
            return;
        }
        long total = queuedBytes.addAndGet(line.length);
        if (total > IpcProtocol.MAX_QUEUED_BYTES || !outbox.offer(line)) {
            queuedBytes.addAndGet(-line.length);
            LOG.log(System.Logger.Level.WARNING, "Client {0} ({1}) does not read its messages ({2} bytes queued); disconnecting",
                    client.id(), client.user(), total);
            close();
        }
    }

    /** Sends an event if the client may still use the server; else disconnects it. */
    void sendEvent(byte[] line) {
        if (server.check(client.peer()).isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "Client {0} ({1}) is no longer authorised; disconnecting",
                    client.id(), client.peer().describe());
            finishAndClose();
            return;
        }
        send(line);
    }

    /** Bytes queued now (for tests). */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Lets what is queued be written, then closes: the writer closes the channel after the last line. */
    private void finishAndClose() {
        stopReading = true;
        if (!outbox.offer(CLOSE_AFTER)) {
            close();
        }
    }

    private void writeLoop() {
        try {
            OutputStream out = channel.output();
            while (true) {
                byte[] line = outbox.take();
                if (line == CLOSE) {
                    return;
                }
                if (line == CLOSE_AFTER) {
                    close();
                    return;
                }
                queuedBytes.addAndGet(-line.length);
                out.write(line);
                out.flush();
            }
        } catch (IOException e) {
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the connection; the reader and writer end. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        outbox.clear();
        outbox.offer(CLOSE);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
