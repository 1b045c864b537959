package dev.wgdesk.engine.uapi;

import static dev.wgdesk.engine.uapi.Uapi.PEER1;
import static dev.wgdesk.engine.uapi.Uapi.PEER2;
import static dev.wgdesk.engine.uapi.Uapi.PRIVATE;
import static dev.wgdesk.engine.uapi.Uapi.PSK;
import static dev.wgdesk.engine.uapi.Uapi.errno;
import static dev.wgdesk.engine.uapi.Uapi.exchange;
import static dev.wgdesk.engine.uapi.Uapi.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PublicKey;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection loop: framing, several operations per connection, limits and bad input. */
class UapiHandlerTest {
    private FakeTarget device;
    private UapiHandler handler;

    @BeforeEach
    void setUp() {
        device = new FakeTarget();
        handler = new UapiHandler(device, ErrnoConvention.LINUX);
    }

    private static String peerBlock(String publicKey, String... extra) {
        StringBuilder sb = new StringBuilder("public_key=" + publicKey + "\npreshared_key=" + "0".repeat(64)
                + "\nprotocol_version=1\n");
        for (String e : extra) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }

    private static String stats(int keepalive) {
        return "last_handshake_time_sec=0\nlast_handshake_time_nsec=0\ntx_bytes=0\nrx_bytes=0\n"
                + "persistent_keepalive_interval=" + keepalive + "\n";
    }

    @Test
    void servesSeveralOperationsOnOneConnection() {
        String request = set("listen_port=1") + "get=1\n\n" + set("public_key=" + PEER1, "allowed_ip=10.0.0.0/8")
                + "get=1\n\n";
        String expected = errno(0)
                + "listen_port=1\n" + errno(0)
                + errno(0)
                + "listen_port=1\n" + peerBlock(PEER1) + stats(0) + "allowed_ip=10.0.0.0/8\n" + errno(0);
        assertEquals(expected, exchange(handler, request));
    }

