package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.testing.Requirements;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TCP connection between two network namespaces whose only link is two TUNs with this module
 * relaying packets between them (what a VPN does, minus the crypto): the kernel's TCP checks
 * every checksum, so a transfer that completes intact proves the packets read and written are
 * right, including segments cut from offloaded super-packets. Skipped unless root.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TunRelayTest {
    static final int BYTES = 4 << 20;

    private Relay relay;

    @AfterEach
    void tearDown() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void tcpTransferThroughPlainTuns() throws Exception {
        Host.assumeTunAvailable();
        relay = Relay.start(false, 1);
        Result r = transfer(relay);
        assertEquals(0, relay.a.superPackets());
        System.out.printf("relay without offload: %.0f MB/s%n", r.mbPerSecond);
    }

    @Test
    void tcpTransferThroughOffloadingTunsIsSegmentedCorrectly() throws Exception {
        Host.assumeTunAvailable();
        relay = Relay.start(true, 64);
        Result r = transfer(relay);
        assertTrue(relay.a.superPackets() > 0, "the kernel handed over no super-packets: segmentation untested");
        assertTrue(relay.b.coalescing());
        assertTrue(relay.b.coalesced() > 0, "no segments were merged on write: coalescing untested");
        System.out.printf("relay with offload: %.0f MB/s, %d super-packets read, %d written from %d segments%n",
                r.mbPerSecond, relay.a.superPackets(), relay.b.coalesced(), relay.b.coalescedSegments());
    }

    @Test
    void tcpTransferThroughOffloadingTunsWithoutCoalescing() throws Exception {
        Host.assumeTunAvailable();
        relay = Relay.start(true, 64, false);
        Result r = transfer(relay);
        assertTrue(relay.a.superPackets() > 0);
        assertEquals(0, relay.b.coalesced());
        System.out.printf("relay with offload, no coalescing: %.0f MB/s%n", r.mbPerSecond);
    }

    @Test
    void tcpOverIpv6ThroughOffloadingTuns() throws Exception {
        Host.assumeTunAvailable();
        relay = Relay.start(true, 64);
        long before = relay.a.superPackets();
        long merged = relay.b.coalesced();
        transfer(relay, "fd00:213::2");
        assertTrue(relay.a.superPackets() > before, "no IPv6 super-packets: TCPv6 segmentation untested");
        assertTrue(relay.b.coalesced() > merged, "no IPv6 segments merged on write: TCPv6 coalescing untested");
    }

    /** UDP sent with UDP_SEGMENT in namespace a reaches the tun as one USO super-packet. */
    @Test
    void segmentedUdpThroughOffloadingTunsArrivesIntact() throws Exception {
        Host.assumeTunAvailable();
        relay = Relay.start(true, 64);
        try (LinuxBind rx = relay.nsB.call(() -> new LinuxBind(16));
                LinuxBind tx = relay.nsA.call(() -> new LinuxBind(16, true, false))) {
            int port = relay.nsB.call(() -> rx.open(0));
            relay.nsA.call(() -> tx.open(0));
            InetSocketAddress to = new InetSocketAddress("10.213.0.2", port);
            int count = 16;
            ByteBuffer[] out = new ByteBuffer[count];
            for (int i = 0; i < count; i++) {
                out[i] = ByteBuffer.allocate(2048).position(16);
                byte[] p = new byte[i == count - 1 ? 300 : 1000];
                Arrays.fill(p, (byte) i);
                out[i].put(p).flip().position(16);
            }
            long before = relay.a.superPackets();
            tx.send(out, count, UdpEndpoint.of(to));
            ByteBuffer[] in = new ByteBuffer[16];
            for (int i = 0; i < in.length; i++) {
                in[i] = ByteBuffer.allocate(2048).position(16);
            }
            UdpEndpoint[] from = new UdpEndpoint[16];
            int got = 0;
            while (got < count) {
                int n = rx.receive(in, from, 16);
                for (int i = 0; i < n; i++, got++) {
                    byte[] expected = new byte[got == count - 1 ? 300 : 1000];
                    Arrays.fill(expected, (byte) got);
                    assertArrayEquals(expected, Arrays.copyOfRange(in[i].array(), in[i].position(), in[i].limit()), "datagram " + got);
                    in[i].clear().position(16);
                }
            }
            Requirements.require(relay.a.superPackets() > before,
                    "the kernel did not offload UDP segmentation to the TUN (USO needs Linux 6.2): datagrams checked, splitting not");
        }
    }

    record Result(double mbPerSecond) {}

    static Result transfer(Relay relay) throws Exception {
        return transfer(relay, "10.213.0.2");
    }

    static Result transfer(Relay relay, String serverAddress) throws Exception {
        return transfer(relay, serverAddress, BYTES);
    }

    /** Sends {@code bytes} of random data from namespace a to b over TCP and checks the digest. */
    static Result transfer(Relay relay, String serverAddress, int bytes) throws Exception {
        ServerSocketChannel server = relay.nsB.call(() -> ServerSocketChannel.open().bind(new InetSocketAddress(serverAddress, 0)));
        try (server) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel peer = server.accept()) {
                    MessageDigest d = MessageDigest.getInstance("SHA-256");
                    ByteBuffer b = ByteBuffer.allocate(1 << 16);
                    long total = 0;
                    while (peer.read(b.clear()) >= 0) {
                        d.update(b.flip());
                        total += b.limit();
                    }
                    assertEquals(bytes, total);
                    return d.digest();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r));
            byte[] data = new byte[bytes];
            new Random(42).nextBytes(data);
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
            long start = System.nanoTime();
            try (SocketChannel client = relay.nsA.call(() -> SocketChannel.open(new InetSocketAddress(serverAddress, port)))) {
                ByteBuffer out = ByteBuffer.wrap(data);
                while (out.hasRemaining()) {
                    client.write(out);
                }
            }
            byte[] digest = received.get(90, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertArrayEquals(expected, digest, "data corrupted in transit");
            return new Result(bytes / seconds / 1e6);
        }
    }

    /** Two namespaces, a TUN in each, and two threads copying packets between the TUNs. */
    static final class Relay implements AutoCloseable {
        final Netns nsA;
        final Netns nsB;
        final LinuxTun a;
        final LinuxTun b;
        private final Thread ab;
        private final Thread ba;

        private Relay(Netns nsA, Netns nsB, LinuxTun a, LinuxTun b) {
            this.nsA = nsA;
            this.nsB = nsB;
            this.a = a;
            this.b = b;
            this.ab = pump(a, b);
            this.ba = pump(b, a);
        }

        static Relay start(boolean offload, int batch) throws IOException {
            return start(offload, batch, offload);
        }

        static Relay start(boolean offload, int batch, boolean coalesce) throws IOException {
            long pid = ProcessHandle.current().pid() % 1000;
            Netns nsA = Netns.create("wgdra" + pid);
            Netns nsB = null;
            LinuxTun a = null;
            try {
                nsB = Netns.create("wgdrb" + pid);
                a = nsA.call(() -> new LinuxTunProvider(batch, offload, coalesce).create("wgdrelay", 1420));
                Netns b2 = nsB;
                LinuxTun b = nsB.call(() -> new LinuxTunProvider(batch, offload, coalesce).create("wgdrelay", 1420));
                nsA.ip("addr", "add", "10.213.0.1/24", "dev", "wgdrelay");
                nsB.ip("addr", "add", "10.213.0.2/24", "dev", "wgdrelay");
                nsA.ip("addr", "add", "fd00:213::1/64", "dev", "wgdrelay", "nodad");
                nsB.ip("addr", "add", "fd00:213::2/64", "dev", "wgdrelay", "nodad");
                return new Relay(nsA, b2, a, b);
            } catch (IOException | RuntimeException e) {
                if (a != null) {
                    a.close();
                }
                nsA.close();
                if (nsB != null) {
                    nsB.close();
                }
                throw e;
            }
        }

        /** CPU time used so far by the two relay threads. */
        long cpuNanos() {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            return mx.getThreadCpuTime(ab.threadId()) + mx.getThreadCpuTime(ba.threadId());
        }

        private static Thread pump(LinuxTun from, LinuxTun to) {
            return Thread.ofPlatform().daemon().name("relay-" + from.index()).start(() -> {
                int n = from.batchSize();
                ByteBuffer[] bufs = new ByteBuffer[n];
                for (int i = 0; i < n; i++) {
                    bufs[i] = ByteBuffer.allocate(2048);
                }
                try {
                    while (true) {
                        for (ByteBuffer x : bufs) {
                            x.clear().position(16);
                        }
                        int got = from.read(bufs, n);
                        to.write(bufs, got);
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        @Override
        public void close() throws Exception {
            a.close();
            b.close();
            ab.join(2000);
            ba.join(2000);
            nsA.close();
            nsB.close();
        }
    }
}
