package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The provider and device's real code on a simulated Darwin kernel ({@link FakeDarwin}). */
class UtunTest {
    private final FakeDarwin kernel = new FakeDarwin();
    private final MacOsTunProvider provider = new MacOsTunProvider(kernel, true);

    private static byte[] ipv4(int length) {
        byte[] p = new byte[length];
        p[0] = 0x45;
        for (int i = 1; i < length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    private static byte[] ipv6(int length) {
        byte[] p = new byte[length];
        p[0] = 0x60;
        for (int i = 1; i < length; i++) {
            p[i] = (byte) (i * 3);
        }
        return p;
    }

    private static byte[] framed(int family, byte[] packet) {
        byte[] m = new byte[4 + packet.length];
        m[3] = (byte) family;
        System.arraycopy(packet, 0, m, 4, packet.length);
        return m;
    }

    @Test
    void createConnectsTheUtunControlAndSetsMtuAndUp() throws IOException {
        try (Utun tun = provider.create(null, 1380)) {
            assertEquals("utun0", tun.name());
            assertEquals(1380, kernel.iface("utun0").mtu);
            assertEquals(1380, tun.mtu());
            assertTrue((kernel.iface("utun0").flags & Darwin.IFF_UP) != 0);
            assertEquals(kernel.iface("utun0").index, tun.index());
            assertEquals(1, tun.batchSize());
        }
        assertEquals(0, kernel.openFiles(), "close releases every descriptor (utun, control, route, pipes)");
        assertEquals(null, kernel.iface("utun0"), "the interface dies with its socket");
    }

    @Test
    void kernelPicksTheNextUnitAndAnUtunNameAsksForItsUnit() throws IOException {
        try (Utun a = provider.create("wg0", 1420); Utun b = provider.create(null, 1420);
             Utun c = provider.create("utun9", 1420)) {
            assertEquals("utun0", a.name());
            assertEquals("utun1", b.name());
            assertEquals("utun9", c.name());
            IOException e = assertThrows(IOException.class, () -> provider.create("utun9", 1420));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        assertEquals(0, kernel.openFiles(), "a failed create leaks no descriptor");
        assertEquals(0, MacOsTunProvider.unitFor(null));
        assertEquals(0, MacOsTunProvider.unitFor("utun"));
        assertEquals(8, MacOsTunProvider.unitFor("utun7"));
    }

    @Test
    void permissionErrorSaysRoot() {
        kernel.failNextSocket(Darwin.EPERM);
        IOException e = assertThrows(IOException.class, () -> provider.create(null, 1420));
        assertTrue(e.getMessage().contains("needs root"), e.getMessage());
        assertThrows(IOException.class, () -> provider.create(null, 20), "MTU below 68");
        assertFalse(new MacOsTunProvider(kernel, false).isSupported());
        assertThrows(IOException.class, () -> new MacOsTunProvider(kernel, false).create(null, 1420));
    }

    @Test
    void readStripsTheFamilyHeaderForV4AndV6() throws IOException {
        try (Utun tun = provider.create(null, 1420)) {
            byte[] v4 = ipv4(60);
            byte[] v6 = ipv6(80);
            kernel.inject(tun.name(), framed(Darwin.AF_INET, v4));
            kernel.inject(tun.name(), framed(Darwin.AF_INET6, v6));
            ByteBuffer b = ByteBuffer.allocate(2000);
            b.position(16); // head room the engine reserves
            assertEquals(1, tun.read(new ByteBuffer[] {b}, 1));
            assertEquals(16, b.position());
            assertEquals(16 + 60, b.limit());
            byte[] got = new byte[60];
            b.get(16, got);
            assertArrayEquals(v4, got);
            b.position(16).limit(b.capacity());
            assertEquals(1, tun.read(new ByteBuffer[] {b}, 1));
            got = new byte[80];
            b.get(16, got);
            assertArrayEquals(v6, got);
            assertEquals(0, tun.readDrops());
        }
    }

    @Test
    void writeAddsTheFamilyHeaderFromTheVersionNibble() throws IOException {
        try (Utun tun = provider.create(null, 1420)) {
            byte[] v4 = ipv4(40);
            byte[] v6 = ipv6(48);
            ByteBuffer a = ByteBuffer.allocate(100).position(10);
            a.put(v4).flip().position(10);
            ByteBuffer b = ByteBuffer.wrap(v6);
            tun.write(new ByteBuffer[] {a, b}, 2);
            assertEquals(a.limit(), a.position(), "consumed");
            List<byte[]> w = kernel.written();
            assertEquals(2, w.size());
            assertArrayEquals(framed(Darwin.AF_INET, v4), w.get(0));
            assertArrayEquals(framed(Darwin.AF_INET6, v6), w.get(1));
            assertEquals(0x1E, w.get(1)[3], "AF_INET6 is 30 on Darwin");
            assertEquals(0, tun.writeDrops());
        }
    }

    @Test
    void shortUnknownAndOversizedPacketsAreDroppedAndCounted() throws IOException {
        try (Utun tun = provider.create(null, 1420)) {
            kernel.inject(tun.name(), new byte[] {0, 0});                       // shorter than the header
            kernel.inject(tun.name(), new byte[] {0, 0, 0, 2});                 // header only
            kernel.inject(tun.name(), framed(10, ipv6(40)));                    // Linux's AF_INET6: unknown here
            kernel.inject(tun.name(), framed(Darwin.AF_INET, ipv4(1500)));     // bigger than the buffer
            kernel.inject(tun.name(), framed(Darwin.AF_INET, ipv4(100)));      // fits
            ByteBuffer b = ByteBuffer.allocate(1000);
            assertEquals(1, tun.read(new ByteBuffer[] {b}, 1));
            assertEquals(100, b.limit());
            assertEquals(4, tun.readDrops());

            ByteBuffer empty = ByteBuffer.allocate(0);
            ByteBuffer notIp = ByteBuffer.wrap(new byte[] {0x10, 1, 2, 3});
            ByteBuffer huge = ByteBuffer.allocate(70_000);
            huge.put(0, (byte) 0x45);
            ByteBuffer ok = ByteBuffer.wrap(ipv4(20));
            tun.write(new ByteBuffer[] {empty, notIp, huge, ok}, 4);
            assertEquals(2, tun.writeDrops(), "not IP and too large; the empty buffer is skipped");
            assertEquals(1, kernel.written().size());
            assertEquals(notIp.limit(), notIp.position(), "a dropped packet is consumed");
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        Utun tun = provider.create(null, 1420);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                tun.read(new ByteBuffer[] {ByteBuffer.allocate(2000)}, 1);
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, r -> Thread.ofPlatform().start(r));
        Thread.sleep(200); // let it block in poll
        assertFalse(reader.isDone(), "blocked: nothing to read");
        tun.close();
        Throwable t = reader.get(5, TimeUnit.SECONDS);
        assertNotNull(t);
        assertInstanceOf(AsynchronousCloseException.class, t);
        assertThrows(ClosedChannelException.class, () -> tun.read(new ByteBuffer[] {ByteBuffer.allocate(10)}, 1));
        assertThrows(ClosedChannelException.class, () -> tun.write(new ByteBuffer[] {ByteBuffer.wrap(ipv4(20))}, 1));
        tun.close(); // idempotent
        assertEquals(0, kernel.openFiles());
    }

    @Test
    void mtuAndLinkEventsReachListeners() throws Exception {
        try (Utun tun = provider.create(null, 1420)) {
            BlockingQueue<TunEvent> events = new LinkedBlockingQueue<>();
            tun.onEvent(events::add);
            kernel.setLink(tun.name(), true, 1280);
            assertEquals(new TunEvent.MtuChanged(1280), events.poll(5, TimeUnit.SECONDS));
            assertEquals(1280, tun.mtu());
            kernel.setLink(tun.name(), false, 1280);
            assertEquals(new TunEvent.Down(), events.poll(5, TimeUnit.SECONDS));
            kernel.setLink(tun.name(), true, 1280);
            assertEquals(new TunEvent.Up(), events.poll(5, TimeUnit.SECONDS));
            kernel.broadcast(FakeDarwin.ifInfo(tun.index() + 1000, 0, 9000)); // another interface
            kernel.setLink(tun.name(), true, 1300);
            assertEquals(new TunEvent.MtuChanged(1300), events.poll(5, TimeUnit.SECONDS),
                    "the other interface's message gave no event");
        }
    }

    @Test
    void theDevicesOwnSetupRaisesNoEvent() throws Exception {
        try (Utun tun = provider.create(null, 1420)) {
            BlockingQueue<TunEvent> events = new LinkedBlockingQueue<>();
            tun.onEvent(events::add);
            kernel.setLink(tun.name(), true, 1400);
            assertEquals(new TunEvent.MtuChanged(1400), events.poll(5, TimeUnit.SECONDS),
                    "the first event is the change after creation, not the MTU and up flag set while creating");
        }
    }

    @Test
    void aListenerMayCloseTheDevice() throws Exception {
        Utun tun = provider.create(null, 1420);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        tun.onEvent(e -> {
            tun.close();
            closed.complete(null);
        });
        kernel.setLink(tun.name(), false, 1420);
        closed.get(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (kernel.openFiles() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, kernel.openFiles());
    }

    @Test
    void reducerIgnoresMalformedAndForeignMessages() {
        RouteEvents r = new RouteEvents(5, true, 1420);
        byte[] m = FakeDarwin.ifInfo(5, Darwin.IFF_UP, 1420);
        assertEquals(List.of(), r.accept(ByteBuffer.wrap(m), m.length), "no change");
        assertEquals(List.of(), r.accept(ByteBuffer.wrap(m), 10), "truncated");
        byte[] wrongVersion = FakeDarwin.ifInfo(5, 0, 1000);
        wrongVersion[2] = 4;
        assertEquals(List.of(), r.accept(ByteBuffer.wrap(wrongVersion), wrongVersion.length));
        byte[] route = FakeDarwin.ifInfo(5, 0, 1000);
        route[Darwin.IFM_TYPE] = Darwin.RTM_ADD;
        assertEquals(List.of(), r.accept(ByteBuffer.wrap(route), route.length));
        byte[] both = FakeDarwin.ifInfo(5, 0, 1000);
        assertEquals(List.of(new TunEvent.Down(), new TunEvent.MtuChanged(1000)),
                r.accept(ByteBuffer.wrap(both), both.length));
    }

    @Test
    void manyPacketsBothWaysConcurrently() throws Exception {
        try (Utun tun = provider.create(null, 1420)) {
            int n = 2000;
            CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
                ByteBuffer b = ByteBuffer.allocate(2000);
                int got = 0;
                try {
                    for (int i = 0; i < n; i++) {
                        b.clear();
                        tun.read(new ByteBuffer[] {b}, 1);
                        if (b.get(1) == (byte) (i & 0x7F) && b.limit() == 20 + (i % 100)) {
                            got++;
                        }
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                return got;
            }, r -> Thread.ofPlatform().start(r));
            for (int i = 0; i < n; i++) {
                byte[] p = ipv4(20 + (i % 100));
                p[1] = (byte) (i & 0x7F);
                kernel.inject(tun.name(), framed(Darwin.AF_INET, p));
                tun.write(new ByteBuffer[] {ByteBuffer.wrap(p)}, 1);
            }
            assertEquals(n, reader.get(20, TimeUnit.SECONDS));
            assertEquals(n, kernel.written().size());
        } catch (ExecutionException e) {
            throw e;
        }
    }
}
