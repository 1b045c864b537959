package dev.wgdesk.app.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.app.ipc.IpcProtocol.Method;
import dev.wgdesk.engine.config.ConfigError;
import dev.wgdesk.engine.config.ParseResult;
import dev.wgdesk.engine.config.TunnelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fuzzes the helper's IPC request decoding end to end: arbitrary bytes go down one connection
 * to a real {@link IpcServer} on a UNIX socket (line splitting, the size bound, JSON parsing,
 * the envelope checks of {@code id}, {@code protocol}, {@code method} and {@code params}), and
 * a handler reads every method's parameters as {@code HelperService} does, with the
 * {@link IpcJson} readers (a {@code config} parameter also goes through the wg-quick parser).
 * The handler has no side effects, so the helper's tunnel operations themselves are not reached.
 * Checked after each input: a request sent after the fuzzed bytes is still answered on the same
 * connection within 5 s, and every message the server sent is a well-formed response (JSON
 * object, {@code type} response, an {@code id}, exactly one of {@code result} and {@code error},
 * a known error code, never {@link ErrorCode#INTERNAL}).
 *
 * <p>Seeds: {@code IpcRequestFuzzTestInputs/} next to this class, run in {@code mvn verify}.
 */
class IpcRequestFuzzTest {
    private static final long TIMEOUT_SECONDS = 5;
    private static IpcServer server;
    private static RawConnection connection;
    private static Path socket;
    private static long sentinel;
    /** Probe ids no fuzzed request can know in advance. */
    private static final String PROBE = "probe-" + java.util.UUID.randomUUID() + "-";

    private static synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        Path dir = Files.createTempDirectory("wgdesk-ipcfuzz-" + ProcessHandle.current().pid());
        dir.toFile().deleteOnExit();
        socket = dir.resolve("h.sock");
        socket.toFile().deleteOnExit();
        server = new IpcServer(new dev.wgdesk.engine.platform.UnixSocketTransport(socket), socket.toString(),
                new dev.wgdesk.engine.platform.IpcTransport.Access("root"), peer -> Optional.empty(),
                IpcRequestFuzzTest::handle, "fuzz-helper/1", 4);
        server.start();
        connection = new RawConnection(socket);
        JsonNode hello = connection.read();
        assertEquals("hello", hello.path("type").asText());
    }

    @FuzzTest
    void requestsAreDecodedOrRefused(byte[] input) throws Exception {
        start();
        byte[] bytes = input;
        if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
            bytes = Arrays.copyOf(bytes, bytes.length + 1);
            bytes[bytes.length - 1] = '\n'; // end the last line, so the probe is a line of its own
        }
        String id = PROBE + (++sentinel);
        connection.send(bytes);
        connection.send("{\"id\":\"" + id + "\",\"protocol\":1,\"method\":\"list\"}\n");
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> readUntil(id));
        try {
            reading.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            reconnect();
            throw new AssertionError("no answer to a request after the fuzzed bytes within " + TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            reconnect(); // so that later inputs (Jazzer's --keep_going) start from a working connection
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private static void reconnect() throws IOException {
        connection.close();
        connection = new RawConnection(socket);
        assertEquals("hello", connection.read().path("type").asText());
    }

    private static void readUntil(String id) {
        try {
            while (true) {
                JsonNode m = connection.read();
                assertNotNull(m, "the server closed the connection");
                checkResponse(m);
                if (id.equals(m.path("id").asText(null))) {
                    assertTrue(m.has("result"), () -> "the probe failed: " + m);
                    return;
                }
            }
        } catch (IOException e) {
            throw new AssertionError("reading the server's messages failed", e);
        }
    }

    private static void checkResponse(JsonNode m) {
        assertEquals("response", m.path("type").asText(), () -> "not a response: " + m);
        assertTrue(m.has("id"), () -> "a response without id: " + m);
        assertTrue(m.has("result") != m.has("error"), () -> "a response needs exactly one of result and error: " + m);
        if (m.has("error")) {
            JsonNode e = m.get("error");
            String code = e.path("code").asText();
            assertTrue(Arrays.stream(ErrorCode.values()).anyMatch(c -> c.name().equals(code)), () -> "unknown code: " + m);
            assertNotEquals(ErrorCode.INTERNAL.name(), code, () -> "the handler failed: " + m);
            assertTrue(e.path("message").isTextual(), () -> "an error without message: " + m);
        }
    }

    /** Reads each method's parameters as the helper does and echoes them; no side effects. */
    private static JsonNode handle(String method, JsonNode params, IpcServer.Client client) throws IpcException {
        ObjectNode r = IpcJson.object();
        switch (method) {
            case Method.LIST -> r.putArray("tunnels");
            case Method.GET, Method.DELETE, Method.ACTIVATE, Method.DEACTIVATE ->
                    r.put("name", IpcJson.requireString(params, "name"));
            case Method.SAVE, Method.IMPORT -> {
                String name = IpcJson.requireString(params, "name");
                String config = IpcJson.requireString(params, "config");
                ParseResult parsed = TunnelConfig.parseLenient(name + ".conf", config);
                if (!parsed.isValid()) {
                    throw new IpcException(ErrorCode.INVALID_CONFIG, parsed.errors().size() + " problems",
                            parsed.errors().stream().map(ConfigError::message).toList());
                }
                r.put("name", name);
                r.put("config", config.getBytes(StandardCharsets.UTF_8).length);
            }
            case Method.RENAME -> {
                r.put("name", IpcJson.requireString(params, "name"));
                r.put("newName", IpcJson.requireString(params, "newName"));
            }
            case Method.SET_AUTOSTART -> {
                r.put("name", IpcJson.requireString(params, "name"));
                r.put("enabled", IpcJson.requireBoolean(params, "enabled"));
            }
            case Method.STATUS -> r.put("name", IpcJson.optionalString(params, "name"));
            case Method.LOG_TAIL -> r.put("lines", IpcJson.optionalInt(params, "lines", 100, 1, 10_000));
            default -> throw new IpcException(ErrorCode.UNKNOWN_METHOD, "unknown method \"" + method + "\"");
        }
        return r;
    }
}
