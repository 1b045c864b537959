package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The real utun on a real Mac, as root (the macOS CI job runs it with sudo; never run here):
 * create, MTU, a UDP datagram sent to the far end comes out of {@link Utun#read} with the header
 * stripped, and a packet written with {@link Utun#write} reaches a local socket.
 */
@EnabledOnOs(OS.MAC)
class UtunMacTest {
    private static final String LOCAL = "10.213.77.1";
    private static final String PEER = "10.213.77.2";

    private static void run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).inheritIO().start();
        assertEquals(0, p.waitFor(), String.join(" ", argv));
    }

    @Test
    void createReadWriteClose() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "creating a utun needs root (sudo)");
        MacOsTunProvider provider = new MacOsTunProvider();
        assertTrue(provider.isSupported());
        try (Utun tun = provider.create(null, 1380); DatagramSocket s = new DatagramSocket(0)) {
            assertTrue(tun.name().matches("utun\\d+"), tun.name());
            assertEquals(1380, tun.mtu());
            run("/sbin/ifconfig", tun.name(), "inet", LOCAL, PEER, "up");
            byte[] hello = "hello utun".getBytes(StandardCharsets.US_ASCII);
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                ByteBuffer b = ByteBuffer.allocate(2000);
                try {
                    while (true) { // skip anything else the stack sends (e.g. IPv6 router solicitations)
                        b.clear();
                        tun.read(new ByteBuffer[] {b}, 1);
                        if ((b.get(0) >> 4) == 4 && b.get(9) == 17 && b.limit() == 28 + hello.length) {
                            byte[] payload = new byte[hello.length];
                            b.get(28, payload);
                            return payload;
                        }
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofPlatform().daemon().start(r));
            s.send(new DatagramPacket(hello, hello.length, new InetSocketAddress(PEER, 9999)));
            assertArrayEquals(hello, got.get(10, TimeUnit.SECONDS));

            byte[] reply = "reply".getBytes(StandardCharsets.US_ASCII);
            byte[] packet = udp4(InetAddress.getByName(PEER).getAddress(), InetAddress.getByName(LOCAL).getAddress(),
                    9999, s.getLocalPort(), reply);
            s.setSoTimeout(10_000);
            tun.write(new ByteBuffer[] {ByteBuffer.wrap(packet)}, 1);
            DatagramPacket in = new DatagramPacket(new byte[100], 100);
            s.receive(in);
            assertEquals("reply", new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII));
            assertEquals(0, tun.writeDrops());
        }
    }

    /** An IPv4 UDP packet with a valid header checksum (UDP checksum 0: none, allowed for IPv4). */
    static byte[] udp4(byte[] src, byte[] dst, int sport, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) b.capacity()).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(src).put(dst);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += b.getShort(i) & 0xFFFF;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        b.putShort(10, (short) ~sum);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0)
                .put(payload);
        return b.array();
    }

    @Test
    void checksumOfTheHandBuiltPacketIsValid() {
        byte[] p = udp4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 1, 2, new byte[3]);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        assertEquals(0xFFFF, sum);
    }
}
