package dev.wgdesk.engine.device;

import dev.wgdesk.engine.conn.MemoryBind;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.time.VirtualClock;
import dev.wgdesk.engine.tun.MemoryTun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * The fixture of the tests that run two devices in virtual time: device {@code a} (10.0.0.1) and
 * device {@code b} (10.0.0.2) with fresh keys, each on an in-memory TUN and a bind on one
 * in-memory network, sharing one {@link VirtualClock}; both are closed after each test. Nothing
 * is configured until a test calls {@link #connect}.
 */
abstract class MemoryDevicePair {
    final VirtualClock clock = new VirtualClock();
    final MemoryBind.Network net = new MemoryBind.Network();
    final PrivateKey keyA = PrivateKey.generate();
    final PrivateKey keyB = PrivateKey.generate();
    final MemoryTun tunA = new MemoryTun("tA");
    final MemoryTun tunB = new MemoryTun("tB");
    final MemoryBind bindA = new MemoryBind(net);
    final MemoryBind bindB = new MemoryBind(net);
    final Device a = new Device(tunA, bindA, clock, 0);
    final Device b = new Device(tunB, bindB, clock, 0);

    @AfterEach
    void closeDevices() {
        a.close();
        b.close();
    }

    /**
     * Gives both devices their keys, brings them up and makes them each other's peer: {@code a}
     * routes 10.0.0.2 to {@code b} and knows it at its port ({@code bReachable}) or at port 9,
     * where nothing listens; {@code b} routes {@code bAllowsA} to {@code a} and learns its
     * endpoint from the handshake.
     */
    void connect(boolean bReachable, String bAllowsA) throws Exception {
        a.setPrivateKey(keyA);
        b.setPrivateKey(keyB);
        a.up();
        b.up();
        a.addPeer(keyB.publicKey());
        a.addPeerAllowedIp(keyB.publicKey(), InetAddress.getByName("10.0.0.2"), 32);
        int port = bReachable ? b.listenPort() : 9; // nothing listens on 9
        a.setPeerEndpoint(keyB.publicKey(), new InetSocketAddress("127.0.0.1", port));
        b.addPeer(keyA.publicKey());
        b.addPeerAllowedIp(keyA.publicKey(), InetAddress.getByName(bAllowsA), 32);
    }

    /** Waits (at most ten seconds of real time) until {@code c} holds. */
    static void await(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    /** How many datagrams {@code bind} sent of message {@code type} and, unless negative, {@code size} bytes. */
    static long count(MemoryBind bind, int type, int size) {
        return bind.sent.stream().filter(d -> d[0] == type && (size < 0 || d.length == size)).count();
    }
}
