package dev.wgdesk.engine.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the UAPI server ({@link UapiHandler}) with arbitrary connection bytes, against a real
 * {@link Device} (down, in-memory TUN and bind) through {@link DeviceUapiTarget}, so the device's
 * configuration methods are fuzzed as well. Checked after every input:
 * <ul>
 *   <li>{@code serve} returns (never throws) and every reply is well formed: {@code key=value}
 *       lines ending with {@code errno=N} and a blank line;</li>
 *   <li>the device's state round-trips: its {@code get} reply, turned into a {@code set} request
 *       and applied to a second, empty device, is accepted and gives the same {@code get} reply
 *       (peers and allowed IPs compared as sets).</li>
 * </ul>
 * Seeds: {@code UapiFuzzTestInputs/} next to this class, run in {@code mvn verify}.
 */
class UapiFuzzTest {
    private static final MemoryBind.Network NETWORK = new MemoryBind.Network();
    private static final Device FUZZED = device("uapifz0");
    private static final Device REPLAYED = device("uapifz1");
    private static final UapiHandler FUZZED_UAPI = new UapiHandler(new DeviceUapiTarget(FUZZED), ErrnoConvention.LINUX);
    private static final UapiHandler REPLAYED_UAPI = new UapiHandler(new DeviceUapiTarget(REPLAYED), ErrnoConvention.LINUX);

    private static Device device(String name) {
        return new Device(new MemoryTun(name), new MemoryBind(NETWORK), new VirtualClock(), 0);
    }

    @FuzzTest
    void requestsLeaveAStateThatRoundTrips(byte[] request) throws IOException {
        reset(FUZZED);

        String replies = exchange(FUZZED_UAPI, request);
        checkReplies(replies);

        String get = exchange(FUZZED_UAPI, "get=1\n\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(get.endsWith("errno=0\n\n"), () -> "get failed: " + get);
        checkReplies(get);

        reset(REPLAYED);
        String set = setRequestFrom(get);
        assertEquals("errno=0\n\n", exchange(REPLAYED_UAPI, set.getBytes(StandardCharsets.ISO_8859_1)),
                () -> "the device's own state is refused as a set request:\n" + set);
        String getAgain = exchange(REPLAYED_UAPI, "get=1\n\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(normalized(get), normalized(getAgain), () -> "state did not round-trip through\n" + set);
    }

    private static void reset(Device d) throws IOException {
        d.removeAllPeers();
        d.setPrivateKey(null);
        d.setListenPort(0);
        d.setFwmark(0);
    }

    private static String exchange(UapiHandler handler, byte[] request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.serve(new ByteArrayInputStream(request), out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Replies are {@code key=value} lines, the last {@code errno=N}, each reply closed by a blank line. */
    private static void checkReplies(String replies) {
        int start = 0;
        while (start < replies.length()) {
            int end = replies.indexOf("\n\n", start);
            assertTrue(end >= 0, () -> "reply not closed by a blank line: " + replies);
            String[] lines = replies.substring(start, end).split("\n", -1);
            for (String line : lines) {
                int eq = line.indexOf('=');
                assertTrue(eq > 0 && eq < line.length() - 1, () -> "malformed reply line '" + line + "' in " + replies);
            }
            String last = lines[lines.length - 1];
            assertTrue(last.matches("errno=-?[0-9]+"), () -> "reply does not end with errno: " + replies);
            start = end + 2;
        }
    }

    /** The settable lines of a get reply as a set request (counters and handshake times dropped). */
    private static String setRequestFrom(String get) {
        StringBuilder sb = new StringBuilder("set=1\n");
        for (String line : get.split("\n")) {
            String key = line.substring(0, Math.max(0, line.indexOf('=')));
            switch (key) {
                case "private_key", "listen_port", "fwmark", "public_key", "preshared_key", "protocol_version",
                     "endpoint", "persistent_keepalive_interval", "allowed_ip" -> sb.append(line).append('\n');
                default -> { }
            }
        }
        return sb.append('\n').toString();
    }

    /** A get reply with each peer's lines sorted and the peers sorted (their order is not defined). */
    private static List<String> normalized(String get) {
        List<String> device = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        List<String> peer = null;
        for (String line : get.split("\n")) {
            if (line.startsWith("public_key=")) {
                if (peer != null) {
                    peers.add(sortedJoin(peer));
                }
                peer = new ArrayList<>();
            }
            (peer == null ? device : peer).add(line);
        }
        if (peer != null) {
            peers.add(sortedJoin(peer));
        }
        peers.sort(null);
        device.addAll(peers);
        return device;
    }

    private static String sortedJoin(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        copy.sort(null);
        return String.join("\n", copy);
    }
}
