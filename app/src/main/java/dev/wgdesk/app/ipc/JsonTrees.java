package dev.wgdesk.app.ipc;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * JSON trees ({@link JsonNode}) read and written with Jackson's streaming parser and generator
 * alone, and the protocol's records turned into trees by hand: what the helper needs, without
 * an {@code ObjectMapper}. A mapper brings Jackson's whole data binding (about 500 classes, bean
 * introspection with annotation proxies, date formats that load the locale data) into the
 * helper, which lives all day and pays for every class it loaded in memory (issue 13). The
 * client side still converts trees to records with the mapper ({@link IpcJson#mapper()}).
 *
 * <p>The trees are the ones Jackson's data binding reads and writes (its {@code readTree},
 * {@code valueToTree} and {@code writeValueAsBytes}, checked by {@code JsonTreesTest}): integers
 * as int, long or big-integer nodes as they fit, other numbers as doubles, duplicate keys and
 * anything after the value refused. Thread-safe.
 */
public final class JsonTrees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory FACTORY = IpcJson.newFactory();

    private JsonTrees() {}

    /**
     * Parses one JSON value. An empty (or all white space) input is a {@link MissingNode}.
     *
     * @throws com.fasterxml.jackson.core.JsonProcessingException for malformed JSON, a nesting
     *         deeper than {@link IpcJson#MAX_NESTING}, a duplicate key, or anything after the value
     */
    public static JsonNode read(byte[] bytes, int offset, int length) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return MissingNode.getInstance();
            }
            JsonNode root = value(p, t);
            JsonToken extra = p.nextToken();
            if (extra != null) {
                throw new JsonParseException(p, "unexpected " + extra + " after the JSON value");
            }
            return root;
        }
    }

    /** {@link #read(byte[], int, int)} of the whole array. */
    public static JsonNode read(byte[] bytes) throws IOException {
        return read(bytes, 0, bytes.length);
    }

    /** The value at {@code t}; the parser bounds the depth of this recursion (its nesting limit). */
    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken()));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(value(p, e));
                }
                yield a;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new JsonParseException(p, "unexpected " + t);
        };
    }

    /**
     * {@code node} as compact UTF-8 JSON, or indented ({@code pretty}) as Jackson's default
     * pretty printer does.
     *
     * @throws IllegalArgumentException for nodes that are not plain JSON (POJO or missing nodes)
     */
    public static byte[] write(JsonNode node, boolean pretty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to memory", e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode e : n) {
                    write(g, e);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case NUMBER -> {
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
                    case FLOAT -> g.writeNumber(n.floatValue());
                    case DOUBLE -> g.writeNumber(n.doubleValue());
                    case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
                }
            }
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NULL -> g.writeNull();
            case BINARY -> g.writeBinary(n.binaryValue());
            default -> throw new IllegalArgumentException("not a plain JSON node: " + n.getNodeType());
        }
    }

    /* ---------- the protocol's records as trees (what Jackson's valueToTree makes of them) ---------- */

    /**
     * {@code value} as a tree: one of the protocol's records (as an object of its components,
     * enums by name, nulls included), or a string, number, boolean, enum, list, map or tree
     * inside one.
     *
     * @throws IllegalArgumentException for any other type
     */
    public static JsonNode of(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case JsonNode n -> n;
            case String s -> NODES.textNode(s);
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Short s -> NODES.numberNode(s);
            case Byte b -> NODES.numberNode(b.intValue());
            case Double d -> NODES.numberNode(d);
            case Float f -> NODES.numberNode(f);
            case java.math.BigInteger b -> NODES.numberNode(b);
            case java.math.BigDecimal d -> NODES.numberNode(d);
            case Enum<?> e -> NODES.textNode(e.name());
            case Collection<?> c -> {
                ArrayNode a = NODES.arrayNode(c.size());
                c.forEach(e -> a.add(of(e)));
                yield a;
            }
            case Map<?, ?> m -> {
                ObjectNode o = NODES.objectNode();
                m.forEach((k, v) -> o.set(String.valueOf(k), of(v)));
                yield o;
            }
            case TunnelInfo t -> tunnelInfo(t);
            case TunnelStatus s -> tunnelStatus(s);
            case PeerStatus p -> peerStatus(p);
            case PeerDiagnosis d -> peerDiagnosis(d);
            case LogEntry e -> logEntry(e);
            case SystemTunnel s -> systemTunnel(s);
            case OnDemandRule r -> onDemandRule(r);
            case OnDemandStatus s -> onDemandStatus(s);
            case IpcEvent.StateChanged e -> {
                ObjectNode o = NODES.objectNode();
                o.put("name", e.name());
                o.put("state", e.state().name());
                o.put("previous", e.previous().name());
                o.put("message", e.message());
                yield o;
            }
            case IpcEvent.HandshakeCompleted e -> {
                ObjectNode o = NODES.objectNode();
                o.put("name", e.name());
                o.put("peer", e.peer());
                o.put("timeMillis", e.timeMillis());
                yield o;
            }
            case IpcEvent.ErrorOccurred e -> {
                ObjectNode o = NODES.objectNode();
                o.put("name", e.name());
                o.put("message", e.message());
                yield o;
            }
            case IpcEvent.LogLine l -> {
                ObjectNode o = NODES.objectNode();
                o.set("entry", logEntry(l.entry()));
                yield o;
            }
            default -> throw new IllegalArgumentException("no JSON form for a " + value.getClass().getName());
        };
    }

    private static ObjectNode tunnelInfo(TunnelInfo t) {
        ObjectNode o = NODES.objectNode();
        o.put("name", t.name());
        o.put("state", t.state().name());
        o.put("autostart", t.autostart());
        o.put("owner", t.owner());
        o.put("ownerName", t.ownerName());
        o.put("shared", t.shared());
        o.put("canManage", t.canManage());
        o.put("canUse", t.canUse());
        return o;
    }

    private static ObjectNode tunnelStatus(TunnelStatus s) {
        ObjectNode o = NODES.objectNode();
        o.put("name", s.name());
        o.put("state", s.state().name());
        o.put("autostart", s.autostart());
        o.put("publicKey", s.publicKey());
        o.put("listenPort", s.listenPort());
        o.put("mtu", s.mtu());
        o.put("activeSinceMillis", s.activeSinceMillis());
        ArrayNode peers = o.putArray("peers");
        s.peers().forEach(p -> peers.add(peerStatus(p)));
        o.set("warnings", strings(s.warnings()));
        o.put("error", s.error());
        o.put("hooksNotice", s.hooksNotice());
        o.set("onDemand", s.onDemand() == null ? NODES.nullNode() : onDemandStatus(s.onDemand()));
        return o;
    }

    private static ObjectNode onDemandRule(OnDemandRule r) {
        ObjectNode o = NODES.objectNode();
        o.put("wifi", r.wifi().name());
        o.set("ssids", strings(r.ssids()));
        o.put("ethernet", r.ethernet());
        return o;
    }

    private static ObjectNode onDemandStatus(OnDemandStatus s) {
        ObjectNode o = NODES.objectNode();
        o.set("rule", onDemandRule(s.rule()));
        o.put("decision", s.decision());
        o.put("reason", s.reason());
        o.put("network", s.network());
        o.put("unavailable", s.unavailable());
        o.put("decidedAtMillis", s.decidedAtMillis());
        return o;
    }

    private static ObjectNode peerStatus(PeerStatus p) {
        ObjectNode o = NODES.objectNode();
        o.put("publicKey", p.publicKey());
        o.put("endpoint", p.endpoint());
        o.put("lastHandshakeMillis", p.lastHandshakeMillis());
        o.put("rxBytes", p.rxBytes());
        o.put("txBytes", p.txBytes());
        o.put("persistentKeepalive", p.persistentKeepalive());
        o.set("allowedIps", strings(p.allowedIps()));
        o.set("diagnosis", p.diagnosis() == null ? NODES.nullNode() : peerDiagnosis(p.diagnosis()));
        return o;
    }

    private static ObjectNode peerDiagnosis(PeerDiagnosis d) {
        ObjectNode o = NODES.objectNode();
        o.put("code", d.code());
        o.put("message", d.message());
        o.set("counters", of(d.counters()));
        return o;
    }

    private static ObjectNode logEntry(LogEntry e) {
        ObjectNode o = NODES.objectNode();
        o.put("timeMillis", e.timeMillis());
        o.put("level", e.level());
        o.put("tunnel", e.tunnel());
        o.put("message", e.message());
        return o;
    }

    private static ObjectNode systemTunnel(SystemTunnel s) {
        ObjectNode o = NODES.objectNode();
        o.put("source", s.source());
        o.put("path", s.path());
        o.put("name", s.name());
        o.put("interfaceName", s.interfaceName());
        o.put("up", s.up());
        o.put("publicKey", s.publicKey());
        o.put("preview", s.preview());
        o.set("problems", strings(s.problems()));
        o.put("importable", s.importable());
        o.put("reason", s.reason());
        o.put("importedAs", s.importedAs());
        return o;
    }

    private static ArrayNode strings(List<String> list) {
        ArrayNode a = NODES.arrayNode(list.size());
        list.forEach(a::add);
        return a;
    }
}
