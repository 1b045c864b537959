package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.tun.TunEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Parsing of rtnetlink link messages, on hand-built messages (no privileges needed). */
class LinkEventsTest {
    private static final int INDEX = 7;

    private final List<TunEvent> events = new ArrayList<>();
    private LinkEvents parser;

    @BeforeEach
    void setUp() {
        parser = new LinkEvents("wg0", INDEX, events::add);
        parser.baseline(1420, true);
    }

    @Test
    void mtuChangeOfOurInterfaceIsReported() {
        parse(link(Rtnetlink.RTM_NEWLINK, INDEX, InterfaceControl.IFF_UP, 1280));
        assertEquals(List.of(new TunEvent.MtuChanged(1280)), events);
    }

    @Test
    void unchangedStateReportsNothing() {
        parse(link(Rtnetlink.RTM_NEWLINK, INDEX, InterfaceControl.IFF_UP, 1420));
        assertEquals(List.of(), events);
    }

    @Test
    void otherInterfacesAreIgnored() {
        parse(link(Rtnetlink.RTM_NEWLINK, INDEX + 1, 0, 9000), link(Rtnetlink.RTM_DELLINK, INDEX + 1, 0, 9000));
        assertEquals(List.of(), events);
        assertFalse(parser.removed());
    }

    @Test
    void downThenUpAreReported() {
        parse(link(Rtnetlink.RTM_NEWLINK, INDEX, 0, 1420), link(Rtnetlink.RTM_NEWLINK, INDEX, InterfaceControl.IFF_UP, 1420));
        assertEquals(List.of(new TunEvent.Down(), new TunEvent.Up()), events);
    }

    @Test
    void deletionIsReportedOnceAndEndsReporting() {
        parse(link(Rtnetlink.RTM_NEWLINK, INDEX, 0, 1420), link(Rtnetlink.RTM_DELLINK, INDEX, 0, 1420),
                link(Rtnetlink.RTM_NEWLINK, INDEX, 0, 1300));
        parser.removedSeen();
        assertEquals(List.of(new TunEvent.Down(), new TunEvent.Removed()), events);
        assertTrue(parser.removed());
    }

    @Test
    void truncatedAndMalformedMessagesAreIgnored() {
        byte[] good = link(Rtnetlink.RTM_NEWLINK, INDEX, InterfaceControl.IFF_UP, 1300);
        parse(java.util.Arrays.copyOf(good, good.length - 1)); // header claims more than is there
        byte[] badAttribute = good.clone();
        ByteBuffer.wrap(badAttribute).order(ByteOrder.nativeOrder()).putShort(32, (short) 200); // rta_len past the end
        parse(badAttribute);
        byte[] tiny = good.clone();
        ByteBuffer.wrap(tiny).order(ByteOrder.nativeOrder()).putInt(0, 8); // nlmsg_len below the header size
        parse(tiny);
        assertEquals(List.of(), events);
    }

    @Test
    void listenerExceptionDoesNotStopReporting() {
        LinkEvents p = new LinkEvents("wg0", INDEX, e -> {
            events.add(e);
            throw new IllegalStateException("listener bug");
        });
        p.baseline(1420, true);
        ByteBuffer b = buffer(link(Rtnetlink.RTM_NEWLINK, INDEX, 0, 1300));
        p.parse(b, b.limit());
        assertEquals(List.of(new TunEvent.MtuChanged(1300), new TunEvent.Down()), events);
    }

    private void parse(byte[]... messages) {
        ByteBuffer b = buffer(messages);
        parser.parse(b, b.limit());
    }

    private static ByteBuffer buffer(byte[]... messages) {
        int total = 0;
        for (byte[] m : messages) {
            total += m.length;
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        for (byte[] m : messages) {
            b.put(m);
        }
        return b.flip();
    }

    /** nlmsghdr + ifinfomsg + IFLA_IFNAME("wg0") + IFLA_MTU, as the kernel lays them out. */
    private static byte[] link(int type, int index, int flags, int mtu) {
        int length = Rtnetlink.NLMSG_HDRLEN + Rtnetlink.IFINFOMSG_SIZE + 8 + 8;
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putInt(length).putShort((short) type).putShort((short) 0).putInt(0).putInt(0);
        b.put((byte) 0).put((byte) 0).putShort((short) 0xfffe).putInt(index).putInt(flags).putInt(0xffffffff);
        b.putShort((short) 8).putShort((short) 3).put(new byte[] {'w', 'g', '0', 0}); // IFLA_IFNAME
        b.putShort((short) 8).putShort((short) Rtnetlink.IFLA_MTU).putInt(mtu);
        return b.array();
    }
}
