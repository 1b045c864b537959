package dev.wgdesk.engine.bench;

import dev.wgdesk.engine.crypto.ChaCha20Poly1305;
import dev.wgdesk.engine.crypto.FastChaCha20Poly1305;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Seal and open of one transport packet: the JCE ({@link ChaCha20Poly1305}, what the engine
 * used first) against the pure-Java {@link FastChaCha20Poly1305}, in one run. Run on demand,
 * with {@code -prof gc} to see the allocation rates:
 *
 * <pre>
 * ./mvnw -q -o -pl engine test-compile
 * ./mvnw -q -o -pl engine dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * cd engine &amp;&amp; java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) org.openjdk.jmh.Main \
 *     AeadBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc -prof dev.wgdesk.engine.bench.CpuTimeProfiler
 * </pre>
 *
 * <p>On a shared machine read {@code cpu.time.norm} ({@link CpuTimeProfiler}) rather than the
 * wall-clock score, which also counts the time spent waiting for a core.
 *
 * <p>Seal encrypts with a new counter each time, as the data path does. Open needs a genuine
 * packet each time, so it first copies a sealed packet into the working buffer (about 1% of an
 * open of 1420 bytes, the same for both).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AeadBenchmark {
    /** Plaintext bytes per packet: a full 1420-byte MTU, and a small packet. */
    @Param({"64", "1420"})
    public int size;

    private static final int HEADER = 16; // room for the transport header, as in the engine

    private final ChaCha20Poly1305 jce = new ChaCha20Poly1305();
    private final FastChaCha20Poly1305 java = new FastChaCha20Poly1305();
    private final byte[] key = new byte[32];
    private byte[] buf;
    private byte[] sealedByJce;
    private byte[] sealedByJava;
    private long counter;
    private static final long OPEN_COUNTER = 42;

    @Setup
    public void setup() {
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (31 * i + 7);
        }
        buf = new byte[HEADER + size + 16];
        for (int i = 0; i < size; i++) {
            buf[HEADER + i] = (byte) i;
        }
        sealedByJce = buf.clone();
        jce.seal(key, OPEN_COUNTER, sealedByJce, HEADER, size, null);
        sealedByJava = buf.clone();
        java.seal(key, OPEN_COUNTER, sealedByJava, HEADER, size, null);
        if (!openJce() || !openJava()) {
            throw new IllegalStateException("the benchmark's packets do not open");
        }
    }

    @Benchmark
    public byte[] sealJce() {
        jce.seal(key, counter++, buf, HEADER, size, null);
        return buf;
    }

    @Benchmark
    public byte[] sealJava() {
        java.seal(key, counter++, buf, HEADER, size, null);
        return buf;
    }

    @Benchmark
    public boolean openJce() {
        System.arraycopy(sealedByJce, 0, buf, 0, buf.length);
        return jce.open(key, OPEN_COUNTER, buf, HEADER, size + 16, null);
    }

    @Benchmark
    public boolean openJava() {
        System.arraycopy(sealedByJava, 0, buf, 0, buf.length);
        return java.open(key, OPEN_COUNTER, buf, HEADER, size + 16, null);
    }
}
