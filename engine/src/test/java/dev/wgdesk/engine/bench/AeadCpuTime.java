package dev.wgdesk.engine.bench;

import dev.wgdesk.engine.crypto.ChaCha20Poly1305;
import dev.wgdesk.engine.crypto.FastChaCha20Poly1305;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The comparison of {@link AeadBenchmark} measured in thread CPU time instead of wall time, with
 * the four cases interleaved round by round: on a machine shared with other busy processes, wall
 * time mostly measures the scheduler, while CPU time and interleaving keep the ratios honest.
 * Run on demand (it is not a test):
 *
 * <pre>
 * java -cp target/test-classes:target/classes dev.wgdesk.engine.bench.AeadCpuTime [rounds]
 * </pre>
 *
 * <p>Prints, for 64- and 1420-byte packets, the median and minimum CPU time per operation over
 * the last two thirds of the rounds, and the pure-Java/JCE ratios.
 */
public final class AeadCpuTime {
    private AeadCpuTime() {}

    /**
     * Runs the comparison.
     *
     * @param args optional number of rounds (default 15)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        for (int size : new int[] {1420, 64}) {
            compare(size, rounds);
        }
    }

    private static void compare(int size, int rounds) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ChaCha20Poly1305 jce = new ChaCha20Poly1305();
        FastChaCha20Poly1305 java = new FastChaCha20Poly1305();
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (31 * i + 7);
        }
        byte[] buf = new byte[16 + size + 16];
        byte[] sealedByJce = buf.clone();
        jce.seal(key, 42, sealedByJce, 16, size, null);
        byte[] sealedByJava = buf.clone();
        java.seal(key, 42, sealedByJava, 16, size, null);
        long[] counter = {0};
        Map<String, Runnable> cases = new LinkedHashMap<>();
        cases.put("sealJce", () -> jce.seal(key, counter[0]++, buf, 16, size, null));
        cases.put("sealJava", () -> java.seal(key, counter[0]++, buf, 16, size, null));
        cases.put("openJce", () -> {
            System.arraycopy(sealedByJce, 0, buf, 0, buf.length);
            check(jce.open(key, 42, buf, 16, size + 16, null));
        });
        cases.put("openJava", () -> {
            System.arraycopy(sealedByJava, 0, buf, 0, buf.length);
            check(java.open(key, 42, buf, 16, size + 16, null));
        });
        int ops = size > 500 ? 20_000 : 100_000;
        Map<String, List<Double>> ns = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        for (String name : cases.keySet()) {
            ns.put(name, new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Runnable> c : cases.entrySet()) {
                Runnable op = c.getValue();
                long alloc = mx.getCurrentThreadAllocatedBytes();
                long cpu = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < ops; i++) {
                    op.run();
                }
                ns.get(c.getKey()).add((mx.getCurrentThreadCpuTime() - cpu) / (double) ops);
                bytes.put(c.getKey(), (mx.getCurrentThreadAllocatedBytes() - alloc) / (double) ops);
            }
        }
        Map<String, Double> median = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : ns.entrySet()) {
            double[] s = e.getValue().subList(rounds / 3, rounds).stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(s);
            median.put(e.getKey(), s[s.length / 2]);
            System.out.printf("size %4d  %-8s  median %8.1f ns/op  min %8.1f ns/op  %7.0f MB/s  %7.1f B/op%n", size,
                    e.getKey(), s[s.length / 2], s[0], size * 1e3 / s[s.length / 2], bytes.get(e.getKey()));
        }
        System.out.printf("size %4d  java/jce: seal %.2fx, open %.2fx%n%n", size,
                median.get("sealJava") / median.get("sealJce"), median.get("openJava") / median.get("openJce"));
    }

    private static void check(boolean opened) {
        if (!opened) {
            throw new IllegalStateException("a genuine packet did not open");
        }
    }
}
