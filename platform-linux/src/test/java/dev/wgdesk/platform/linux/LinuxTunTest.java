package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.tun.TunEvent;
import dev.wgdesk.engine.tun.TunProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TUN's life cycle in the host namespace (no addresses, no traffic): creation, MTU, link
 * state, events, removal, close, and the creation errors. Skipped unless root.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LinuxTunTest {
    private final LinuxTunProvider provider = new LinuxTunProvider();
    private final String name = Host.uniqueName("tun");
    private final String other = Host.uniqueName("oth");

    @BeforeEach
    void requireRoot() {
        Host.assumeTunAvailable();
        Host.deleteLink(name); // leftovers of a killed run
        Host.deleteLink(other);
    }

    @AfterEach
    void cleanUp() {
        Host.deleteLink(name);
        Host.deleteLink(other);
    }

    @Test
    void createsNamedInterfaceWithMtuAndLinkUp() throws Exception {
        try (LinuxTun tun = provider.create(name, 1380)) {
            assertEquals(name, tun.name());
            assertTrue(Host.linkExists(name), "/sys/class/net/" + name + " missing");
            assertEquals("1380", Host.sys(name, "mtu"));
            assertEquals(1380, tun.mtu());
            int flags = Integer.decode(Host.sys(name, "flags"));
            assertEquals(InterfaceControl.IFF_UP, flags & InterfaceControl.IFF_UP, "link not up");
            assertEquals(Integer.parseInt(Host.sys(name, "ifindex")), tun.index());
            // IFF_TUN | IFF_NO_PI, plus IFF_VNET_HDR (0x4000) when offload is on by default
            assertEquals(LinuxTunProvider.DEFAULT_OFFLOAD ? "0x5001" : "0x1001", Host.sys(name, "tun_flags"));
        }
        assertTrue(Host.await(2000, () -> !Host.linkExists(name)), "interface left behind after close");
    }

    @Test
    void kernelChoosesNameWhenNull() throws Exception {
        try (LinuxTun tun = provider.create(null, 1420)) {
            assertTrue(tun.name().matches("tun\\d+"), tun.name());
            assertTrue(Host.linkExists(tun.name()));
            assertEquals("1420", Host.sys(tun.name(), "mtu"));
        }
    }

    @Test
    void kernelNumbersATemplateName() throws Exception {
        try (LinuxTun tun = provider.create("wgdt" + ProcessHandle.current().pid() % 1000 + "x%d", 1420)) {
            assertTrue(tun.name().matches("wgdt\\d+x\\d+"), tun.name());
            assertTrue(Host.linkExists(tun.name()));
        }
    }

    @Test
    void isFoundThroughServiceLoader() {
        assertInstanceOf(LinuxTunProvider.class, TunProvider.load());
    }

    @Test
    void mtuChangeAndLinkStateAreReported() throws Exception {
        try (LinuxTun tun = provider.create(name, 1420)) {
            BlockingQueue<TunEvent> events = new LinkedBlockingQueue<>();
            tun.onEvent(events::add);
            Host.run("ip", "link", "set", name, "mtu", "1300");
            assertEquals(new TunEvent.MtuChanged(1300), next(events));
            assertEquals(1300, tun.mtu());
            Host.run("ip", "link", "set", name, "down");
            assertEquals(new TunEvent.Down(), next(events));
            ByteBuffer packet = ByteBuffer.wrap(new Ipv4Udp((java.net.Inet4Address) java.net.InetAddress.getByName("10.213.0.2"),
                    (java.net.Inet4Address) java.net.InetAddress.getByName("10.213.0.1"), 1, 2, new byte[8]).toBytes());
            tun.write(new ByteBuffer[] {packet}, 1); // the kernel refuses (EIO) while down: dropped, not fatal
            assertEquals(packet.limit(), packet.position());
            Host.run("ip", "link", "set", name, "up");
            assertEquals(new TunEvent.Up(), next(events));
            Host.run("ip", "link", "set", name, "mtu", "1300"); // no change, no event
            Host.run("ip", "link", "set", name, "mtu", "1280");
            assertEquals(new TunEvent.MtuChanged(1280), next(events));
        }
    }

    @Test
    void removalIsReportedAndFailsPendingRead() throws Exception {
        try (LinuxTun tun = provider.create(name, 1420)) {
            BlockingQueue<TunEvent> events = new LinkedBlockingQueue<>();
            tun.onEvent(events::add);
            CompletableFuture<Void> reader = readUntilFailure(tun);
            Host.awaitBlockedInKernel(readerName); // pending when the link goes
            Host.run("ip", "link", "del", name);
            TunEvent e;
            do {
                e = next(events);
            } while (e instanceof TunEvent.Down);
            assertEquals(new TunEvent.Removed(), e);
            IOException failure = failureOf(reader);
            assertTrue(failure.getMessage().contains("was removed"), failure.getMessage());
            IOException mtu = assertThrows(IOException.class, tun::mtu);
            assertTrue(mtu.getMessage().contains("was removed"), mtu.getMessage());
            ByteBuffer packet = ByteBuffer.wrap(new Ipv4Udp((java.net.Inet4Address) java.net.InetAddress.getByName("10.213.0.2"),
                    (java.net.Inet4Address) java.net.InetAddress.getByName("10.213.0.1"), 1, 2, new byte[8]).toBytes());
            IOException write = assertThrows(IOException.class, () -> tun.write(new ByteBuffer[] {packet}, 1));
            assertTrue(write.getMessage().contains("was removed"), write.getMessage());
        }
    }

    @Test
    void listenerMayCloseTheDeviceWhenItIsRemoved() throws Exception {
        LinuxTun tun = provider.create(name, 1420);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        tun.onEvent(e -> {
            if (e instanceof TunEvent.Removed) {
                tun.close(); // on the event thread: must neither deadlock nor throw
                closed.complete(null);
            }
        });
        CompletableFuture<Void> reader = readUntilFailure(tun);
        Host.run("ip", "link", "del", name);
        closed.get(5, TimeUnit.SECONDS);
        failureOf(reader);
        assertThrows(ClosedChannelException.class, tun::mtu);
    }

    @Test
    void closeUnblocksPendingReadAndDeletesInterface() throws Exception {
        LinuxTun tun = provider.create(name, 1420);
        BlockingQueue<TunEvent> events = new LinkedBlockingQueue<>();
        tun.onEvent(events::add);
        CompletableFuture<Void> reader = readUntilFailure(tun);
        Host.awaitBlockedInKernel(readerName);
        assertFalse(reader.isDone(), "read returned without a packet");
        tun.close();
        assertInstanceOf(ClosedChannelException.class, failureOf(reader));
        assertTrue(Host.await(2000, () -> !Host.linkExists(name)), "interface left behind after close");
        tun.close(); // idempotent
        assertThrows(ClosedChannelException.class, () -> tun.read(new ByteBuffer[] {ByteBuffer.allocate(64)}, 1));
        // close() stops the link monitor first and joins its thread: no event can arrive later, so
        // this looks at everything the tun will ever report (no settling sleep).
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("wgdesk-link-" + name) && t.isAlive()),
                "link monitor still running after close");
        assertTrue(events.stream().noneMatch(ev -> ev instanceof TunEvent.Removed), "own close reported as removal: " + events);
    }

    @Test
    void attachesToUnheldPersistentTun() throws Exception {
        Host.run("ip", "tuntap", "add", "mode", "tun", "name", name);
        try (LinuxTun tun = provider.create(name, 1400)) {
            assertEquals(name, tun.name());
            assertEquals("1400", Host.sys(name, "mtu"));
        }
    }

    @Test
    void nameHeldByAnotherTunIsInUse() throws Exception {
        try (LinuxTun first = provider.create(name, 1420)) {
            TunException e = assertThrows(TunException.class, () -> provider.create(name, 1420));
            assertEquals(TunException.Reason.NAME_IN_USE, e.reason());
            assertEquals("interface name in use: " + name
                    + " (a TUN device of that name is held by another process)", e.getMessage());
            assertEquals(1420, first.mtu()); // the first one is unharmed
        }
    }

    @Test
    void nameOfNonTunDeviceIsInUse() throws Exception {
        Host.run("ip", "link", "add", other, "type", "bridge");
        TunException e = assertThrows(TunException.class, () -> provider.create(other, 1420));
        assertEquals(TunException.Reason.NAME_IN_USE, e.reason());
        assertTrue(e.getMessage().startsWith("interface name in use: " + other), e.getMessage());
        assertTrue(Host.linkExists(other), "the bridge must not be touched");
        assertTrue(Host.run("ip", "-d", "-o", "link", "show", other).contains("bridge"), "no longer a bridge");
    }

    @Test
    void tapDeviceOfThatNameIsInUse() throws Exception {
        Host.run("ip", "tuntap", "add", "mode", "tap", "name", other);
        TunException e = assertThrows(TunException.class, () -> provider.create(other, 1420));
        assertEquals(TunException.Reason.NAME_IN_USE, e.reason());
    }

    private static TunEvent next(BlockingQueue<TunEvent> events) throws InterruptedException {
        TunEvent e = events.poll(5, TimeUnit.SECONDS);
        assertNotNull(e, "no event within 5 s");
        return e;
    }

    /** Reads (discarding kernel chatter such as IPv6 router solicitations) until read fails. */
    private static final java.util.concurrent.atomic.AtomicInteger READERS = new java.util.concurrent.atomic.AtomicInteger();
    /** The name of the last {@link #readUntilFailure} thread, for {@link Host#awaitBlockedInKernel}. */
    private static volatile String readerName;

    private static CompletableFuture<Void> readUntilFailure(LinuxTun tun) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        readerName = "tun-reader-" + READERS.incrementAndGet();
        Thread.ofPlatform().daemon().name(readerName).start(() -> {
            ByteBuffer[] bufs = {ByteBuffer.allocate(2048).position(16)};
            try {
                for (int i = 0; i < 10_000; i++) {
                    tun.read(bufs, 1);
                }
                f.complete(null);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static IOException failureOf(CompletableFuture<Void> reader) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(3, TimeUnit.SECONDS),
                "read did not fail within 3 s");
        return assertInstanceOf(IOException.class, e.getCause());
    }
}
