package dev.wgdesk.platform.linux;

import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV4_IFADDR;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV4_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV6_IFADDR;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_IPV6_ROUTE;
import static dev.wgdesk.platform.linux.Rtnetlink.RTMGRP_LINK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.testing.Requirements;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link NetlinkHub}: which groups a batch of messages belongs to, and, in network namespaces
 * of their own (root), that one socket and thread serve every subscription of a namespace, each
 * seeing only its groups, that closing one (also from a listener) leaves the others working, that
 * the last one closes the socket and ends the thread, and that deliveries wait for
 * {@code start()} and {@code close()} waits for a delivery under way.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetlinkHubTest {
    /** A message of {@code type} whose body starts with {@code family}, {@code bodyLen} bytes of body. */
    private static byte[] message(int type, int family, int bodyLen) {
        ByteBuffer b = ByteBuffer.allocate(Rtnetlink.NLMSG_HDRLEN + bodyLen).order(ByteOrder.nativeOrder());
        b.putInt(0, b.capacity()).putShort(4, (short) type);
        if (bodyLen > 0) {
            b.put(Rtnetlink.NLMSG_HDRLEN, (byte) family);
        }
        return b.array();
    }

    private static int groups(byte[]... messages) {
        int len = 0;
        for (byte[] m : messages) {
            len += (m.length + 3) & ~3;
        }
        ByteBuffer all = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        for (byte[] m : messages) {
            all.put(m);
            all.position((all.position() + 3) & ~3);
        }
        return NetlinkHub.groupsOf(all, len);
    }

    @Test
    void groupsOfNamesTheGroupOfEachMessage() {
        int v4 = SockAddr.AF_INET;
        int v6 = SockAddr.AF_INET6;
        assertEquals(RTMGRP_LINK, groups(message(Rtnetlink.RTM_NEWLINK, 0, Rtnetlink.IFINFOMSG_SIZE)));
        assertEquals(RTMGRP_LINK, groups(message(Rtnetlink.RTM_DELLINK, 0, Rtnetlink.IFINFOMSG_SIZE)));
        assertEquals(RTMGRP_IPV4_IFADDR, groups(message(Rtnetlink.RTM_NEWADDR, v4, Rtnetlink.IFADDRMSG_SIZE)));
        assertEquals(RTMGRP_IPV6_IFADDR, groups(message(Rtnetlink.RTM_DELADDR, v6, Rtnetlink.IFADDRMSG_SIZE)));
        assertEquals(RTMGRP_IPV4_ROUTE, groups(message(Rtnetlink.RTM_DELROUTE, v4, Rtnetlink.RTMSG_SIZE)));
        assertEquals(RTMGRP_IPV6_ROUTE, groups(message(Rtnetlink.RTM_NEWROUTE, v6, Rtnetlink.RTMSG_SIZE)));
        assertEquals(RTMGRP_LINK | RTMGRP_IPV4_ROUTE, groups(
                message(Rtnetlink.RTM_NEWLINK, 0, Rtnetlink.IFINFOMSG_SIZE + 5),
                message(Rtnetlink.RTM_NEWROUTE, v4, Rtnetlink.RTMSG_SIZE)));
        // other types, other families, bodies too short for their struct: nothing
        assertEquals(0, groups(message(Rtnetlink.RTM_GETROUTE, v4, Rtnetlink.RTMSG_SIZE)));
        assertEquals(0, groups(message(Rtnetlink.RTM_NEWROUTE, 7, Rtnetlink.RTMSG_SIZE)));
        assertEquals(0, groups(message(Rtnetlink.RTM_NEWROUTE, v4, Rtnetlink.RTMSG_SIZE - 1)));
        assertEquals(0, groups(message(Rtnetlink.RTM_NEWADDR, v4, 0)));
        // a malformed length ends the scan: the route message after it does not count
        byte[] bad = message(Rtnetlink.RTM_NEWLINK, 0, Rtnetlink.IFINFOMSG_SIZE);
        ByteBuffer.wrap(bad).order(ByteOrder.nativeOrder()).putInt(0, 8);
        assertEquals(0, groups(bad, message(Rtnetlink.RTM_NEWROUTE, v4, Rtnetlink.RTMSG_SIZE)));
        assertEquals(0, NetlinkHub.groupsOf(ByteBuffer.allocate(0), 0));
    }

    /** Records the groups of each batch delivered to it; can run an action on each. */
    private static final class Recorder implements NetlinkHub.Listener {
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        volatile Consumer<Recorder> onBatch = r -> { };

        @Override
        public void messages(ByteBuffer b, int length) {
            batches.add(length == NetlinkSocket.LOST ? NetlinkHub.ALL_GROUPS : NetlinkHub.groupsOf(b, length));
            onBatch.accept(this);
        }

        @Override
        public void stopped(IOException cause) {
            throw new AssertionError("hub stopped: " + cause);
        }

        int count() {
            return batches.size();
        }

        boolean saw(int group) {
            return batches.stream().anyMatch(g -> (g & group) != 0);
        }

        /** Every batch it got had one of {@code groups}. */
        void assertOnly(int groups, String what) {
            for (int g : batches) {
                assertTrue((g & groups) != 0, what + " got a batch of groups " + Integer.toHexString(g));
            }
        }
    }

    private static void requireRoot() {
        Requirements.require(LibC.isAvailable(), "JNA could not bind libc: skipping");
        Requirements.require(Host.isRoot(), "needs root for a network namespace");
    }

    @Test
    void oneSocketAndThreadServeEveryConsumerOfANamespaceAndTheLastCloseEndsThem() throws Exception {
        requireRoot();
        String dummy = Host.uniqueName("nhd");
        try (Netns ns = Netns.create(Host.uniqueName("nhn"))) {
            int hubsBefore = NetlinkHub.openHubs();
            Recorder links = new Recorder();
            Recorder routes = new Recorder();
            Recorder addresses = new Recorder();
            Recorder once = new Recorder();
            NetlinkHub.Subscription l = ns.call(() -> NetlinkHub.subscribe(RTMGRP_LINK, links));
            NetlinkHub.Subscription r = ns.call(() -> NetlinkHub.subscribe(RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE, routes));
            NetlinkHub.Subscription a = ns.call(() -> NetlinkHub.subscribe(RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, addresses));
            NetlinkHub.Subscription o = ns.call(() -> NetlinkHub.subscribe(RTMGRP_LINK, once));
            once.onBatch = rec -> o.close(); // closing itself from the hub's thread
            for (NetlinkHub.Subscription s : List.of(l, r, a, o)) {
                s.start();
            }
            NetlinkHub hub = l.hub();
            assertSame(hub, r.hub());
            assertSame(hub, a.hub());
            assertSame(hub, o.hub());
            assertEquals(hubsBefore + 1, NetlinkHub.openHubs());
            assertEquals(4, hub.subscriptionCount());
            assertTrue(hub.thread().isAlive());

            ns.ip("link", "add", dummy, "type", "veth", "peer", "name", dummy + "p");
            await(() -> links.saw(RTMGRP_LINK), "the new link");
            await(() -> once.count() == 1, "the self-closing listener's one batch");
            ns.ip("address", "add", "10.77.0.1/24", "dev", dummy);
            await(() -> addresses.saw(RTMGRP_IPV4_IFADDR), "the new address");
            ns.ip("link", "set", dummy, "up");
            await(() -> routes.saw(RTMGRP_IPV4_ROUTE), "the subnet route of the address, once up");
            assertEquals(3, hub.subscriptionCount(), "the self-closing listener is gone");

            r.close();
            int routesSeen = routes.count();
            int linksSeen = links.count();
            ns.ip("link", "set", dummy, "mtu", "1400");
            await(() -> links.count() > linksSeen, "an MTU change after another subscription closed");
            ns.ip("route", "add", "10.78.0.0/16", "dev", dummy);
            ns.ip("address", "add", "10.77.1.1/24", "dev", dummy);
            await(() -> addresses.batches.size() >= 2 && addresses.batches.stream().filter(g -> g == RTMGRP_IPV4_IFADDR).count() >= 2,
                    "a second address");
            Thread.sleep(200);
            assertEquals(routesSeen, routes.count(), "nothing reaches a closed subscription");
            assertEquals(1, once.count(), "nothing reaches a subscription closed by its listener");

            links.assertOnly(RTMGRP_LINK, "the link listener");
            routes.assertOnly(RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE, "the route listener");
            addresses.assertOnly(RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, "the address listener");
            once.assertOnly(RTMGRP_LINK, "the self-closing listener");

            l.close();
            assertTrue(hub.thread().isAlive(), "one subscription is left");
            a.close();
            a.close(); // idempotent
            assertFalse(hub.thread().isAlive(), "the last close ends the thread");
            assertEquals(hubsBefore, NetlinkHub.openHubs());

            // a later subscription opens a new hub, which works
            Recorder again = new Recorder();
            try (NetlinkHub.Subscription s = ns.call(() -> NetlinkHub.subscribe(RTMGRP_LINK, again))) {
                s.start();
                assertNotSame(hub, s.hub());
                ns.ip("link", "set", dummy, "down");
                await(() -> again.saw(RTMGRP_LINK), "a link change on the new hub");
            }
        }
    }

    @Test
    void eachNamespaceHasItsOwnHub() throws Exception {
        requireRoot();
        String dummy = Host.uniqueName("nhx");
        try (Netns one = Netns.create(Host.uniqueName("nh1"));
                Netns two = Netns.create(Host.uniqueName("nh2"))) {
            Recorder first = new Recorder();
            Recorder second = new Recorder();
            try (NetlinkHub.Subscription s1 = one.call(() -> NetlinkHub.subscribe(RTMGRP_LINK, first));
                    NetlinkHub.Subscription s2 = two.call(() -> NetlinkHub.subscribe(RTMGRP_LINK, second))) {
                s1.start();
                s2.start();
                assertNotSame(s1.hub(), s2.hub());
                two.ip("link", "add", dummy, "type", "veth", "peer", "name", dummy + "p");
                await(() -> second.saw(RTMGRP_LINK), "the link made in the second namespace");
                Thread.sleep(200);
                assertEquals(0, first.count(), "the first namespace saw nothing");
            }
        }
    }

    @Test
    void deliveriesWaitForStartAndCloseWaitsForADeliveryUnderWay() throws Exception {
        requireRoot();
        String dummy = Host.uniqueName("nhw");
        try (Netns ns = Netns.create(Host.uniqueName("nhs"))) {
            Recorder early = new Recorder();
            Recorder late = new Recorder();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean returned = new AtomicBoolean();
            late.onBatch = rec -> {
                inside.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                returned.set(true);
            };
            NetlinkHub.Subscription e = ns.call(() -> NetlinkHub.subscribe(RTMGRP_LINK, early));
            NetlinkHub.Subscription l = ns.call(() -> NetlinkHub.subscribe(RTMGRP_LINK, late));
            l.start();
            ns.ip("link", "add", dummy, "type", "veth", "peer", "name", dummy + "p");
            Thread.sleep(300);
            assertEquals(0, early.count(), "nothing before start()");
            assertEquals(0, late.count(), "held back behind the subscription not yet started");
            e.start();
            await(() -> early.saw(RTMGRP_LINK), "the batch held back until start()");
            assertTrue(inside.await(5, TimeUnit.SECONDS), "the second listener is running");
            Thread releaser = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException x) {
                    return;
                }
                release.countDown();
            });
            l.close(); // from another thread than the hub's: waits for the listener to return
            assertTrue(returned.get(), "close returned while its listener was still running");
            releaser.join();
            e.close();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "timed out waiting for " + what);
    }
}
