package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Measures heap bytes allocated per 1420-byte seal and open with
 * {@link com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, after warm-up so the JIT
 * (and its escape analysis) has compiled the path. The bound is an upper limit for regressions:
 * the JCE's own per-call objects are described in {@link ChaCha20Poly1305}.
 */
class ChaCha20Poly1305AllocationTest {
    private static final int PAYLOAD = 1420;
    private static final int CALLS = 100_000;
    /**
     * Regression limit. JDK 25 measured about 2.2 KB per call, nearly all of it inside
     * {@code Cipher.init} (see the class comment of {@link ChaCha20Poly1305}); the measured
     * figure is printed.
     */
    private static final long MAX_BYTES_PER_CALL = 2600;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void sealAndOpenAllocateLittlePerPacket() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        byte[] buf = new byte[16 + PAYLOAD + 16];
        byte[] copy = new byte[buf.length];
        // Warm-up: let C2 compile the loops.
        for (long i = 0; i < 3 * CALLS; i++) {
            aead.seal(key, i, buf, 16, PAYLOAD, null);
            if (!aead.open(key, i, buf, 16, PAYLOAD + 16, null)) {
                throw new AssertionError();
            }
        }
        long before = allocated();
        for (long i = 0; i < CALLS; i++) {
            aead.seal(key, i, buf, 16, PAYLOAD, null);
        }
        long sealBytes = (allocated() - before) / CALLS;

        aead.seal(key, 42, buf, 16, PAYLOAD, null);
        System.arraycopy(buf, 0, copy, 0, buf.length);
        before = allocated();
        for (long i = 0; i < CALLS; i++) {
            System.arraycopy(copy, 16, buf, 16, PAYLOAD + 16); // restore the ciphertext (no allocation)
            if (!aead.open(key, 42, buf, 16, PAYLOAD + 16, null)) {
                throw new AssertionError();
            }
        }
        long openBytes = (allocated() - before) / CALLS;

        byte[] bad = copy.clone();
        bad[20] ^= 1;
        before = allocated();
        for (long i = 0; i < CALLS / 10; i++) {
            System.arraycopy(bad, 16, buf, 16, PAYLOAD + 16);
            if (aead.open(key, 42, buf, 16, PAYLOAD + 16, null)) {
                throw new AssertionError();
            }
        }
        long badOpenBytes = (allocated() - before) / (CALLS / 10);

        System.out.printf("ChaCha20Poly1305 allocation per 1420-byte call: seal %d B, open %d B, failed open %d B%n",
                sealBytes, openBytes, badOpenBytes);
        assertTrue(sealBytes <= MAX_BYTES_PER_CALL, "seal allocates " + sealBytes + " B per call");
        assertTrue(openBytes <= MAX_BYTES_PER_CALL, "open allocates " + openBytes + " B per call");
    }
}
