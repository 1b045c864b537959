package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Buffers and limits of the data path (issue 10 items 3, 4, 6 and 8): one size limit, no starved
 * peers, clean down/up, no busy loop on a receive error that repeats.
 */
@Timeout(120)
class DataPathLimitsTest {
    private final VirtualClock clock = new VirtualClock();

    /**
     * A TUN driver that, as LinuxTun once did, fills a buffer up to its capacity and ignores the
     * limit the reader set.
     */
    static final class OverfillTun implements Tun {
        final BlockingQueue<byte[]> in = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
        volatile boolean closed;

        @Override public String name() { return "overfill"; }
        @Override public int mtu() { return 9300; }
        @Override public int batchSize() { return 4; }

        @Override
        public int read(ByteBuffer[] bufs, int count) throws IOException {
            byte[] p;
            try {
                p = in.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            if (p.length == 0 || closed) {
                in.add(p);
                throw new ClosedChannelException();
            }
            ByteBuffer b = bufs[0];
            int pos = b.position();
            int len = Math.min(p.length, b.capacity() - pos);
            b.limit(b.capacity());
            b.put(pos, p, 0, len);
            b.limit(pos + len);
            return 1;
        }

        @Override
        public void write(ByteBuffer[] bufs, int count) {
            for (int i = 0; i < count; i++) {
                byte[] o = new byte[bufs[i].remaining()];
                bufs[i].get(o);
                out.add(o);
            }
        }

        @Override public void onEvent(Consumer<TunEvent> listener) {}

        @Override
        public void close() {
            closed = true;
            in.add(new byte[0]);
        }
    }

    static byte[] sized(String src, String dst, int total) {
        return TestPackets.udp(src, dst, new byte[total - 28]);
    }

