package dev.wgdesk.platform.linux;

import dev.wgdesk.engine.conn.Bind;
import dev.wgdesk.engine.conn.UdpEndpoint;
import dev.wgdesk.engine.conn.DatagramChannelBind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Loopback throughput of the binds, side by side: one thread sends 1420-byte datagrams in
 * batches of 32 as fast as it can, another receives them; prints datagrams/s sent and received.
 * Not a test; run with {@code java -cp ... dev.wgdesk.platform.linux.BindBenchmark [seconds] [v4|v6]}.
 */
public final class BindBenchmark {
    private static final int SIZE = 1420;
    private static final int BATCH = 32;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        boolean v6 = args.length > 1 && args[1].equals("v6");
        InetAddress loopback = InetAddress.getByName(v6 ? "::1" : "127.0.0.1");
        for (int round = 0; round < 2; round++) {
            run("DatagramChannelBind", DatagramChannelBind::new, loopback, seconds);
            run("LinuxBind(1) recvfrom/sendto", () -> new LinuxBind(1), loopback, seconds);
            run("LinuxBind(32) recvmmsg/sendmmsg", () -> new LinuxBind(32), loopback, seconds);
            run("LinuxBind(32) + UDP_SEGMENT", () -> new LinuxBind(32, true, false), loopback, seconds);
            run("LinuxBind(32) + UDP_SEGMENT + UDP_GRO", () -> new LinuxBind(32, true, true), loopback, seconds);
        }
    }

    @SuppressWarnings("try") // rx is closed early on purpose, to stop the receiver
    private static void run(String label, Supplier<Bind> factory, InetAddress loopback, int seconds) throws Exception {
        try (Bind rx = factory.get(); Bind tx = factory.get()) {
            int port = rx.open(0);
            tx.open(0);
            UdpEndpoint to = UdpEndpoint.of(new InetSocketAddress(loopback, port));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong received = new AtomicLong();
            AtomicLong receiverCpuAtStart = new AtomicLong(-1);
            AtomicLong receiverCpu = new AtomicLong();
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            Thread receiver = Thread.ofPlatform().start(() -> {
                int n = rx.batchSize();
                ByteBuffer[] bufs = new ByteBuffer[n];
                UdpEndpoint[] from = new UdpEndpoint[n];
                for (int i = 0; i < n; i++) {
                    bufs[i] = ByteBuffer.allocate(2048).position(16);
                }
                long count = 0;
                try {
                    while (true) {
                        count += rx.receive(bufs, from, n);
                        received.lazySet(count);
                        if (receiverCpuAtStart.get() == -2) {
                            receiverCpuAtStart.set(mx.getCurrentThreadCpuTime());
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
                receiverCpu.set(mx.getCurrentThreadCpuTime());
            });
            ByteBuffer[] out = new ByteBuffer[BATCH];
            for (int i = 0; i < BATCH; i++) {
                out[i] = ByteBuffer.allocate(2048);
            }
            long sent = 0;
            long warmEnd = System.nanoTime() + 500_000_000L;
            long start = 0;
            long sentAtStart = 0;
            long receivedAtStart = 0;
            long senderCpuAtStart = 0;
            long end = warmEnd + seconds * 1_000_000_000L;
            boolean measuring = false;
            while (true) {
                long now = System.nanoTime();
                if (!measuring && now >= warmEnd) {
                    measuring = true;
                    start = now;
                    sentAtStart = sent;
                    receivedAtStart = received.get();
                    receiverCpuAtStart.set(-2);
                    senderCpuAtStart = mx.getCurrentThreadCpuTime();
                }
                if (now >= end) {
                    break;
                }
                for (int i = 0; i < BATCH; i++) {
                    out[i].clear().position(16).limit(16 + SIZE);
                }
                tx.send(out, BATCH, to);
                sent += BATCH;
            }
            double secs = (System.nanoTime() - start) / 1e9;
            long senderCpu = mx.getCurrentThreadCpuTime() - senderCpuAtStart;
            long rcv = received.get() - receivedAtStart;
            stop.set(true);
            rx.close();
            receiver.join();
            long rxCpu = receiverCpu.get() - receiverCpuAtStart.get();
            System.out.printf("%-38s sent %,9.0f/s  received %,9.0f/s  (%4.0f MB/s, loss %4.1f%%)  cpu/pkt: send %,5d ns, receive %,5d ns%n",
                    label, (sent - sentAtStart) / secs, rcv / secs, rcv * SIZE / secs / 1e6,
                    100.0 * (1 - (double) rcv / (sent - sentAtStart)), senderCpu / (sent - sentAtStart),
                    rxCpu / Math.max(1, rcv));
        }
    }
}
