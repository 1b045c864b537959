package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The real JNA layer's per-packet calls on this machine's libc (read and write have the same
 * signatures on Linux and Darwin): they move the bytes, and in steady state they allocate nothing,
 * where interface mapping would allocate an argument array per call.
 */
class DirectMappingTest {
    @Test
    void readAndWriteThroughThePipeAllocateNothing() {
        DarwinNative sys = DarwinNative.system();
        int[] p = new int[2];
        assertEquals(0, sys.pipe(p));
        try (Memory out = new Memory(1500); Memory in = new Memory(1500)) {
            for (int i = 0; i < 1500; i++) {
                out.setByte(i, (byte) i);
            }
            for (int i = 0; i < 20_000; i++) { // warm-up (JIT)
                sys.write(p[1], out, 1500);
                sys.read(p[0], in, 1500);
            }
            assertEquals(out.getByte(1499), in.getByte(1499));
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadAllocatedBytes();
            long moved = 0;
            for (int i = 0; i < 10_000; i++) {
                moved += sys.write(p[1], out, 1500);
                moved += sys.read(p[0], in, 1500);
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertEquals(2L * 10_000 * 1500, moved);
            System.out.println("DirectMappingTest: " + allocated + " bytes allocated over 10000 write+read pairs");
            assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 10000 calls (expected 0)");
        } finally {
            sys.close(p[0]);
            sys.close(p[1]);
        }
    }
}
