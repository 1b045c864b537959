package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.testing.Requirements;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DefaultRouteMonitor}: which rtnetlink messages count as a change of default route, and,
 * in a network namespace of its own (root), that adding, replacing and removing the default route
 * of the main table is reported while a route of another table or a host route is not.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DefaultRouteMonitorTest {
    /** One route message: header, rtmsg, optionally an RTA_TABLE attribute. */
    private static ByteBuffer route(int type, int dstLen, int table, int routeType, Integer rtaTable) {
        int len = Rtnetlink.NLMSG_HDRLEN + Rtnetlink.RTMSG_SIZE + (rtaTable == null ? 0 : 8);
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(0, len).putShort(4, (short) type);
        int r = Rtnetlink.NLMSG_HDRLEN;
        b.put(r, (byte) 2).put(r + 1, (byte) dstLen).put(r + 4, (byte) table).put(r + 7, (byte) routeType);
        if (rtaTable != null) {
            int a = r + Rtnetlink.RTMSG_SIZE;
            b.putShort(a, (short) 8).putShort(a + 2, (short) Rtnetlink.RTA_TABLE).putInt(a + 4, rtaTable);
        }
        return b;
    }

    private static boolean changes(ByteBuffer... messages) {
        int len = 0;
        for (ByteBuffer m : messages) {
            len += m.capacity();
        }
        ByteBuffer all = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        for (ByteBuffer m : messages) {
            all.put(m.duplicate().clear());
        }
        return DefaultRouteMonitor.changesDefaultRoute(all, len);
    }

    @Test
    void aDefaultRouteOfTheMainTableAddedOrRemovedIsAChange() {
        assertTrue(changes(route(24, 0, 254, 1, null)));
        assertTrue(changes(route(25, 0, 254, 1, 254)));
        assertTrue(changes(route(24, 24, 254, 1, null), route(24, 0, 254, 1, null)), "the second of two messages");
    }

    @Test
    void otherRoutesAreNot() {
        assertFalse(changes(route(24, 24, 254, 1, null)), "a subnet route");
        assertFalse(changes(route(24, 0, 252, 1, 51820)), "a full tunnel's default route in table 51820");
        assertFalse(changes(route(24, 0, 255, 2, null)), "a local route");
        assertFalse(changes(route(16, 0, 254, 1, null)), "a link message");
    }

    @Test
    void theMainTableMonitorSeesEveryRouteOfTheMainTableButNoOther() {
        ByteBuffer subnet = route(24, 24, 254, 1, null);
        ByteBuffer gone = route(25, 64, 254, 1, 254);
        ByteBuffer tunnel = route(24, 0, 252, 1, 51820);
        ByteBuffer local = route(24, 32, 255, 2, null);
        assertTrue(DefaultRouteMonitor.changesMainTable(subnet, subnet.capacity(), false), "a new connected subnet");
        assertTrue(DefaultRouteMonitor.changesMainTable(gone, gone.capacity(), false), "a removed one");
        assertFalse(DefaultRouteMonitor.changesMainTable(tunnel, tunnel.capacity(), false), "table 51820");
        assertFalse(DefaultRouteMonitor.changesMainTable(local, local.capacity(), false), "the local table");
        assertFalse(DefaultRouteMonitor.changesMainTable(subnet, subnet.capacity(), true), "not a default route");
    }

    @Test
    void malformedMessagesEndTheScan() {
        ByteBuffer b = route(24, 0, 254, 1, null);
        b.putInt(0, 200); // longer than what was received
        assertFalse(changes(b));
        ByteBuffer c = route(24, 0, 254, 1, null);
        c.putInt(0, 3);
        assertFalse(changes(c));
        assertFalse(DefaultRouteMonitor.changesDefaultRoute(ByteBuffer.allocate(0), 0));
    }

    @Test
    void reportsChangesOfTheDefaultRouteInItsNamespace() throws Exception {
        Host.assumeTunAvailable();
        Requirements.require(Host.isRoot(), "needs root for a network namespace");
        String veth = Host.uniqueName("drm");
        try (Netns ns = Netns.create(Host.uniqueName("drn"))) {
            AtomicInteger changes = new AtomicInteger();
            ns.ip("link", "add", veth, "type", "veth", "peer", "name", veth + "p");
            ns.ip("link", "set", veth + "p", "up");
            ns.ip("link", "set", veth, "up");
            ns.ip("address", "add", "10.98.0.1/24", "dev", veth);
            try (DefaultRouteMonitor m = ns.call(() -> DefaultRouteMonitor.start(changes::incrementAndGet))) {
                ns.ip("route", "add", "10.97.0.0/16", "via", "10.98.0.2");
                ns.ip("route", "add", "default", "via", "10.98.0.2", "table", "51820");
                settle();
                assertEquals(0, changes.get(), "a subnet route and another table's default route");
                ns.ip("route", "add", "default", "via", "10.98.0.2");
                await(changes, 1);
                ns.ip("route", "replace", "default", "via", "10.98.0.3");
                await(changes, 2);
                ns.ip("route", "del", "default");
                await(changes, 3);
                ns.ip("-6", "route", "add", "default", "dev", veth);
                await(changes, 4);
            }
        }
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(300);
    }

    private static void await(AtomicInteger count, int want) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (count.get() < want && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(count.get() >= want, "expected " + want + " changes, saw " + count.get());
    }
}
