package dev.wgdesk.app.ipc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * JSON encoding of the protocol's messages, shared by server and client: message builders,
 * typed readers for request parameters that fail with {@link ErrorCode#BAD_REQUEST}, and the
 * reading and writing of message lines (bounded nesting and string lengths, duplicate keys
 * refused) with {@link JsonTrees}, Jackson's streaming API alone. The client also converts trees
 * to records with a configured {@link ObjectMapper} (unknown fields ignored for forward
 * compatibility), made when first used: the helper never makes it (Jackson's data binding costs
 * the all-day helper memory, see {@link JsonTrees}). Thread-safe.
 */
public final class IpcJson {
    /** Deepest nesting accepted in a message; requests are flat, so this is generous. */
    static final int MAX_NESTING = 32;

    private IpcJson() {}

    /** A JSON factory with the protocol's limits (each mapper needs its own: it becomes the factory's codec). */
    static JsonFactory newFactory() {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxStringLength(IpcProtocol.MAX_SERVER_MESSAGE_BYTES)
                        .maxNumberLength(64)
                        .build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** The mapper, made on first use (by clients; the helper uses none). */
    private static final class Mapper {
        static final ObjectMapper MAPPER = createMapper();

        private static ObjectMapper createMapper() {
            ObjectMapper m = new ObjectMapper(newFactory());
            m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            m.disable(SerializationFeature.INDENT_OUTPUT);
            m.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
            m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
            m.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            return m;
        }
    }

    /** The shared mapper (for converting results and events to records, client side). */
    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** {@code value} as a tree (records become objects, enums their names): {@link JsonTrees#of}. */
    public static JsonNode toTree(Object value) {
        return JsonTrees.of(value);
    }

    /** {@code node} converted to {@code type}; a mismatch is a {@link ErrorCode#PROTOCOL_ERROR}. */
    static <T> T fromTree(JsonNode node, Class<T> type) throws IpcException {
        try {
            return Mapper.MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IpcException(ErrorCode.PROTOCOL_ERROR,
                    "the helper sent a " + type.getSimpleName() + " this client cannot read: " + getOriginalMessageOf(e));
        }
    }

    private static String getOriginalMessageOf(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage());
    }

    /** Parses one message line; anything but a JSON object is an error. */
    static ObjectNode parseObject(byte[] line, int length) throws JsonProcessingException, java.io.IOException {
        JsonNode node = JsonTrees.read(line, 0, length);
        if (!node.isObject()) {
            throw new JsonMappingNotObject();
        }
        return (ObjectNode) node;
    }

    /** Thrown by {@link #parseObject} for valid JSON that is not an object. */
    static final class JsonMappingNotObject extends java.io.IOException {
        JsonMappingNotObject() {
            super("a message must be a JSON object");
        }
    }

    /** One message as a line of UTF-8 ending in {@code \n}. */
    static byte[] encodeLine(JsonNode message) {
        byte[] json = JsonTrees.write(message, false);
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    /* ---------- message builders ---------- */

    /** {@code {"type":"hello","protocol":1,"server":...}}. */
    static ObjectNode hello(String server) {
        ObjectNode n = object();
        n.put("type", IpcProtocol.Type.HELLO);
        n.put("protocol", IpcProtocol.VERSION);
        n.put("server", server);
        return n;
    }

    /** A successful response. */
    static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode n = object();
        n.put("type", IpcProtocol.Type.RESPONSE);
        n.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        n.set("result", result == null ? object() : result);
        return n;
    }

    /** An error response; {@code id} is null when the request's id could not be read. */
    static ObjectNode error(JsonNode id, ErrorCode code, String message, List<String> details) {
        ObjectNode n = object();
        n.put("type", IpcProtocol.Type.RESPONSE);
        n.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        ObjectNode e = n.putObject("error");
        e.put("code", code.name());
        e.put("message", message);
        if (!details.isEmpty()) {
            details.forEach(e.putArray("details")::add);
        }
        return n;
    }

    /** A request. */
    static ObjectNode request(long id, String method, JsonNode params) {
        ObjectNode n = object();
        n.put("id", id);
        n.put("protocol", IpcProtocol.VERSION);
        n.put("method", method);
        n.set("params", params == null ? object() : params);
        return n;
    }

    /** An event message. */
    static ObjectNode event(IpcEvent event) {
        ObjectNode n = object();
        n.put("type", IpcProtocol.Type.EVENT);
        n.put("event", event.kind());
        n.set("data", event instanceof IpcEvent.LogLine l ? toTree(l.entry()) : toTree(event));
        return n;
    }

    /** Reads an event message's data; null for a kind this version does not know. */
    static IpcEvent readEvent(String kind, JsonNode data) throws IpcException {
        return switch (kind) {
            case IpcEvent.StateChanged.KIND -> fromTree(data, IpcEvent.StateChanged.class);
            case IpcEvent.HandshakeCompleted.KIND -> fromTree(data, IpcEvent.HandshakeCompleted.class);
            case IpcEvent.ErrorOccurred.KIND -> fromTree(data, IpcEvent.ErrorOccurred.class);
            case IpcEvent.LogLine.KIND -> new IpcEvent.LogLine(fromTree(data, LogEntry.class));
            default -> null;
        };
    }

    /* ---------- parameter readers (server side) ---------- */

    /** A required string parameter. */
    public static String requireString(JsonNode params, String field) throws IpcException {
        JsonNode v = params.get(field);
        if (v == null || !v.isTextual()) {
            throw new IpcException(ErrorCode.BAD_REQUEST, "parameter \"" + field + "\" (a string) is required");
        }
        return v.textValue();
    }

    /** An optional string parameter, or null. */
    public static String optionalString(JsonNode params, String field) throws IpcException {
        JsonNode v = params.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IpcException(ErrorCode.BAD_REQUEST, "parameter \"" + field + "\" must be a string");
        }
        return v.textValue();
    }

    /** A required boolean parameter. */
    public static boolean requireBoolean(JsonNode params, String field) throws IpcException {
        JsonNode v = params.get(field);
        if (v == null || !v.isBoolean()) {
            throw new IpcException(ErrorCode.BAD_REQUEST, "parameter \"" + field + "\" (true or false) is required");
        }
        return v.booleanValue();
    }

    /** An optional integer parameter within {@code [min, max]}, or {@code dflt}. */
    public static int optionalInt(JsonNode params, String field, int dflt, int min, int max) throws IpcException {
        JsonNode v = params.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min || v.intValue() > max) {
            throw new IpcException(ErrorCode.BAD_REQUEST,
                    "parameter \"" + field + "\" must be an integer from " + min + " to " + max);
        }
        return v.intValue();
    }
}
