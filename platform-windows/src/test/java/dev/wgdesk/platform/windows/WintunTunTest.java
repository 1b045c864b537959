package dev.wgdesk.platform.windows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Wintun device's real read/write/close loops, driven by {@link FakeWintun}'s ring. */
class WintunTunTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static byte[] packet(int len, int seed) {
        byte[] p = new byte[len];
        p[0] = 0x45;
        for (int i = 1; i < len; i++) {
            p[i] = (byte) (seed * 31 + i);
        }
        return p;
    }

    private static long session(FakeWintun fake) {
        return fake.sessions.keySet().iterator().next();
    }

    private void awaitWaiting(FakeWintun fake) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fake.waiting() == 0) {
            assertTrue(System.nanoTime() < end, "the reader never waited on the events");
            Thread.sleep(1);
        }
    }

    @Test
    void createsAnAdapterWithTheTunnelsGuidAndAn8MiBSession() throws IOException {
        FakeWintun fake = new FakeWintun();
        WintunTun tun = new WindowsTunProvider(fake, 1).create("office", 1420);
        assertEquals(List.of("open office", "create office wgdesk", "startSession 8388608"), fake.calls);
        assertEquals(0x800000, fake.requestedCapacity);
        assertTrue(fake.logger != null, "Wintun's log goes to the helper's log");
        FakeWintun.Adapter a = fake.adapters.values().iterator().next();
        assertArrayEquals(AdapterGuid.toWindowsBytes(AdapterGuid.of("office")), a.guid);
        assertEquals(a.luid, tun.luid());
        assertEquals("office", tun.name());
        assertEquals(1420, tun.mtu());
        tun.close();
        assertTrue(a.closed);
        assertEquals(List.of(), fake.violations());
        assertEquals(0, fake.openHandles(), "the close event is closed, the read event went with the session");
    }

    @Test
    void reopensAnAdapterLeftBehindInsteadOfCreatingASecond() throws IOException {
        FakeWintun fake = new FakeWintun();
        long old = fake.existingAdapter("office");
        try (WintunTun tun = new WindowsTunProvider(fake, 1).create("office", 1420)) {
            assertEquals(List.of("open office", "startSession 8388608"), fake.calls);
            assertEquals(fake.adapters.get(old).luid, tun.luid());
            assertEquals(1, fake.adapters.size());
        }
    }

    @Test
    void readsABurstUpToTheBatchSizeAndKeepsTheRestForTheNextCall() throws IOException {
        FakeWintun fake = new FakeWintun();
        try (WintunTun tun = new WindowsTunProvider(fake, 4).create("t", 1420)) {
            long s = session(fake);
            for (int i = 0; i < 6; i++) {
                assertTrue(fake.inject(s, packet(60 + i, i)));
            }
            ByteBuffer[] bufs = new ByteBuffer[8];
            for (int i = 0; i < bufs.length; i++) {
                bufs[i] = ByteBuffer.allocate(2000).position(16); // head room
            }
            assertEquals(4, tun.read(bufs, 8), "one call returns at most batchSize packets");
            for (int i = 0; i < 4; i++) {
                assertEquals(16, bufs[i].position());
                assertEquals(16 + 60 + i, bufs[i].limit());
                byte[] got = new byte[60 + i];
                bufs[i].get(16, got);
                assertArrayEquals(packet(60 + i, i), got);
            }
            assertEquals(2, tun.read(bufs, 8), "the rest, without waiting");
            byte[] got = new byte[65];
            bufs[1].get(16, got);
            assertArrayEquals(packet(65, 5), got);
            assertEquals(List.of(), fake.violations());
        }
    }

    @Test
    void aReaderWaitsOnTheReadEventUntilAPacketArrives() throws Exception {
        FakeWintun fake = new FakeWintun();
        try (WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420)) {
            ByteBuffer[] bufs = {ByteBuffer.allocate(1500)};
            Future<Integer> r = pool.submit(() -> tun.read(bufs, 1));
            awaitWaiting(fake);
            assertFalse(r.isDone());
            fake.inject(session(fake), packet(100, 7));
            assertEquals(1, r.get(10, TimeUnit.SECONDS));
            assertEquals(100, bufs[0].limit());
        }
    }

    @Test
    void closeDuringAWaitWakesTheReaderAndEndsTheSessionOnlyAfterItLeft() throws Exception {
        FakeWintun fake = new FakeWintun();
        WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420);
        ByteBuffer[] bufs = {ByteBuffer.allocate(1500)};
        Future<Integer> r = pool.submit(() -> tun.read(bufs, 1));
        awaitWaiting(fake);
        tun.close();
        Exception e = assertThrows(Exception.class, () -> r.get(10, TimeUnit.SECONDS));
        assertInstanceOf(AsynchronousCloseException.class, e.getCause());
        assertEquals(List.of(), fake.violations(), "no ring call after the session ended, read event never closed");
        assertTrue(fake.calls.containsAll(List.of("endSession", "closeAdapter")));
        assertThrows(ClosedChannelException.class, () -> tun.read(bufs, 1));
        assertThrows(ClosedChannelException.class, () -> tun.write(bufs, 1));
        assertThrows(ClosedChannelException.class, tun::mtu);
        tun.close(); // idempotent
        assertEquals(1, fake.calls.stream().filter("endSession"::equals).count());
        assertEquals(List.of(), fake.violations());
    }

    @Test
    void writesPacketsIntoTheSendRing() throws IOException {
        FakeWintun fake = new FakeWintun();
        try (WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420)) {
            ByteBuffer a = ByteBuffer.allocate(200).position(32);
            a.put(packet(80, 1)).flip().position(32);
            ByteBuffer b = ByteBuffer.allocateDirect(200);
            b.put(packet(90, 2)).flip();
            tun.write(new ByteBuffer[] {a, b}, 2);
            List<byte[]> sent = fake.takeSent(session(fake));
            assertEquals(2, sent.size());
            assertArrayEquals(packet(80, 1), sent.get(0));
            assertArrayEquals(packet(90, 2), sent.get(1));
            assertEquals(a.limit(), a.position());
        }
    }

    @Test
    void aFullSendRingDropsAndCountsPacketsAndTheRestStillGo() throws IOException {
        FakeWintun fake = new FakeWintun(4096); // the driver's ring: 4 KiB
        try (WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420)) {
            long s = session(fake);
            fake.stallDriver(s); // the driver does not drain: the ring fills
            int written = 0;
            for (int i = 0; i < 100; i++) {
                ByteBuffer b = ByteBuffer.wrap(packet(100, i));
                tun.write(new ByteBuffer[] {b}, 1);
                written++;
            }
            assertEquals(100, written);
            // 104 bytes per packet (4-byte header + 100): 39 fit in 4096
            assertEquals(4096 / 104, fake.takeSent(s).size());
            assertEquals(100 - 4096 / 104, tun.writeDropsRingFull());
        }
    }

    @Test
    void oversizedPacketsAreDroppedAndCountedNeverTruncated() throws IOException {
        FakeWintun fake = new FakeWintun();
        try (WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420)) {
            long s = session(fake);
            fake.inject(s, packet(1600, 1));
            fake.inject(s, packet(1400, 2));
            ByteBuffer[] bufs = {ByteBuffer.allocate(1500)};
            assertEquals(1, tun.read(bufs, 1));
            assertEquals(1400, bufs[0].limit(), "the 1600-byte packet did not fit and was skipped");
            assertEquals(1, tun.readDropsTooBig());

            ByteBuffer huge = ByteBuffer.allocate(70_000);
            tun.write(new ByteBuffer[] {huge, ByteBuffer.wrap(packet(60, 3))}, 2);
            assertEquals(1, tun.writeDropsTooBig());
            assertEquals(1, fake.takeSent(s).size());
            assertEquals(List.of(), fake.violations());
        }
    }

    @Test
    void theEndOfTheSessionWakesTheReaderAndIsReportedOnce() throws Exception {
        FakeWintun fake = new FakeWintun();
        try (WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420)) {
            List<TunEvent> events = new CopyOnWriteArrayList<>();
            tun.onEvent(events::add);
            ByteBuffer[] bufs = {ByteBuffer.allocate(1500)};
            Future<Integer> r = pool.submit(() -> tun.read(bufs, 1));
            awaitWaiting(fake);
            fake.terminate(fake.adapters.keySet().iterator().next());
            Exception e = assertThrows(Exception.class, () -> r.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("went away"), e.getCause().getMessage());
            IOException w = assertThrows(IOException.class,
                    () -> tun.write(new ByteBuffer[] {ByteBuffer.wrap(packet(60, 1))}, 1));
            assertTrue(w.getMessage().contains("ERROR_HANDLE_EOF"));
            assertEquals(List.of(new TunEvent.Removed()), events);
        }
        assertEquals(List.of(), fake.violations());
    }

    @Test
    void packetsTakenBeforeTheSessionEndedAreStillReturned() throws IOException {
        FakeWintun fake = new FakeWintun();
        try (WintunTun tun = new WindowsTunProvider(fake, 8).create("t", 1420)) {
            long s = session(fake);
            fake.inject(s, packet(60, 1));
            ByteBuffer[] bufs = {ByteBuffer.allocate(1500), ByteBuffer.allocate(1500)};
            assertEquals(1, tun.read(bufs, 2));
            fake.terminate(fake.adapters.keySet().iterator().next());
            assertThrows(IOException.class, () -> tun.read(bufs, 2));
        }
    }

    @Test
    void aListenerMayCloseTheDeviceWhenItIsRemoved() throws Exception {
        FakeWintun fake = new FakeWintun();
        WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420);
        tun.onEvent(ev -> tun.close());
        fake.terminate(fake.adapters.keySet().iterator().next());
        Future<Integer> r = pool.submit(() -> tun.read(new ByteBuffer[] {ByteBuffer.allocate(1500)}, 1));
        assertThrows(Exception.class, () -> r.get(10, TimeUnit.SECONDS)); // would hang if close waited for itself
        assertTrue(tun.isClosed());
        assertEquals(List.of(), fake.violations());
    }

    @Test
    void aCorruptRingIsAnError() throws IOException {
        FakeWintun fake = new FakeWintun();
        try (WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420)) {
            fake.injectCorrupt(session(fake));
            IOException e = assertThrows(IOException.class,
                    () -> tun.read(new ByteBuffer[] {ByteBuffer.allocate(1500)}, 1));
            assertTrue(e.getMessage().contains("ERROR_INVALID_DATA"), e.getMessage());
        }
    }

    @Test
    void readsIntoDirectBuffers() throws IOException {
        FakeWintun fake = new FakeWintun();
        try (WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420)) {
            fake.inject(session(fake), packet(300, 9));
            ByteBuffer b = ByteBuffer.allocateDirect(1500).position(4);
            assertEquals(1, tun.read(new ByteBuffer[] {b}, 1));
            byte[] got = new byte[300];
            b.get(4, got);
            assertArrayEquals(packet(300, 9), got);
        }
    }

    @Test
    void anMtuSetByTheConfigurationIsReported() throws IOException {
        FakeWintun fake = new FakeWintun();
        try (WintunTun tun = new WindowsTunProvider(fake, 1).create("t", 1420)) {
            List<TunEvent> events = new CopyOnWriteArrayList<>();
            tun.onEvent(events::add);
            tun.setMtu(1420);
            tun.setMtu(1380);
            assertEquals(List.of(new TunEvent.MtuChanged(1380)), events);
            assertEquals(1380, tun.mtu());
        }
    }

    @Test
    void creationFailuresSayWhyAndLeaveNothingOpen() {
        FakeWintun denied = new FakeWintun();
        denied.createAdapterError = WintunNative.ERROR_ACCESS_DENIED;
        WindowsTunException e = assertThrows(WindowsTunException.class,
                () -> new WindowsTunProvider(denied, 1).create("t", 1420));
        assertEquals(WindowsTunException.Reason.PERMISSION_DENIED, e.reason());
        assertEquals(5, e.win32Error());
        assertTrue(e.getMessage().contains("administrator"), e.getMessage());

        FakeWintun noSession = new FakeWintun();
        noSession.startSessionError = 8;
        WindowsTunException s = assertThrows(WindowsTunException.class,
                () -> new WindowsTunProvider(noSession, 1).create("t", 1420));
        assertTrue(s.getMessage().contains("ERROR_NOT_ENOUGH_MEMORY (8)"), s.getMessage());
        assertTrue(noSession.adapters.values().iterator().next().closed, "the adapter created is removed again");
        assertEquals(List.of(), noSession.violations());
    }

    @Test
    void namesAndMtusAreChecked() {
        WindowsTunProvider p = new WindowsTunProvider(new FakeWintun(), 1);
        assertEquals(WindowsTunException.Reason.INVALID_NAME,
                assertThrows(WindowsTunException.class, () -> p.create("", 1420)).reason());
        assertEquals(WindowsTunException.Reason.INVALID_NAME,
                assertThrows(WindowsTunException.class, () -> p.create("a".repeat(128), 1420)).reason());
        assertEquals(WindowsTunException.Reason.INVALID_NAME,
                assertThrows(WindowsTunException.class, () -> p.create("a\nb", 1420)).reason());
        assertEquals(WindowsTunException.Reason.INVALID_MTU,
                assertThrows(WindowsTunException.class, () -> p.create("t", 67)).reason());
        assertEquals(WindowsTunException.Reason.INVALID_MTU,
                assertThrows(WindowsTunException.class, () -> p.create("t", 65536)).reason());
    }

    @Test
    void theAdapterGuidIsAStableVersion5UuidOfTheName() {
        UUID a = AdapterGuid.of("office");
        assertEquals(a, AdapterGuid.of("office"));
        assertNotEquals(a, AdapterGuid.of("Office"));
        assertEquals(5, a.version());
        assertEquals(2, a.variant());
        byte[] w = AdapterGuid.toWindowsBytes(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"));
        assertArrayEquals(new byte[] {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                (byte) 0x88, (byte) 0x99, (byte) 0xaa, (byte) 0xbb, (byte) 0xcc, (byte) 0xdd, (byte) 0xee, (byte) 0xff}, w);
        assertEquals("{00112233-4455-6677-8899-AABBCCDDEEFF}",
                AdapterGuid.toWindowsString(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff")));
    }

    @Test
    void serviceLoaderFindsTheProviderButItIsOffOffWindows() {
        WindowsTunProvider p = new WindowsTunProvider();
        assertEquals(System.getProperty("os.name").startsWith("Windows"), p.isSupported());
    }
}
