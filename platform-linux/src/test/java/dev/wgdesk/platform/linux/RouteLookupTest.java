package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.wgdesk.engine.testing.Requirements;
import dev.wgdesk.platform.linux.net.NetPlan;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RouteLookup} against the kernel's own answers, in a namespace made for the test, with
 * {@code ip route get} / {@code ip link show} (what wg-quick runs) as the oracle for every
 * destination; and the parsers on malformed and error answers.
 */
@Timeout(60)
class RouteLookupTest {

    @Test
    void answersWhatIpRouteGetAnswersInANamespace() throws Exception {
        Requirements.require(LibC.isAvailable(), "JNA could not bind libc: skipping");
        Requirements.require(Host.isRoot(), "needs root for a network namespace");
        String veth = Host.uniqueName("rl");
        try (Netns ns = Netns.create(Host.uniqueName("rln"))) {
            ns.ip("link", "add", veth, "mtu", "1400", "type", "veth", "peer", "name", veth + "p");
            ns.ip("link", "set", veth + "p", "up");
            ns.ip("link", "set", veth, "up");
            ns.ip("address", "add", "10.96.0.1/24", "dev", veth);
            ns.ip("address", "add", "fd00:96::1/64", "dev", veth, "nodad");
            ns.ip("route", "add", "10.95.0.0/16", "via", "10.96.0.2", "mtu", "1300");
            ns.ip("route", "add", "10.94.0.0/16", "via", "10.96.0.2", "mtu", "lock", "1250");
            ns.ip("-6", "route", "add", "fd00:95::/48", "via", "fd00:96::2", "mtu", "1280");
            // destination -> the MTU expected: link MTU, route metrics, loopback, no route
            List<Object[]> cases = List.of(
                    new Object[] {"10.96.0.7", 1400},
                    new Object[] {"10.95.3.4", 1300},
                    new Object[] {"10.94.3.4", 1400}, // "mtu lock 1250": wg-quick's pattern misses it
                    new Object[] {"fd00:96::7", 1400},
                    new Object[] {"fd00:95::9", 1280},
                    new Object[] {"10.96.0.1", 65536}, // a local address: the route goes over lo
                    new Object[] {"192.0.2.1", 0}, // no default route
                    new Object[] {"2001:db8::1", 0});
            for (Object[] c : cases) {
                InetAddress dest = InetAddress.getByName((String) c[0]);
                int got = ns.call(() -> RouteLookup.pathMtu(dest));
                assertEquals((int) c[1], got, "path MTU towards " + c[0]);
                assertEquals(ipRouteGet(ns, (String) c[0]), got, "as ip route get says, towards " + c[0]);
            }
        }
    }

    /** wg-quick's way: {@code ip route get DEST}, its {@code mtu N}, else the MTU of its {@code dev}. */
    private static int ipRouteGet(Netns ns, String dest) throws IOException {
        String out = Host.run(false, "ip", "-n", ns.name(), "route", "get", dest);
        if (NetPlan.mtuIn(out).isPresent()) {
            return NetPlan.mtuIn(out).getAsInt();
        }
        String dev = NetPlan.devIn(out);
        return dev == null ? 0 : NetPlan.mtuIn(ns.ip("link", "show", "dev", dev)).orElse(0);
    }

    @Test
    void anErrorAnswerIsNoRoute() {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
        b.putInt(0, 36).putShort(4, (short) Rtnetlink.NLMSG_ERROR).putInt(8, 7);
        b.putInt(16, -101); // -ENETUNREACH
        assertNull(RouteLookup.parseRoute(b, 36, 7));
        assertEquals(0, RouteLookup.parseLinkMtu(b, 36, 7));
    }

    @Test
    void anAnswerToAnotherRequestOrAMalformedOneIsIgnored() {
        ByteBuffer b = route(1500, 3);
        assertEquals(new RouteLookup.Route(1500, 3), RouteLookup.parseRoute(b, b.capacity(), 5));
        assertNull(RouteLookup.parseRoute(b, b.capacity(), 6), "another sequence number");
        ByteBuffer longer = route(1500, 3);
        longer.putInt(0, 400); // longer than what was received
        assertNull(RouteLookup.parseRoute(longer, longer.capacity(), 5));
        ByteBuffer shortHeader = route(1500, 3);
        shortHeader.putInt(0, 8);
        assertNull(RouteLookup.parseRoute(shortHeader, shortHeader.capacity(), 5));
        ByteBuffer badAttribute = route(1500, 3);
        badAttribute.putShort(28, (short) 2); // the first attribute's length below its header
        assertEquals(new RouteLookup.Route(0, 0), RouteLookup.parseRoute(badAttribute, badAttribute.capacity(), 5));
        assertNull(RouteLookup.parseRoute(ByteBuffer.allocate(0), 0, 5));
    }

    /** An RTM_NEWROUTE answer (sequence 5) with RTA_OIF and RTA_METRICS{RTAX_MTU}. */
    private static ByteBuffer route(int mtu, int oif) {
        int len = 16 + 12 + 8 + 12;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(0, len).putShort(4, (short) Rtnetlink.RTM_NEWROUTE).putInt(8, 5);
        int a = 28;
        b.putShort(a, (short) 8).putShort(a + 2, (short) Rtnetlink.RTA_OIF).putInt(a + 4, oif);
        a += 8;
        b.putShort(a, (short) 12).putShort(a + 2, (short) Rtnetlink.RTA_METRICS);
        b.putShort(a + 4, (short) 8).putShort(a + 6, (short) Rtnetlink.RTAX_MTU).putInt(a + 8, mtu);
        return b;
    }
}