    @ParameterizedTest(name = "crypto workers: {0}")
    @ValueSource(ints = {0, 2})
    void aTunPacketOverTheLimitIsDroppedAndCountedNeverACrash(int workers) throws Exception {
        MemoryBind.Network net = new MemoryBind.Network();
        OverfillTun tunA = new OverfillTun();
        MemoryTun tunB = new MemoryTun("b", 9300);
        Device a = new Device(tunA, new MemoryBind(net), clock, workers);
        Device b = new Device(tunB, new MemoryBind(net), clock, workers);
        try {
            DevicePair.connect(a, b, new InetSocketAddress("127.0.0.1", 1));
            a.setPeerEndpoint(b.publicKey(), new InetSocketAddress("127.0.0.1", b.listenPort()));
            tunA.in.add(sized("10.0.0.1", "10.0.0.2", 100));
            assertNotNull(tunB.poll(5, TimeUnit.SECONDS), "the tunnel does not work at all");
            // 9216 fits; 9232 and 9248 are over the limit (the buffer has room for them and a tag).
            tunA.in.add(sized("10.0.0.1", "10.0.0.2", Protocol.MAX_PACKET_SIZE));
            byte[] got = tunB.poll(5, TimeUnit.SECONDS);
            assertNotNull(got, "a packet of the largest size was not carried");
            assertEquals(Protocol.MAX_PACKET_SIZE, got.length);
            for (int size : new int[] {Protocol.MAX_PACKET_SIZE + 16, Protocol.MAX_PACKET_SIZE + 32, 9300}) {
                tunA.in.add(sized("10.0.0.1", "10.0.0.2", size));
            }
            for (int i = 0; i < 10; i++) {
                tunA.in.add(sized("10.0.0.1", "10.0.0.2", 1400));
                byte[] p = tunB.poll(5, TimeUnit.SECONDS);
                assertNotNull(p, "ordinary packet " + i + " after the oversized ones did not arrive");
                assertEquals(1400, p.length);
            }
            assertTrue(a.isUp() && !a.isClosed(), "device went down");
            assertEquals(3, a.stats().droppedOversized(), "oversized packets were not counted");
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void theFakeTunDropsAnOversizedPacketWholeAsLinuxDoes() throws Exception {
        MemoryBind.Network net = new MemoryBind.Network();
        MemoryTun tunA = new MemoryTun("a", 9300);
        MemoryTun tunB = new MemoryTun("b", 9300);
        Device a = new Device(tunA, new MemoryBind(net), clock, 0);
        Device b = new Device(tunB, new MemoryBind(net), clock, 0);
        try {
            DevicePair.connect(a, b, new InetSocketAddress("127.0.0.1", 1));
            a.setPeerEndpoint(b.publicKey(), new InetSocketAddress("127.0.0.1", b.listenPort()));
            tunA.inject(sized("10.0.0.1", "10.0.0.2", 9300));
            tunA.inject(sized("10.0.0.1", "10.0.0.2", 1000));
            byte[] p = tunB.poll(5, TimeUnit.SECONDS);
            assertNotNull(p);
            assertEquals(1000, p.length, "the oversized packet was truncated rather than dropped");
            assertEquals(1, tunA.oversizedDropped.get());
        } finally {
            a.close();
            b.close();
        }
    }

    /**
     * A hub with one live peer and 50 offline peers (no endpoint) that keep receiving traffic:
     * the staged packets of the offline peers must not take the buffers the live peer needs.
     */
    @ParameterizedTest(name = "crypto workers: {0}")
    @ValueSource(ints = {0, 2})
    void offlinePeersDoNotStarveALivePeer(int workers) throws Exception {
        MemoryBind.Network net = new MemoryBind.Network();
        MemoryTun tunA = new MemoryTun("hub");
        MemoryTun tunB = new MemoryTun("live");
        Device a = new Device(tunA, new MemoryBind(net), clock, workers);
        Device b = new Device(tunB, new MemoryBind(net), clock, workers);
        try {
            DevicePair.connect(a, b, new InetSocketAddress("127.0.0.1", 1));
            a.setPeerEndpoint(b.publicKey(), new InetSocketAddress("127.0.0.1", b.listenPort()));
            for (int i = 0; i < 50; i++) {
                PrivateKey k = PrivateKey.generate();
                a.addPeer(k.publicKey());
                a.addPeerAllowedIp(k.publicKey(), InetAddress.getByName("10.1." + i + ".0"), 24);
            }
            int delivered = 0;
            for (int round = 0; round < 5; round++) {
                for (int n = 0; n < 200; n++) {
                    for (int i = 0; i < 50; i++) {
                        tunA.inject(TestPackets.udp("10.0.0.1", "10.1." + i + "." + (n % 250 + 1), new byte[1000]));
                    }
                }
                for (int n = 0; n < 20; n++) {
                    tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", ("live " + n).getBytes()));
                    if (tunB.poll(3, TimeUnit.SECONDS) != null) {
                        delivered++;
                    }
                }
            }
            System.out.printf("live peer: %d of 100 packets delivered amid 50000 packets for 50 offline peers"
                    + " (%d dropped past the staging budget)%n", delivered, a.stats().droppedStagingBudget());
            assertEquals(100, delivered, "the live peer lost packets");
            assertTrue(a.stagingUsed.get() <= Device.STAGING_BUDGET, "staging holds " + a.stagingUsed.get());
            assertTrue(a.stats().droppedStagingBudget() > 0);
        } finally {
            a.close();
            b.close();
        }
    }

    /** down()/up() 1000 times under traffic: every buffer comes back. */
    @ParameterizedTest(name = "crypto workers: {0}")
    @ValueSource(ints = {0, 2})
    void downUpUnderTrafficLosesNoBuffer(int workers) throws Exception {
        MemoryBind.Network net = new MemoryBind.Network();
        MemoryTun tunA = new MemoryTun("a");
        MemoryTun tunB = new MemoryTun("b");
        Device a = new Device(tunA, new MemoryBind(net), clock, workers);
        Device b = new Device(tunB, new MemoryBind(net), clock, workers);
        AtomicBoolean stop = new AtomicBoolean();
        Thread traffic = null;
        try {
            DevicePair.connect(a, b, new InetSocketAddress("127.0.0.1", 1));
            a.setPeerEndpoint(b.publicKey(), new InetSocketAddress("127.0.0.1", b.listenPort()));
            byte[] ab = TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[500]);
            byte[] ba = TestPackets.udp("10.0.0.2", "10.0.0.1", new byte[500]);
            traffic = Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) {
                    for (int i = 0; i < 32; i++) {
                        tunA.inject(ab);
                        tunB.inject(ba);
                    }
                    while (tunA.poll() != null || tunB.poll() != null) {
                        // keep the outputs small
                    }
                    Thread.onSpinWait();
                    if (tunA.delivered() == 0) {
                        try {
                            Thread.sleep(0, 200_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            for (int cycle = 0; cycle < 1000; cycle++) {
                a.down();
                a.up();
                if (cycle % 10 == 0) {
                    b.down();
                    b.up();
                }
            }
            stop.set(true);
            traffic.join();
            a.down();
            b.down();
            assertEquals(a.outboundPool.max(), a.outboundPool.available(), "A's outbound buffers lost");
            assertEquals(a.inboundPool.max(), a.inboundPool.available(), "A's inbound buffers lost");
            assertEquals(b.outboundPool.max(), b.outboundPool.available(), "B's outbound buffers lost");
            assertEquals(b.inboundPool.max(), b.inboundPool.available(), "B's inbound buffers lost");
            assertEquals(0, a.outboundPool.doubleReleases() + a.inboundPool.doubleReleases()
                    + b.outboundPool.doubleReleases() + b.inboundPool.doubleReleases(), "a buffer had two owners");
            assertEquals(0, a.stagingUsed.get(), "staging budget not refunded");
            assertEquals(0, a.parkingPeers.get(), "parking peers not counted down");
        } finally {
            stop.set(true);
            a.close();
            b.close();
        }
    }

    /** A receive error that repeats backs off instead of spinning. */
    @Test
    void aRepeatingReceiveErrorDoesNotBusyLoop() throws Exception {
        MemoryBind.Network net = new MemoryBind.Network();
        MemoryBind bind = new MemoryBind(net);
        Device a = new Device(new MemoryTun("a"), bind, clock, 0);
        try {
            a.setPrivateKey(PrivateKey.generate());
            bind.failReceives(Integer.MAX_VALUE / 2);
            a.up();
            Thread.sleep(500);
            long calls = bind.receiveCalls.get();
            System.out.printf("receive calls in 0.5 s of a repeating error: %d%n", calls);
            assertTrue(calls < 1000, calls + " receive calls in 0.5 s: the receiver spins");
            assertTrue(a.isUp(), "an I/O error on receive is not fatal");
        } finally {
            a.close();
        }
    }
}