    @Test
    void worksWhenTheClientSendsOneByteAtATime() {
        String request = set("listen_port=1", "public_key=" + PEER1) + "get=1\n\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.serve(new Trickle(request.getBytes(StandardCharsets.US_ASCII)), out);
        assertEquals(errno(0) + "listen_port=1\n" + peerBlock(PEER1) + stats(0) + errno(0),
                out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void unknownOperationClosesWithoutReply() {
        assertEquals("", exchange(handler, "get=2\n\n"));
        assertEquals("", exchange(handler, "set=1\r\nlisten_port=1\n\n"));
        assertEquals("", exchange(handler, "\nget=1\n\n"));
        assertEquals(errno(0), exchange(handler, "get=1\n\nGET=1\n\nget=1\n\n"));
        assertEquals(0, device.listenPort);
    }

    @Test
    void getFollowedByGarbageIsEinvalAndTheByteIsConsumed() {
        // As wireguard-go: the byte after "get=1\n" is read and dropped; reading goes on after it.
        assertEquals(errno(-22), exchange(handler, "get=1\nx"));
        assertEquals(errno(-22) + errno(0), exchange(handler, "get=1\nXget=1\n\n"));
        assertEquals(errno(-22), exchange(handler, "get=1\nlisten_port=1\n\n"));
    }

    @Test
    void getWithoutItsBlankLineAtEndOfStreamGetsNoReply() {
        assertEquals("", exchange(handler, "get=1\n"));
        assertEquals("", exchange(handler, "get=1"));
    }

    @Test
    void setEndedByEndOfStreamIsAppliedLikeWireguardGo() {
        assertEquals(errno(0), exchange(handler, "set=1\nlisten_port=5\npublic_key=" + PEER1));
        assertEquals(5, device.listenPort);
        assertTrue(device.peers.containsKey(PublicKey.fromHex(PEER1)));
        assertEquals(errno(0), exchange(handler, "set=1\n"));
    }

    @Test
    void overLongLineFailsTheSetWithEioAndTheConnectionGoesOn() {
        String longLine = "allowed_ip=" + "1".repeat(LineReader.MAX_LINE_LENGTH);
        String request = set("listen_port=1", longLine, "listen_port=2") + "get=1\n\n";
        assertEquals(errno(-5) + "listen_port=1\n" + errno(0), exchange(handler, request));
        assertEquals(1, device.listenPort);
    }

    @Test
    void lineOfExactlyTheLimitIsRead() {
        String value = "0".repeat(LineReader.MAX_LINE_LENGTH - "listen_port=".length() - 1) + "7";
        assertEquals(errno(0), exchange(handler, set("listen_port=" + value)));
        assertEquals(7, device.listenPort);
        assertEquals(errno(-5), exchange(handler, set("listen_port=0" + value)));
    }

    @Test
    void overLongOperationLineCloses() {
        assertEquals("", exchange(handler, "g".repeat(100_000) + "\nget=1\n\n"));
    }

    @Test
    void afterAnErrorTheRestOfTheRequestIsDiscardedAndTheConnectionGoesOn() {
        String request = set("listen_port=1", "bogus", "listen_port=2", "x".repeat(10_000), "listen_port=3")
                + "get=1\n\n";
        assertEquals(errno(-71) + "listen_port=1\n" + errno(0), exchange(handler, request));
        assertEquals(1, device.listenPort);
    }

    @Test
    void binaryGarbageGetsAnErrnoNotAnException() {
        byte[] junk = {'s', 'e', 't', '=', '1', '\n', 0, (byte) 0xff, '=', (byte) 0x80, '\n', '\n',
            's', 'e', 't', '=', '1', '\n', 'f', 'w', 'm', 'a', 'r', 'k', '=', 0, '\n', '\n'};
        assertEquals(errno(-22) + errno(-22), new String(Uapi.exchangeBytes(handler, junk), StandardCharsets.US_ASCII));
    }

    @Test
    @Timeout(60)
    void appliesAndReportsTensOfThousandsOfAllowedIps() {
        // netns.sh item 21: one peer with 255 x 256 IPv4 /16s and as many IPv6 /128s.
        StringBuilder sb = new StringBuilder("set=1\npublic_key=" + PEER1 + "\nreplace_allowed_ips=true\n");
        for (int i = 0; i < 255; i++) {
            for (int j = 0; j < 256; j++) {
                sb.append("allowed_ip=").append(i).append('.').append(j).append(".0.0/16\n");
                sb.append("allowed_ip=abcd::").append(Integer.toHexString(i)).append(':')
                        .append(Integer.toHexString(j)).append("/128\n");
            }
        }
        sb.append("\nget=1\n\n");
        long start = System.nanoTime();
        byte[] out = Uapi.exchangeBytes(handler, sb.toString().getBytes(StandardCharsets.US_ASCII));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(2 * 255 * 256, device.peers.get(PublicKey.fromHex(PEER1)).allowedIps.size());
        String reply = new String(out, StandardCharsets.US_ASCII);
        assertTrue(reply.startsWith(errno(0)));
        WgGetParser.Result parsed = WgGetParser.parse(reply.substring(errno(0).length()).getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, parsed.ret);
        List<String> ips = parsed.peers.getFirst().allowedIps;
        assertEquals(2 * 255 * 256, ips.size());
        assertEquals("0.0.0.0/16", ips.getFirst());
        assertEquals("abcd::fe:ff/128", ips.getLast());
        System.out.println("130560 allowed IPs set and read back in " + millis + " ms");
    }

    @Test
    @Timeout(60)
    void concurrentConnectionsAreSerialised() throws Exception {
        int threads = 4;
        int rounds = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    StringBuilder req = new StringBuilder();
                    for (int r = 0; r < rounds; r++) {
                        req.append(set("public_key=" + PEER1, "allowed_ip=10." + id + "." + r + ".0/24",
                                "public_key=" + PEER2, "allowed_ip=-10." + id + "." + r + ".0/24"));
                        req.append("get=1\n\n");
                    }
                    return exchange(handler, req.toString());
                }));
            }
            for (Future<String> f : results) {
                String replies = f.get(30, TimeUnit.SECONDS);
                // Every get reply in the stream must parse as wg would parse it.
                int count = 0;
                for (String part : replies.split("(?<=errno=0\n\n)")) {
                    if (part.contains("public_key")) {
                        assertEquals(0, WgGetParser.parse(part.getBytes(StandardCharsets.US_ASCII)).ret);
                        count++;
                    }
                }
                assertEquals(rounds, count);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * rounds, device.peers.get(PublicKey.fromHex(PEER1)).allowedIps.size());
    }

    @Test
    void neverLogsKeyMaterial() {
        Logger jul = Logger.getLogger(UapiHandler.class.getName());
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(capture);
        try {
            String b64 = "6EtLWm0nF8ADoTQxVwNT26ypFGzxUMX4V1aA/rpSAno";
            exchange(handler, set("private_key=" + PRIVATE, PRIVATE + "=1"));       // key as a key name
            exchange(handler, set(b64 + "="));                                      // pasted base64 key
            exchange(handler, set("public_key=" + PEER1, "preshared_key=" + PSK + "00")); // bad length
            exchange(handler, set("private_key=" + PRIVATE.substring(1) + "x"));    // bad character
            exchange(handler, set(PRIVATE));                                        // no '='
            exchange(handler, PRIVATE + "\n");                                      // as an operation
            assertTrue(logged.size() >= 5, logged.toString());
            for (String line : logged) {
                assertFalse(line.contains(PRIVATE.substring(0, 16)), line);
                assertFalse(line.contains(PSK.substring(0, 16)), line);
                assertFalse(line.contains(b64.substring(0, 16)), line);
            }
        } finally {
            jul.removeHandler(capture);
        }
    }

    @Test
    void writeFailureEndsTheConnectionQuietly() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("peer went away");
            }
        };
        handler.serve(new ByteArrayInputStream("get=1\n\nget=1\n\n".getBytes(StandardCharsets.US_ASCII)), broken);
        assertEquals(List.of("snapshot"), device.journal);
    }

    /** Hands out one byte per read, as a slow socket might. */
    private static final class Trickle extends FilterInputStream {
        Trickle(byte[] data) {
            super(new ByteArrayInputStream(data));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }
    }
}
