package dev.wgdesk.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgdesk.engine.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With several crypto workers sealing and opening in parallel, every packet still arrives, in
 * the order it was sent, and the replay window rejects none of them.
 */
@Timeout(120)
class PipelineOrderTest {
    @Test
    void parallelWorkersKeepPerPeerOrder() throws Exception {
        SteadyStateAllocationTest.RingBind bindA = new SteadyStateAllocationTest.RingBind(2001);
        SteadyStateAllocationTest.RingBind bindB = new SteadyStateAllocationTest.RingBind(2002);
        bindA.peer = bindB;
        bindB.peer = bindA;
        dev.wgdesk.engine.tun.MemoryTun tunA = new dev.wgdesk.engine.tun.MemoryTun("oA");
        dev.wgdesk.engine.tun.MemoryTun tunB = new dev.wgdesk.engine.tun.MemoryTun("oB");
        Device a = new Device(tunA, bindA, Clock.system(), 4);
        Device b = new Device(tunB, bindB, Clock.system(), 4);
        try {
            DevicePair.connect(a, b, bindB.self);
            tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", new byte[4]));
            tunB.poll(10, TimeUnit.SECONDS); // handshake done

            int n = 20_000;
            for (int i = 0; i < n; i++) {
                byte[] payload = new byte[4 + (i % 1300)]; // varied sizes: varied crypto times
                java.nio.ByteBuffer.wrap(payload).putInt(0, i);
                tunA.inject(TestPackets.udp("10.0.0.1", "10.0.0.2", payload));
            }
            List<Integer> got = new ArrayList<>(n);
            while (got.size() < n) {
                byte[] p = tunB.poll(20, TimeUnit.SECONDS);
                if (p == null) {
                    break;
                }
                got.add(java.nio.ByteBuffer.wrap(p).getInt(28));
            }
            assertEquals(n, got.size(), "packets lost");
            for (int i = 0; i < n; i++) {
                assertEquals(i, got.get(i), "out of order at " + i);
            }
            assertEquals(0, b.stats().droppedReplay());
        } finally {
            a.close();
            b.close();
        }
    }
}
