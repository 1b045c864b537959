package dev.wgdesk.engine.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Bursts through both pipelines against wireguard-go: hundreds of packets in flight at once must
 * keep their nonces in order (no replay or authentication drops on either side) and arrive intact.
 * UDP over the veth may in principle drop a datagram when the 2-core test machine is starved, so
 * the delivery bar is 98%, not 100%; every packet that does arrive is checked in full. Debian's
 * wireguard-go (0.0.20220316) keeps the kernel's default UDP receive buffer (about 208 KiB; later
 * versions force 7 MiB), which a 400-packet burst from this engine can overflow, and the engine's
 * own socket here is capped the same way: a datagram a kernel dropped for want of buffer space
 * ({@code RcvbufErrors} in {@code /proc/net/snmp} and {@code snmp6} of either namespace) is counted
 * as explained, never as delivered.
 */
class WireGuardGoBurstInteropTest extends InteropTestSupport {
    private static final int BURST = 400;
    private static final int WAVE = 200;

    @Test
    void burstOfEchoRequestsFromJavaComesBackIntact() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(false), null);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(false), null);
        pingFromJava(false, 56); // the session first, so the burst is not held in the staged queue

        // Two waves of WAVE packets, all of a wave in flight at once, each wave's replies awaited.
        long peerDropsBefore = peerReceiveBufferDrops();
        int firstSeq = -1;
        Map<Integer, Icmp.Echo> replies = new java.util.HashMap<>();
        for (int w = 0; w < BURST / WAVE; w++) {
            for (int j = 0; j < WAVE; j++) {
                int i = w * WAVE + j;
                int seq = sendPingFromJava(i % 2 == 1, sizeOf(i));
                if (i == 0) {
                    firstSeq = seq;
                }
            }
            replies.putAll(responder.collectReplies(echoId, WAVE, Duration.ofSeconds(10)));
        }
        long peerDrops = peerReceiveBufferDrops() - peerDropsBefore;
        System.out.println("burst: " + replies.size() + "/" + BURST + " replies, " + peerDrops
                + " datagrams dropped by a full UDP receive buffer or the peer's TUN queue");
        assertTrue(replies.size() + peerDrops >= BURST * 98 / 100, replies.size() + "/" + BURST + " replies, "
                + peerDrops + " datagrams dropped by a full UDP receive buffer or the peer's TUN queue\n" + diagnostics());
        for (int i = 0; i < BURST; i++) {
            int seq = firstSeq + i;
            Icmp.Echo e = replies.get(seq);
            if (e == null) {
                continue;
            }
            boolean v6 = i % 2 == 1;
            assertEquals(v6 ? wg.wgV6 : wg.wgV4, e.src(), "reply " + seq);
            assertTrue(e.checksumsOk(), e.toString());
            assertArrayEquals(payload(seq, sizeOf(i)), e.payload(), "payload of reply " + seq);
        }
        assertNoBadDrops();
        assertEquals(0, device.stats().droppedStaged(), diagnostics());
    }

    @Test
    void floodPingFromWireGuardGoSide() throws Exception {
        wireGuardGoPeersWithJava(javaEndpoint(true), null);
        javaPeersWithWireGuardGo(wireGuardGoEndpoint(true), null);
        pingFromNamespace(false);

        int count = 1000;
        Commands.Result r = wg.ping(wg.javaV4, count, "-q", "-f", "-s", "1200", "-W", "1");
        Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(r.output());
        assertTrue(m.find(), "no ping statistics: " + r);
        int received = Integer.parseInt(m.group(2));
        assertEquals(count, Integer.parseInt(m.group(1)), r.toString());
        assertTrue(received >= count * 98 / 100, received + "/" + count + " echoed: " + r + "\n" + diagnostics());
        assertEquals(0, responder.badRequests());
        assertNoBadDrops();
        assertNotNull(assertWireGuardGoSeesJava(javaEndpoint(true)));
    }

    /**
     * UDP datagrams the kernel dropped for a full receive buffer, v4 and v6, in wireguard-go's
     * namespace and in this one (the engine's socket: without CAP_NET_ADMIN's force option its
     * buffer is capped by net.core.rmem_max too).
     */
    private long peerReceiveBufferDrops() throws Exception {
        Commands.Result tun = Commands.run("ip", "netns", "exec", wg.namespace, "cat",
                "/sys/class/net/" + wg.ifname + "/statistics/tx_dropped");
        assertEquals(0, tun.exit(), tun.toString());
        return receiveBufferDrops(List.of("ip", "netns", "exec", wg.namespace, "cat", "/proc/net/snmp", "/proc/net/snmp6"))
                + receiveBufferDrops(List.of("cat", "/proc/net/snmp", "/proc/net/snmp6"))
                + Long.parseLong(tun.output().strip());
    }

    private static long receiveBufferDrops(List<String> command) throws Exception {
        Commands.Result r = Commands.run(command.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        long drops = 0;
        String header = null;
        for (String line : r.output().lines().toList()) {
            if (line.startsWith("Udp: ")) {
                if (header == null) {
                    header = line;
                } else {
                    List<String> names = List.of(header.split("\\s+"));
                    String[] values = line.split("\\s+");
                    drops += Long.parseLong(values[names.indexOf("RcvbufErrors")]);
                }
            } else if (line.startsWith("Udp6RcvbufErrors")) {
                drops += Long.parseLong(line.split("\\s+")[1]);
            }
        }
        assertTrue(header != null, "no Udp counters in " + r);
        return drops;
    }

    /** Sizes from 0 to the MTU-filling payload, so padding to 16 and the MTU cap both occur. */
    private static int sizeOf(int i) {
        return (i * 37) % (mtuSizedPayload(true) + 1);
    }
}
