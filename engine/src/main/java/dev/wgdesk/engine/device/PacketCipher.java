package dev.wgdesk.engine.device;

import dev.wgdesk.engine.crypto.Aead;
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
        return of(new ChaCha20Poly1305(), "jce");
    }

    /** ChaCha20-Poly1305 in pure Java ({@link FastChaCha20Poly1305}): no allocation per packet. */
    static PacketCipher fast() {
        return of(new FastChaCha20Poly1305(), "java");
    }

    /** Adapts an {@link Aead} (no associated data: WireGuard's transport messages have none). */
    private static PacketCipher of(Aead aead, String name) {
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
                return name;
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
     * nothing. Measured on JDK 25, AMD EPYC (Zen 3, AVX2), 2 vCPUs shared with other busy
     * processes, with {@code AeadBenchmark} ({@code -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc -prof
     * dev.wgdesk.engine.bench.CpuTimeProfiler}), two runs; times are CPU time per operation, since
     * the wall-clock scores swung by up to 100% with the other processes' load:
     * <table>
     *   <caption>pure Java ({@link #fast()}) against the JCE ({@link #jce()})</caption>
     *   <tr><th>operation</th><th>java ns/op</th><th>jce ns/op</th><th>java/jce</th></tr>
     *   <tr><td>seal 1420 B</td><td>2954-3059</td><td>4005-4263</td><td>0.72-0.74</td></tr>
     *   <tr><td>open 1420 B</td><td>3059-3094</td><td>3673-4332</td><td>0.71-0.83</td></tr>
     *   <tr><td>seal 64 B</td><td>465-488</td><td>905-948</td><td>0.51</td></tr>
     *   <tr><td>open 64 B</td><td>476-484</td><td>856-948</td><td>0.50-0.57</td></tr>
     *   <tr><td>allocation</td><td>0 B/op</td><td>2208 (seal), 2248 (open) B/op</td><td></td></tr>
     * </table>
     * {@code AeadCpuTime} (thread CPU time, cases interleaved) agrees: 0.80x for seal and open
     * of 1420 bytes, 0.53x for 64 bytes. The rule: {@code java} is the default only while its
     * 1420-byte seal stays within 1.3x of the JCE's; re-measure with both tools before changing
     * either implementation or the JDK.
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
