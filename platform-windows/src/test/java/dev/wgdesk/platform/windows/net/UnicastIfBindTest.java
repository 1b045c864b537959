package dev.wgdesk.platform.windows.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.UdpEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link UnicastIfBind} on a real loopback socket with a recording socket option. */
class UnicastIfBindTest {
    @Test
    void pinsOnOpenAndLiveAndDropsWithoutAnInterface() throws Exception {
        List<String> set = new ArrayList<>();
        try (UnicastIfBind bind = new UnicastIfBind((ch, v4, v6) -> set.add(v4 + "/" + v6));
             DatagramChannel peer = DatagramChannel.open()) {
            peer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            peer.configureBlocking(false);
            UdpEndpoint to = UdpEndpoint.of((InetSocketAddress) peer.getLocalAddress());

            bind.open(0);
            assertEquals(List.of(), set, "not pinned: the socket is left alone");
            bind.send(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1})}, 1, to);
            assertTrue(receive(peer), "unpinned sends go out");

            bind.setInterfaces(7, 9);
            assertEquals(List.of("7/9"), set, "applied to the open socket");
            bind.close();
            bind.open(0);
            assertEquals(List.of("7/9", "7/9"), set, "and again on reopen");
            assertFalse(bind.isBlackhole());

            bind.setInterfaces(0, 0);
            assertTrue(bind.isBlackhole());
            ByteBuffer b = ByteBuffer.wrap(new byte[] {2, 3});
            bind.send(new ByteBuffer[] {b}, 1, to);
            assertFalse(b.hasRemaining(), "consumed");
            Thread.sleep(50);
            assertFalse(receive(peer), "no default interface: dropped, never sent");
        }
    }

    private static boolean receive(DatagramChannel ch) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16);
        for (int i = 0; i < 50; i++) {
            if (ch.receive(b) != null) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }
}
