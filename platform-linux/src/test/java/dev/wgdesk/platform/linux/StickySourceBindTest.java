package dev.wgdesk.platform.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.conn.StaleSourceException;
import dev.wgdesk.engine.conn.UdpEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LinuxBind}'s sticky sources on the host's loopback, where every address of 127.0.0.0/8
 * is local: a receive reports the address a datagram was sent to, a send leaves from the
 * endpoint's source (not the address the kernel would pick), and a source that is not ours is
 * refused with {@link StaleSourceException}, in every send path (sendto/sendmsg, sendmmsg,
 * segmented).
 */
@Timeout(30)
class StickySourceBindTest {
    private static final int HEAD_ROOM = 16;

    private static ByteBuffer[] buffers(int n, int size) {
        ByteBuffer[] b = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            b[i] = ByteBuffer.allocate(2048);
            b[i].put(HEAD_ROOM, (byte) i);
            b[i].position(HEAD_ROOM).limit(HEAD_ROOM + size);
        }
        return b;
    }

    private static int loopbackIndex() throws Exception {
        return java.net.NetworkInterface.getByName("lo").getIndex();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "8", "8+offload"})
    void repliesLeaveFromTheAddressThePeerDialled(String mode) throws Exception {
        int batch = Integer.parseInt(mode.replace("+offload", ""));
        boolean offload = mode.endsWith("+offload");
        InetAddress dialled = InetAddress.getByName("127.0.0.7"); // not what the kernel would pick for 127.0.0.1
        try (LinuxBind server = new LinuxBind(batch, offload); LinuxBind client = new LinuxBind(batch, offload)) {
            int serverPort = server.open(0);
            int clientPort = client.open(0);
            assertTrue(server.supportsStickySource());
            client.send(buffers(1, 100), 1, UdpEndpoint.of(new InetSocketAddress("127.0.0.1", serverPort)));
            UdpEndpoint[] from = new UdpEndpoint[batch];
            ByteBuffer[] in = buffers(batch, 0);
            for (ByteBuffer b : in) {
                b.clear().position(HEAD_ROOM);
            }
            assertEquals(1, server.receive(in, from, batch));
            assertEquals(InetAddress.getByName("127.0.0.1"), from[0].source(), "sent to 127.0.0.1");

            // Now the client dials the other address.
            client.send(buffers(1, 100), 1, UdpEndpoint.of(new InetSocketAddress(dialled, serverPort)));
            in[0].clear().position(HEAD_ROOM);
            assertEquals(1, server.receive(in, from, batch));
            UdpEndpoint peer = from[0];
            assertEquals(new InetSocketAddress("127.0.0.1", clientPort), peer.remote());
            assertEquals(dialled, peer.source(), "the receive reports the local address dialled");
            assertEquals(loopbackIndex(), peer.sourceInterface());

            // A batch of equal-sized replies (segmented with offload) to that endpoint.
            int n = Math.max(batch, 1) * 2;
            server.send(buffers(n, 1000), n, peer);
            int got = 0;
            UdpEndpoint[] back = new UdpEndpoint[batch];
            while (got < n) {
                for (ByteBuffer b : in) {
                    b.clear().position(HEAD_ROOM);
                }
                int k = client.receive(in, back, batch);
                for (int i = 0; i < k; i++) {
                    assertEquals(new InetSocketAddress(dialled, serverPort), back[i].remote(),
                            "reply " + (got + i) + " left from the dialled address");
                }
                got += k;
            }
            // The same pair of addresses comes back as the same instance (allocation-free roaming check).
            client.send(buffers(1, 100), 1, UdpEndpoint.of(new InetSocketAddress(dialled, serverPort)));
            in[0].clear().position(HEAD_ROOM);
            assertEquals(1, server.receive(in, from, batch));
            assertSame(peer, from[0]);
        }
    }

    @Test
    void ipv6ReceiveReportsTheLocalAddress() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (LinuxBind server = new LinuxBind(); DatagramChannel client = DatagramChannel.open()) {
            int port = server.open(0);
            client.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), new InetSocketAddress(v6, port));
            UdpEndpoint[] from = new UdpEndpoint[1];
            ByteBuffer[] in = buffers(1, 0);
            in[0].clear().position(HEAD_ROOM);
            assertEquals(1, server.receive(in, from, 1));
            assertEquals(v6, from[0].source());
            server.send(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {4})}, 1, from[0]);
            ByteBuffer got = ByteBuffer.allocate(16);
            client.receive(got);
            assertEquals(1, got.position(), "the reply with an IPV6_PKTINFO source arrived");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "8", "8+offload"})
    void aSourceThatIsNotOursIsRefusedAsStale(String mode) throws Exception {
        int batch = Integer.parseInt(mode.replace("+offload", ""));
        boolean offload = mode.endsWith("+offload");
        try (LinuxBind bind = new LinuxBind(batch, offload); LinuxBind peer = new LinuxBind()) {
            bind.open(0);
            int port = peer.open(0);
            for (String[] pair : new String[][] {{"127.0.0.1", "192.0.2.1"}, {"::1", "2001:db8::1"}}) {
                UdpEndpoint stale = UdpEndpoint.of(new InetSocketAddress(InetAddress.getByName(pair[0]), port),
                        InetAddress.getByName(pair[1]), 0);
                int n = Math.max(2, batch);
                ByteBuffer[] out = buffers(n, 500);
                StaleSourceException e = assertThrows(StaleSourceException.class, () -> bind.send(out, n, stale));
                assertSame(stale, e.endpoint());
                assertTrue(out[0].hasRemaining(), "nothing went out");
                // Without the source it goes.
                bind.send(out, n, stale.withoutSource());
                for (ByteBuffer b : out) {
                    assertTrue(!b.hasRemaining());
                }
                int got = 0;
                UdpEndpoint[] from = new UdpEndpoint[1];
                ByteBuffer[] in = buffers(1, 0);
                while (got < n) {
                    in[0].clear().position(HEAD_ROOM);
                    got += peer.receive(in, from, 1);
                }
            }
            if (offload) {
                assertTrue(bind.segmentationActive(), "a refused source must not switch segmentation off");
            }
        }
    }
}
