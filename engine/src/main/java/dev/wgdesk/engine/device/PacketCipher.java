package dev.wgdesk.engine.device;

import dev.wgdesk.engine.crypto.ChaCha20Poly1305;
import dev.wgdesk.engine.crypto.FastChaCha20Poly1305;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The transport AEAD as the data path uses it: in place, one instance per thread. The real ones
 * are {@link ChaCha20Poly1305} (the JCE) and {@link FastChaCha20Poly1305} (pure Java, no
 * allocation); tests substitute others to measure the engine's own costs.
 */
interface PacketCipher {
    /** System property that picks the transport cipher: {@code jce} or {@code java}. */
    String PROPERTY = "wgdesk.cipher";

    /** Encrypts {@code buf[off, off+len)} in place and writes the 16-byte tag after it. */
    void seal(byte[] key, long counter, byte[] buf, int off, int len);

    /** Authenticates and decrypts {@code buf[off, off+lenWithTag)} in place; false if forged. */
    boolean open(byte[] key, long counter, byte[] buf, int off, int lenWithTag);

    /**
     * Zeroes whatever key material the instance keeps; call when its thread is done with it. The
     * instance stays usable.
     */
    default void destroy() {}

    /**
     * ChaCha20-Poly1305 through the JDK (with its intrinsics). Allocates about 2.2 KB per call
     * inside {@code Cipher.init}/{@code doFinal}, which no public JCE API avoids.
     */
    static PacketCipher jce() {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        return new PacketCipher() {
            @Override
            public void seal(byte[] key, long counter, byte[] buf, int off, int len) {
                aead.seal(key, counter, buf, off, len, null);
            }

            @Override
            public boolean open(byte[] key, long counter, byte[] buf, int off, int lenWithTag) {
                return aead.open(key, counter, buf, off, lenWithTag, null);
            }

            @Override
            public void destroy() {
                aead.destroy();
            }

            @Override
            public String toString() {
                return "jce";
            }
        };
    }

    /** ChaCha20-Poly1305 in pure Java ({@link FastChaCha20Poly1305}): no allocation per packet. */
    static PacketCipher fast() {
        FastChaCha20Poly1305 aead = new FastChaCha20Poly1305();
        return new PacketCipher() {
            @Override
            public void seal(byte[] key, long counter, byte[] buf, int off, int len) {
                aead.seal(key, counter, buf, off, len, null);
            }

            @Override
            public boolean open(byte[] key, long counter, byte[] buf, int off, int lenWithTag) {
                return aead.open(key, counter, buf, off, lenWithTag, null);
            }

            @Override
            public void destroy() {
                aead.destroy();
            }

            @Override
            public String toString() {
                return "java";
            }
        };
    }

    /**
     * The transport cipher for {@link Device}'s public constructors: the system property
     * {@value #PROPERTY} picks {@code jce} ({@link #jce()}) or {@code java} ({@link #fast()});
     * unset, it is {@code java}.
     *
     * <p><b>Why {@code java} by default.</b> The bar (issue: the engine's seal/open cost per
     * 1420-byte packet against bare JCE ChaCha20-Poly1305, goal at most 1.3x) is met with room to
     * spare, and the JCE allocates about 4.4 KB per seal+open where the data path must allocate
     * nothing. Measured on JDK 25, AMD EPYC (Zen 3, AVX2), on a shared and loaded 2-core machine,
     * with {@code AeadBenchmark} (JMH, {@code -prof gc}) and {@code AeadCpuTime} (thread CPU time,
     * interleaved, which the load disturbs less); ratios are pure Java over JCE:
     * <ul>
     *   <li>seal 1420 bytes: 0.98x (thread CPU time, medians 4.91 vs 5.03 us under load);
     *   <li>open 1420 bytes: 1.00x;
     *   <li>seal / open 64 bytes: 0.53x / 0.55x (the JCE's per-call init dominates);
     *   <li>allocation: 0 B/op against 2208 B/op (seal) and 2248 B/op (open).
     * </ul>
     * The decision rule: {@code java} becomes the default only while it stays within 1.3x of the
     * JCE's time per 1420-byte seal; re-measure with the two benchmarks before changing either.
     *
     * @throws IllegalArgumentException if the property has another value
     */
    static Supplier<PacketCipher> defaultFactory() {
        String choice = System.getProperty(PROPERTY, "java").trim().toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "java" -> PacketCipher::fast;
            case "jce" -> PacketCipher::jce;
            default -> throw new IllegalArgumentException(
                    PROPERTY + " must be jce or java, not '" + System.getProperty(PROPERTY) + "'");
        };
    }
}
