package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Packets through a real TUN, inside a network namespace made for the test: the TUN has
 * 10.213.0.1/24, so the kernel delivers what is written into it to local sockets and routes
 * traffic for 10.213.0.0/24 out through it. Skipped unless root.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost packet must not hang the build
class LinuxTunTrafficTest {
    private static final String TUN = "wgdtun0";
    private static final int HEAD_ROOM = 16;

    private Netns ns;
    private LinuxTun tun;
    private Inet4Address local;
    private Inet4Address peer;

    @BeforeEach
    void setUp() throws Exception {
        Host.assumeTunAvailable();
        ns = Netns.create(Host.uniqueName("ns"));
        local = (Inet4Address) InetAddress.getByName("10.213.0.1");
        peer = (Inet4Address) InetAddress.getByName("10.213.0.2");
        tun = open(1);
    }

    private LinuxTun open(int batch) throws IOException {
        return open(batch, false);
    }

    private LinuxTun open(int batch, boolean offload) throws IOException {
        LinuxTun t = ns.call(() -> new LinuxTunProvider(batch, offload).create(TUN, 1420));
        ns.ip("addr", "add", "10.213.0.1/24", "dev", TUN);
        return t;
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (tun != null) {
                tun.close();
            }
        } finally {
            if (ns != null) {
                ns.close(); // also deletes any link left inside
            }
        }
    }

    @Test
    void packetWrittenIntoTunReachesLocalSocket() throws Exception {
        try (DatagramChannel socket = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(local, 0)))) {
            int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
            byte[] payload = "written into the tun".getBytes(StandardCharsets.UTF_8);
            byte[] packet = new Ipv4Udp(peer, local, 40000, port, payload).toBytes();
            ByteBuffer garbage = ByteBuffer.wrap(new byte[] {0x12, 0x34, 0x56}); // neither IPv4 nor IPv6
            ByteBuffer empty = ByteBuffer.allocate(0);
            ByteBuffer b = ByteBuffer.allocate(2048).position(HEAD_ROOM);
            b.put(packet).flip().position(HEAD_ROOM);
            tun.write(new ByteBuffer[] {garbage, empty, b}, 3); // the rejected packet is skipped
            assertEquals(b.limit(), b.position(), "write consumes the packet");
            assertEquals(garbage.limit(), garbage.position(), "a rejected packet is consumed too");

            ByteBuffer in = ByteBuffer.allocate(2048);
            socket.configureBlocking(false);
            InetSocketAddress from = null;
            try (Selector selector = Selector.open()) { // waits for the datagram itself (bounded)
                socket.register(selector, SelectionKey.OP_READ);
                if (selector.select(TimeUnit.SECONDS.toMillis(30)) > 0) {
                    from = (InetSocketAddress) socket.receive(in);
                }
            }
            assertNotNull(from, "the local socket received nothing within 30 s");
            assertEquals(new InetSocketAddress(peer, 40000), from);
            assertArrayEquals(payload, Arrays.copyOf(in.array(), in.position()));
        }
    }

    @Test
    void datagramRoutedThroughTunIsReadFromIt() throws Exception {
        try (DatagramChannel socket = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(local, 0)))) {
            int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
            byte[] payload = "routed out through the tun".getBytes(StandardCharsets.UTF_8);
            socket.send(ByteBuffer.wrap(payload), new InetSocketAddress(peer, 5555));

            ByteBuffer b = ByteBuffer.allocate(2048).position(HEAD_ROOM);
            Ipv4Udp got = readUdp(tun, b, 5555);
            assertEquals(HEAD_ROOM, b.position(), "read leaves the position at the head room");
            assertEquals(local, got.source());
            assertEquals(peer, got.destination());
            assertEquals(port, got.sourcePort());
            assertArrayEquals(payload, got.payload());
        }
    }

    @Test
    void batchedReadReturnsSeveralQueuedPackets() throws Exception {
        tun.close();
        tun = open(8);
        assertEquals(8, tun.batchSize());
        try (DatagramChannel socket = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(local, 0)))) {
            long handedOver = qdiscSentPackets();
            for (int i = 0; i < 5; i++) {
                socket.send(ByteBuffer.wrap(new byte[] {(byte) i}), new InetSocketAddress(peer, 6000 + i));
            }
            // All five queued in the TUN before the first read: the kernel has handed them to the
            // device (its queueing discipline's count of packets sent on), not "after a while".
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (qdiscSentPackets() < handedOver + 5) {
                assertTrue(System.nanoTime() < deadline, "the kernel did not hand the 5 datagrams to the TUN");
                Thread.sleep(5);
            }
            ByteBuffer[] bufs = new ByteBuffer[8];
            for (int i = 0; i < bufs.length; i++) {
                bufs[i] = ByteBuffer.allocate(2048).position(HEAD_ROOM);
            }
            boolean[] seen = new boolean[5];
            int seenCount = 0;
            int maxPerCall = 0;
            for (int calls = 0; calls < 50 && seenCount < 5; calls++) {
                for (ByteBuffer b : bufs) {
                    b.clear().position(HEAD_ROOM); // each read may fill the whole buffer again
                }
                int n = tun.read(bufs, bufs.length);
                assertTrue(n >= 1 && n <= 8, "read returned " + n);
                maxPerCall = Math.max(maxPerCall, n);
                for (int i = 0; i < n; i++) {
                    Ipv4Udp p = Ipv4Udp.parse(bufs[i].array(), bufs[i].position(), bufs[i].remaining());
                    if (p != null && p.destinationPort() >= 6000 && p.destinationPort() < 6005 && !seen[p.destinationPort() - 6000]) {
                        seen[p.destinationPort() - 6000] = true;
                        seenCount++;
                    }
                }
            }
            assertEquals(5, seenCount, "not every datagram was read");
            assertTrue(maxPerCall > 1, "queued packets were not batched");
        }
    }

    @Test
    void packetTooBigForCallerBufferIsDroppedNotTruncated() throws Exception {
        try (DatagramChannel socket = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(local, 0)))) {
            socket.send(ByteBuffer.wrap(new byte[1000]), new InetSocketAddress(peer, 7000));
            socket.send(ByteBuffer.wrap(new byte[10]), new InetSocketAddress(peer, 7001));
            ByteBuffer small = ByteBuffer.allocate(HEAD_ROOM + 100).position(HEAD_ROOM);
            Ipv4Udp got = readUdp(tun, small, 7001);
            assertEquals(10, got.payload().length);
        }
    }

    /**
     * Write and read in a loop through the kernel (the namespace forwards 10.213.0.2 -> .3
     * straight back out of the TUN) and check the thread allocates nothing per packet.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void steadyStateReadAndWriteDoNotAllocate(boolean offload) throws Exception {
        if (offload) {
            tun.close();
            tun = open(1, true);
        }
        ns.ip("route", "add", "10.213.1.0/24", "dev", TUN);
        Host.run("ip", "netns", "exec", ns.name(), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        byte[] packet = new Ipv4Udp(peer, (Inet4Address) InetAddress.getByName("10.213.1.3"), 1000, 2000,
                new byte[1380]).toBytes(); // 1408 bytes: fits the MTU, DF set
        ByteBuffer out = ByteBuffer.allocate(2048);
        ByteBuffer in = ByteBuffer.allocate(2048);
        ByteBuffer[] outs = {out};
        ByteBuffer[] ins = {in};
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int forwarded = 0;
        long before = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up
            if (round == 1) {
                before = mx.getCurrentThreadAllocatedBytes();
                forwarded = 0;
            }
            for (int i = 0; i < 3000; i++) {
                out.clear().position(HEAD_ROOM);
                out.put(packet).limit(out.position()).position(HEAD_ROOM);
                tun.write(outs, 1);
                for (int tries = 0; tries < 20; tries++) { // skip kernel chatter (IPv6, ICMP redirects)
                    in.clear().position(HEAD_ROOM);
                    tun.read(ins, 1);
                    if (in.remaining() == packet.length && in.get(HEAD_ROOM + 9) == 17) {
                        forwarded++;
                        break;
                    }
                }
            }
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(3000, forwarded, "packets lost in forwarding");
        assertTrue(allocated < 3000, "allocated " + allocated + " bytes for 3000 packets written and read");
    }

    /** Packets the TUN's queueing discipline has passed to the device ({@code tc -s qdisc}: "Sent N bytes M pkt"). */
    private long qdiscSentPackets() throws IOException {
        String out = Host.run("ip", "netns", "exec", ns.name(), "tc", "-s", "qdisc", "show", "dev", TUN);
        Matcher m = Pattern.compile("Sent \\d+ bytes (\\d+) pkt").matcher(out);
        long n = 0;
        while (m.find()) {
            n += Long.parseLong(m.group(1));
        }
        return n;
    }

    /** Reads until a UDP packet to {@code port} arrives (bounded), skipping kernel chatter. */
    private static Ipv4Udp readUdp(LinuxTun tun, ByteBuffer b, int port) throws IOException {
        ByteBuffer[] bufs = {b};
        int start = b.position();
        for (int i = 0; i < 50; i++) {
            // a read sets the limit to the packet's end: give the next read the whole buffer again,
            // or a larger packet after kernel chatter would be dropped as too long for it
            b.limit(b.capacity()).position(start);
            tun.read(bufs, 1);
            Ipv4Udp p = Ipv4Udp.parse(b.array(), b.position(), b.remaining());
            if (p != null && p.destinationPort() == port) {
                return p;
            }
        }
        throw new AssertionError("no UDP packet to port " + port + " within 50 packets");
    }
}
