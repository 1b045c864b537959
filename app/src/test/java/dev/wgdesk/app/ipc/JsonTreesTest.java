package dev.wgdesk.app.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonTrees} (the helper's JSON without Jackson's data binding) against Jackson's
 * {@link ObjectMapper} as the client uses it: the same trees from the same records and the same
 * bytes, the same bytes from the same trees, and the same refusals.
 */
class JsonTreesTest {
    private static final ObjectMapper MAPPER = IpcJson.mapper();

    private static Map<String, Object> counters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("handshakeAttempts", 3);
        m.put("rxBytes", 5_000_000_000L);
        m.put("ratio", 0.25);
        m.put("reachable", false);
        m.put("lastError", "ECONNREFUSED");
        m.put("missing", null);
        return m;
    }

    /** One of every record the helper sends, every component set (nulls where they may be). */
    private static List<Object> samples() {
        PeerDiagnosis diag = new PeerDiagnosis("no-handshake", "no answer from the peer", counters());
        PeerStatus peer = new PeerStatus("cGVlcg==", "192.0.2.1:51820", 1_700_000_000_123L, 1L << 40, 17, 25,
                List.of("10.0.0.0/24", "fd00::/64"), diag);
        PeerStatus bare = new PeerStatus("cGVlcjI=", null, 0, 0, 0, 0, List.of());
        OnDemandStatus onDemand = new OnDemandStatus(new OnDemandRule(OnDemandRule.WifiMode.EXCEPT,
                List.of("Home", "Café"), true), "up", "on Wi-Fi \"Cafe\"", "Wi-Fi \"Cafe\" (wlan0)", null, 1_700_000_000_789L);
        LogEntry log = new LogEntry(1_700_000_000_000L, "INFO", null, "Quoted \"text\", a tab\t, é and \u0001");
        return List.of(
                new TunnelInfo("home", TunnelState.ACTIVE, true, "1000", "alice", true, false, true),
                new TunnelInfo("w", TunnelState.FAILED, false),
                new TunnelStatus("home", TunnelState.ACTIVE, true, "cHVi", 51820, 1420, 1_700_000_000_000L,
                        List.of(peer, bare), List.of("a warning"), null, "hooks off"),
                TunnelStatus.inactive("w", TunnelState.INACTIVE, false, "it failed"),
                TunnelStatus.inactive("od", TunnelState.ACTIVE, false, null).withOnDemand(onDemand),
                onDemand, onDemand.rule(), OnDemandRule.OFF,
                new OnDemandStatus(new OnDemandRule(OnDemandRule.WifiMode.ANY, List.of(), false), null, null, null,
                        "NetworkManager is not running", 0),
                peer, bare, diag, log,
                new SystemTunnel(SystemTunnel.WG_QUICK, "/etc/wireguard/wg0.conf", "wg0", "wg0", true, "cHVi",
                        "[Interface]\n...", List.of("p1", "p2"), false, "in use", null),
                new IpcEvent.StateChanged("home", TunnelState.ACTIVE, TunnelState.ACTIVATING, null),
                new IpcEvent.HandshakeCompleted("home", "cGVlcg==", 1_700_000_000_456L),
                new IpcEvent.ErrorOccurred(null, "restore failed"),
                new IpcEvent.LogLine(log));
    }

    @Test
    void recordsBecomeTheTreesJacksonsDataBindingMakes() {
        for (Object r : samples()) {
            JsonNode expected = MAPPER.valueToTree(r);
            JsonNode actual = JsonTrees.of(r);
            assertEquals(expected, actual, r.getClass().getSimpleName());
            // Same field order too (equals does not compare it), and every component is there.
            assertEquals(names(expected), names(actual), r.getClass().getSimpleName());
            assertEquals(r.getClass().getRecordComponents().length, actual.size(), r.getClass().getSimpleName());
        }
    }

    @Test
    void everyRecordOfTheProtocolPackageIsCovered() {
        // A record added to the protocol must get a JSON form: JsonTrees.of refuses unknown types.
        for (Class<?> c : List.of(TunnelInfo.class, TunnelStatus.class, PeerStatus.class, PeerDiagnosis.class,
                LogEntry.class, SystemTunnel.class, OnDemandRule.class, OnDemandStatus.class, IpcEvent.StateChanged.class, IpcEvent.HandshakeCompleted.class,
                IpcEvent.ErrorOccurred.class, IpcEvent.LogLine.class)) {
            assertTrue(samples().stream().anyMatch(c::isInstance), c.getName());
        }
        assertThrows(IllegalArgumentException.class, () -> JsonTrees.of(new Object()));
        assertThrows(IllegalArgumentException.class, () -> JsonTrees.of(new Unknown(1)));
    }

    private record Unknown(int x) {}

    @Test
    void writtenBytesAreJacksonsBytes() throws Exception {
        for (Object r : samples()) {
            JsonNode tree = JsonTrees.of(r);
            assertEquals(MAPPER.writeValueAsString(tree), utf8(JsonTrees.write(tree, false)));
            assertEquals(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree), utf8(JsonTrees.write(tree, true)));
        }
        JsonNode numbers = MAPPER.readTree("{\"big\":123456789012345678901234567890,\"d\":1.5e300,\"n\":null,\"a\":[true,[],{}]}");
        assertEquals(MAPPER.writeValueAsString(numbers), utf8(JsonTrees.write(numbers, false)));
    }

    @Test
    void readTreesAreJacksonsTrees() throws Exception {
        for (Object r : samples()) {
            byte[] bytes = MAPPER.writeValueAsBytes(r);
            assertEquals(MAPPER.readTree(bytes), JsonTrees.read(bytes));
        }
        String text = "{\"i\":2147483647,\"l\":2147483648,\"b\":-99999999999999999999,\"d\":0.1,\"e\":1E2,"
                + "\"s\":\"\\u00e9\\n\",\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[2,{\"x\":[]}]]}";
        JsonNode t = JsonTrees.read(utf8(text));
        assertEquals(MAPPER.readTree(text), t);
        assertInstanceOf(IntNode.class, t.get("i"));
        assertInstanceOf(LongNode.class, t.get("l"));
        assertInstanceOf(BigIntegerNode.class, t.get("b"));
        assertInstanceOf(DoubleNode.class, t.get("e"));
        byte[] framed = utf8("xx[1]yy");
        assertEquals(MAPPER.readTree("[1]"), JsonTrees.read(framed, 2, 3));
    }

    @Test
    void emptyInputIsAMissingNodeAsForJackson() throws Exception {
        assertInstanceOf(MissingNode.class, JsonTrees.read(new byte[0]));
        assertInstanceOf(MissingNode.class, JsonTrees.read(utf8("  \n ")));
        assertTrue(MAPPER.readTree("  ").isMissingNode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"id\":1}{\"id\":2}", "[1] 2", "{\"a\":", "[1,]", "garbage",
            "{\"a\":NaN}", "\"unterminated", "{'a':1}"})
    void malformedDuplicateOrTrailingInputIsRefused(String bad) {
        assertThrows(JsonProcessingException.class, () -> JsonTrees.read(utf8(bad)), bad);
        assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(bad), "Jackson too: " + bad);
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() throws Exception {
        String ok = "[".repeat(IpcJson.MAX_NESTING) + "]".repeat(IpcJson.MAX_NESTING);
        assertEquals(MAPPER.readTree(ok), JsonTrees.read(utf8(ok)));
        String deep = "[".repeat(IpcJson.MAX_NESTING + 1) + "]".repeat(IpcJson.MAX_NESTING + 1);
        assertThrows(JsonProcessingException.class, () -> JsonTrees.read(utf8(deep)));
        String veryDeep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThrows(JsonProcessingException.class, () -> JsonTrees.read(utf8(veryDeep)), "no stack overflow");
    }

    @Test
    void componentNamesOfTheRecordsMatchTheirTrees() {
        // Guards the hand-written forms against a renamed component that Jackson would rename too.
        for (Object r : samples()) {
            List<String> components = java.util.Arrays.stream(r.getClass().getRecordComponents())
                    .map(RecordComponent::getName).toList();
            assertEquals(components, names(JsonTrees.of(r)), r.getClass().getSimpleName());
        }
    }

    private static List<String> names(JsonNode n) {
        return n.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
