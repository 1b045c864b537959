package dev.wgdesk.app.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wgdesk.engine.tun.MemoryTun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchedTunTest {
    private static ByteBuffer[] bufs() {
        return new ByteBuffer[] {ByteBuffer.allocate(2000)};
    }

    @Test
    void passesPacketsThrough() throws IOException {
        MemoryTun inner = new MemoryTun("wgt0");
        List<IOException> failures = new ArrayList<>();
        WatchedTun tun = new WatchedTun(inner, failures::add);
        inner.inject(new byte[] {0x45, 0, 0, 20});
        ByteBuffer[] b = bufs();
        assertEquals(1, tun.read(b, 1));
        assertEquals(4, b[0].limit());
        assertEquals("wgt0", tun.name());
        assertEquals(List.of(), failures);
    }

    @Test
    void reportsTheFirstReadFailureOnce() {
        MemoryTun inner = new MemoryTun("wgt0");
        List<IOException> failures = new ArrayList<>();
        WatchedTun tun = new WatchedTun(inner, failures::add);
        inner.close(); // closed underneath, as when the interface is deleted
        assertThrows(IOException.class, () -> tun.read(bufs(), 1));
        assertThrows(IOException.class, () -> tun.read(bufs(), 1));
        assertEquals(1, failures.size());
    }

    @Test
    void failuresAfterItsOwnCloseAreNotReported() throws IOException {
        MemoryTun inner = new MemoryTun("wgt0");
        List<IOException> failures = new ArrayList<>();
        WatchedTun tun = new WatchedTun(inner, failures::add);
        tun.close();
        assertThrows(IOException.class, () -> tun.read(bufs(), 1));
        assertEquals(List.of(), failures);
    }
}
