package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.BindProvider;
import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.testing.Requirements;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JNA UDP bind over loopback (127.0.0.1 and ::1). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LinuxBindTest {
    private static final int HEAD_ROOM = 16;

    @ParameterizedTest
    @ValueSource(ints = {1, 8})
    void roundTripOverIpv4Loopback(int batch) throws Exception {
        roundTrip(batch, InetAddress.getByName("127.0.0.1"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8})
    void roundTripOverIpv6Loopback(int batch) throws Exception {
        roundTrip(batch, InetAddress.getByName("::1"));
    }

    private static void roundTrip(int batch, InetAddress loopback) throws Exception {
        try (LinuxBind a = new LinuxBind(batch); LinuxBind b = new LinuxBind(batch)) {
            int portA = a.open(0);
            int portB = b.open(0);
            assertTrue(portA > 0 && portB > 0 && portA != portB);
            assertEquals(batch, a.batchSize());
            InetSocketAddress toB = new InetSocketAddress(loopback, portB);
            ByteBuffer[] out = new ByteBuffer[3];
            for (int i = 0; i < 3; i++) {
                out[i] = ByteBuffer.allocate(2048).position(HEAD_ROOM);
                out[i].put(payload(i, 100 + i)).flip().position(HEAD_ROOM);
            }
            a.send(out, 3, UdpEndpoint.of(toB));
            for (ByteBuffer o : out) {
                assertFalse(o.hasRemaining(), "send consumes each datagram");
            }
            ByteBuffer[] in = buffers(Math.max(batch, 1));
            UdpEndpoint[] from = new UdpEndpoint[in.length];
            int got = 0;
            while (got < 3) {
                int n = b.receive(in, from, in.length);
                assertTrue(n >= 1 && n <= batch, "receive returned " + n);
                for (int i = 0; i < n; i++, got++) {
                    assertEquals(HEAD_ROOM, in[i].position(), "receive leaves the position at the head room");
                    assertArrayEquals(payload(got, 100 + got), Arrays.copyOfRange(in[i].array(), HEAD_ROOM, in[i].limit()));
                    assertEquals(new InetSocketAddress(loopback, portA), from[i].remote());
                    assertEquals(loopback.getClass(), from[i].remote().getAddress().getClass());
                    assertEquals(loopback, from[i].source(), "the local address it was sent to");
                    in[i].clear().position(HEAD_ROOM);
                }
            }
            // and back
            ByteBuffer reply = ByteBuffer.wrap(payload(9, 50));
            b.send(new ByteBuffer[] {reply}, 1, from[0]);
            assertEquals(1, a.receive(in, from, 1));
            assertEquals(50, in[0].remaining());
            assertEquals(new InetSocketAddress(loopback, portB), from[0].remote());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void segmentedSendArrivesAsSeparateDatagrams(String address) throws Exception {
        InetAddress loopback = InetAddress.getByName(address);
        try (LinuxBind sender = new LinuxBind(8, true); LinuxBind receiver = new LinuxBind(8)) {
            sender.open(0);
            InetSocketAddress to = new InetSocketAddress(loopback, receiver.open(0));
            int[][] batches = {
                {500, 500, 500, 500, 500, 500, 500, 100}, // one segmented send, shorter tail
                {300, 300, 400, 400, 20}, // runs: [300,300] [400,400,20]
                {64, 128, 64}, // a larger one after the first ends the run
            };
            int seed = 0;
            for (int[] sizes : batches) {
                ByteBuffer[] out = new ByteBuffer[sizes.length];
                for (int i = 0; i < sizes.length; i++) {
                    out[i] = ByteBuffer.allocate(2048).position(HEAD_ROOM);
                    out[i].put(payload(seed + i, sizes[i])).flip().position(HEAD_ROOM);
                }
                sender.send(out, sizes.length, UdpEndpoint.of(to));
                for (ByteBuffer o : out) {
                    assertFalse(o.hasRemaining());
                }
                ByteBuffer[] in = buffers(8);
                UdpEndpoint[] from = new UdpEndpoint[8];
                int got = 0;
                while (got < sizes.length) {
                    int n = receiver.receive(in, from, 8);
                    for (int i = 0; i < n; i++, got++) {
                        assertArrayEquals(payload(seed + got, sizes[got]),
                                Arrays.copyOfRange(in[i].array(), in[i].position(), in[i].limit()), "datagram " + got);
                        assertEquals(sender.port(), from[i].remote().getPort());
                        in[i].clear().position(HEAD_ROOM);
                    }
                }
                seed += sizes.length;
            }
            assertTrue(sender.segmentationActive(), "the kernel refused UDP_SEGMENT on loopback");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void coalescedReceiveIsSplitIntoTheOriginalDatagrams(int receiveBatch) throws Exception {
        try (LinuxBind sender = new LinuxBind(16, true, false); LinuxBind receiver = new LinuxBind(receiveBatch, false, true)) {
            sender.open(0);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), receiver.open(0));
            int[] sizes = {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 333, 700, 700, 700, 5};
            ByteBuffer[] out = new ByteBuffer[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                out[i] = ByteBuffer.allocate(2048).position(HEAD_ROOM);
                out[i].put(payload(i, sizes[i])).flip().position(HEAD_ROOM);
            }
            sender.send(out, sizes.length, UdpEndpoint.of(to));
            ByteBuffer[] in = buffers(receiveBatch);
            UdpEndpoint[] from = new UdpEndpoint[receiveBatch];
            int got = 0;
            int calls = 0;
            while (got < sizes.length) {
                int n = receiver.receive(in, from, receiveBatch);
                calls++;
                assertTrue(n >= 1 && n <= receiveBatch, "receive returned " + n);
                for (int i = 0; i < n; i++, got++) {
                    assertArrayEquals(payload(got, sizes[got]),
                            Arrays.copyOfRange(in[i].array(), in[i].position(), in[i].limit()), "datagram " + got);
                    assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), sender.port()), from[i].remote());
                    in[i].clear().position(HEAD_ROOM);
                }
            }
            assertEquals(sizes.length, got);
            assertTrue(calls >= (sizes.length + receiveBatch - 1) / receiveBatch);
            assertTrue(receiver.coalescedReceives() > 0, "the kernel never coalesced: the split path went untested");
        }
    }

    @Test
    void ipv4SourceOnDualStackSocketIsPlainIpv4AndCached() throws Exception {
        try (LinuxBind bind = new LinuxBind(); DatagramChannel peer = DatagramChannel.open()) {
            int port = bind.open(0);
            peer.bind(new InetSocketAddress("127.0.0.1", 0));
            ByteBuffer[] in = buffers(1);
            UdpEndpoint[] from = new UdpEndpoint[1];
            peer.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress("127.0.0.1", port));
            bind.receive(in, from, 1);
            assertInstanceOf(Inet4Address.class, from[0].remote().getAddress());
            assertEquals(peer.getLocalAddress(), from[0].remote());
            UdpEndpoint first = from[0];
            peer.send(ByteBuffer.wrap(new byte[] {2}), new InetSocketAddress("127.0.0.1", port));
            in[0].clear().position(HEAD_ROOM);
            bind.receive(in, from, 1);
            assertSame(first, from[0], "a repeated source must reuse the cached address");
        }
    }

    @Test
    void interoperatesWithDatagramChannelOverIpv6() throws Exception {
        try (LinuxBind bind = new LinuxBind(); DatagramChannel peer = DatagramChannel.open()) {
            int port = bind.open(0);
            peer.bind(new InetSocketAddress("::1", 0));
            bind.send(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {7, 8, 9})}, 1, UdpEndpoint.of((InetSocketAddress) peer.getLocalAddress()));
            ByteBuffer got = ByteBuffer.allocate(64);
            InetSocketAddress src = (InetSocketAddress) peer.receive(got);
            assertEquals(3, got.position());
            assertEquals(port, src.getPort());
            assertInstanceOf(Inet6Address.class, src.getAddress());
        }
    }

    @Test
    void setMarkIsAppliedToTheSocket() throws Exception {
        Requirements.require(Host.isRoot(), "not root: SO_MARK needs CAP_NET_ADMIN; skipping");
        try (LinuxBind bind = new LinuxBind()) {
            bind.setMark(0x51820); // before open: applied when the socket is made
            bind.open(0);
            assertEquals(0x51820, bind.socketOption(1, LinuxBind.SO_MARK));
            bind.setMark(42);
            assertEquals(42, bind.socketOption(1, LinuxBind.SO_MARK));
            String ss = Host.run("ss", "-u", "-a", "-n", "-e", "sport", "=", ":" + bind.port());
            assertTrue(ss.contains("fwmark:0x2a"), ss);
            bind.setMark(0);
            assertEquals(0, bind.socketOption(1, LinuxBind.SO_MARK));
            assertEquals(0, bind.mark());
        }
    }

    @Test
    void buffersAreForcedToSevenMebibytesWhenRoot() throws Exception {
        Requirements.require(Host.isRoot(), "not root: SO_RCVBUFFORCE needs CAP_NET_ADMIN; skipping");
        try (LinuxBind bind = new LinuxBind()) {
            bind.open(0);
            // The kernel doubles the requested size for its bookkeeping.
            assertEquals(2 * Protocol.SOCKET_BUFFER_SIZE, bind.socketOption(1, 8 /* SO_RCVBUF */));
            assertEquals(2 * Protocol.SOCKET_BUFFER_SIZE, bind.socketOption(1, 7 /* SO_SNDBUF */));
        }
    }

    @Test
    void portInUseIsBindException() throws Exception {
        try (DatagramChannel holder = DatagramChannel.open(); LinuxBind bind = new LinuxBind()) {
            holder.bind(new InetSocketAddress(0));
            int port = ((InetSocketAddress) holder.getLocalAddress()).getPort();
            BindException e = assertThrows(BindException.class, () -> bind.open(port));
            assertEquals("UDP port " + port + " is already in use", e.getMessage());
            assertEquals(0, bind.port());
        }
    }

    @Test
    void reopenMovesToTheNewPortAndCloseResetsPort() throws Exception {
        LinuxBind bind = new LinuxBind();
        int first = bind.open(0);
        try (DatagramChannel probe = DatagramChannel.open()) {
            int second = bind.open(0);
            assertEquals(second, bind.port());
            probe.bind(new InetSocketAddress(first)); // the first port was released
        }
        bind.close();
        assertEquals(0, bind.port());
        bind.close(); // idempotent
        assertThrows(ClosedChannelException.class, () -> bind.receive(buffers(1), new UdpEndpoint[1], 1));
        assertThrows(ClosedChannelException.class,
                () -> bind.send(buffers(1), 1, UdpEndpoint.of(new InetSocketAddress("127.0.0.1", 9))));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8})
    void closeUnblocksPendingReceive(int batch) throws Exception {
        LinuxBind bind = new LinuxBind(batch);
        bind.open(0);
        CompletableFuture<Integer> receiver = CompletableFuture.supplyAsync(() -> {
            try {
                return bind.receive(buffers(batch), new UdpEndpoint[batch], batch);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofPlatform().daemon().name("bind-recv").start(r));
        Host.awaitBlockedInKernel("bind-recv");
        assertFalse(receiver.isDone(), "receive returned without a datagram");
        bind.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> receiver.get(3, TimeUnit.SECONDS));
        assertInstanceOf(ClosedChannelException.class, e.getCause().getCause());
    }

    @Test
    void oversizedDatagramIsDroppedNotTruncated() throws Exception {
        try (LinuxBind bind = new LinuxBind(); DatagramChannel peer = DatagramChannel.open()) {
            int port = bind.open(0);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            peer.send(ByteBuffer.wrap(new byte[500]), to);
            peer.send(ByteBuffer.wrap(new byte[20]), to);
            ByteBuffer[] in = {ByteBuffer.allocate(HEAD_ROOM + 100).position(HEAD_ROOM)};
            assertEquals(1, bind.receive(in, new UdpEndpoint[1], 1));
            assertEquals(20, in[0].remaining());
        }
    }

    @Test
    void unresolvedDestinationIsRejected() throws Exception {
        try (LinuxBind bind = new LinuxBind()) {
            bind.open(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> bind.send(buffers(1), 1, UdpEndpoint.of(InetSocketAddress.createUnresolved("example.invalid", 1))));
            assertTrue(e.getMessage().startsWith("endpoint must be resolved"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "8", "8+offload"})
    void steadyStateSendAndReceiveDoNotAllocate(String mode) throws Exception {
        int batch = Integer.parseInt(mode.replace("+offload", ""));
        boolean offload = mode.endsWith("+offload");
        try (LinuxBind a = new LinuxBind(batch, offload); LinuxBind b = new LinuxBind(batch, offload)) {
            a.open(0);
            // With a sticky source, as the engine sends once it has heard from a peer.
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            UdpEndpoint toB = UdpEndpoint.of(new InetSocketAddress(loopback, b.open(0)), loopback, 0);
            ByteBuffer[] out = buffers(batch);
            ByteBuffer[] in = buffers(batch);
            UdpEndpoint[] from = new UdpEndpoint[batch];
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = 0;
            int rounds = 2000;
            for (int round = 0; round < 2; round++) { // the first warms up
                if (round == 1) {
                    before = mx.getCurrentThreadAllocatedBytes();
                }
                for (int i = 0; i < rounds; i++) {
                    for (ByteBuffer o : out) {
                        o.clear().position(HEAD_ROOM).limit(HEAD_ROOM + 1420);
                    }
                    a.send(out, batch, toB);
                    int got = 0;
                    while (got < batch) {
                        for (ByteBuffer x : in) {
                            x.clear().position(HEAD_ROOM);
                        }
                        got += b.receive(in, from, batch);
                    }
                }
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 2000, "allocated " + allocated + " bytes for " + rounds * batch + " datagrams");
        }
    }

    /** Several threads send at once (each with its own native buffers); nothing is lost or mixed up. */
    @ParameterizedTest
    @ValueSource(strings = {"1", "8", "8+offload"})
    void concurrentSendersDoNotInterfere(String mode) throws Exception {
        int batch = Integer.parseInt(mode.replace("+offload", ""));
        boolean offload = mode.endsWith("+offload");
        int threads = 4;
        int perThread = 400; // well below the 7 MiB receive buffer: no loss expected on loopback
        try (LinuxBind tx = new LinuxBind(batch, offload); LinuxBind rx = new LinuxBind(batch, offload)) {
            tx.open(0);
            UdpEndpoint to = UdpEndpoint.of(new InetSocketAddress(InetAddress.getByName("::1"), rx.open(0)));
            java.util.List<CompletableFuture<Void>> senders = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                senders.add(CompletableFuture.runAsync(() -> {
                    try {
                        ByteBuffer[] out = buffers(batch);
                        for (int i = 0; i < perThread; i += batch) {
                            for (int k = 0; k < batch; k++) {
                                out[k].clear().position(HEAD_ROOM);
                                out[k].putInt(thread).putInt(i + k).put(payload(thread * 100000 + i + k, 600)).flip().position(HEAD_ROOM);
                            }
                            tx.send(out, batch, to);
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }, r -> Thread.ofPlatform().daemon().start(r)));
            }
            boolean[][] seen = new boolean[threads][perThread];
            ByteBuffer[] in = buffers(batch);
            UdpEndpoint[] from = new UdpEndpoint[batch];
            int got = 0;
            while (got < threads * perThread) {
                int n = rx.receive(in, from, batch);
                for (int i = 0; i < n; i++, got++) {
                    ByteBuffer b = in[i];
                    assertEquals(8 + 600, b.remaining());
                    int thread = b.getInt(b.position());
                    int seq = b.getInt(b.position() + 4);
                    assertFalse(seen[thread][seq], "duplicate " + thread + "/" + seq);
                    seen[thread][seq] = true;
                    assertArrayEquals(payload(thread * 100000 + seq, 600),
                            Arrays.copyOfRange(b.array(), b.position() + 8, b.limit()), "payload " + thread + "/" + seq);
                    b.clear().position(HEAD_ROOM);
                }
            }
            for (CompletableFuture<Void> f : senders) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void alternatingDestinationsEachGetTheirDatagrams() throws Exception {
        int peers = 5;
        LinuxBind[] rx = new LinuxBind[peers];
        UdpEndpoint[] to = new UdpEndpoint[peers];
        try (LinuxBind tx = new LinuxBind()) {
            tx.open(0);
            for (int p = 0; p < peers; p++) {
                rx[p] = new LinuxBind();
                to[p] = UdpEndpoint.of(new InetSocketAddress(InetAddress.getByName(p % 2 == 0 ? "127.0.0.1" : "::1"), rx[p].open(0)));
            }
            for (int round = 0; round < 20; round++) {
                for (int p = 0; p < peers; p++) {
                    tx.send(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {(byte) p, (byte) round})}, 1, to[p]);
                }
            }
            for (int p = 0; p < peers; p++) {
                ByteBuffer[] in = buffers(1);
                for (int round = 0; round < 20; round++) {
                    in[0].clear().position(HEAD_ROOM);
                    rx[p].receive(in, new UdpEndpoint[1], 1);
                    assertEquals(2, in[0].remaining());
                    assertEquals(p, in[0].get(HEAD_ROOM), "datagram for peer " + p + " went elsewhere");
                    assertEquals(round, in[0].get(HEAD_ROOM + 1));
                }
            }
        } finally {
            for (LinuxBind b : rx) {
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    @Test
    void isPreferredThroughServiceLoader() throws Exception {
        try (var bind = BindProvider.createBest()) {
            assertInstanceOf(LinuxBind.class, bind);
        }
    }

    private static ByteBuffer[] buffers(int n) {
        ByteBuffer[] bufs = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            bufs[i] = ByteBuffer.allocate(2048).position(HEAD_ROOM);
        }
        return bufs;
    }

    private static byte[] payload(int seed, int length) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (seed * 31 + i);
        }
        return p;
    }
}
