package dev.wgdesk.engine.routing;

import dev.wgdesk.engine.ratelimit.RateLimiter;
import dev.wgdesk.engine.replay.ReplayWindow;
import dev.wgdesk.engine.time.VirtualClock;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call cost of the per-packet structures: allowed-IPs lookups in a table of 10,000 random
 * prefixes per family, the replay window, and the rate limiter on known sources. Not run by the
 * test suite; run with {@code java -cp <test classpath> org.openjdk.jmh.Main StructuresBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class StructuresBenchmark {
    private static final int PREFIXES = 10_000;
    private static final int ADDRESSES = 4096; // power of two

    private AllowedIps<Object> table;
    private byte[] v4Packets;
    private byte[] v6Packets;
    private int i;
    private ReplayWindow window;
    private long counter;
    private RateLimiter limiter;

    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(1);
        table = new AllowedIps<>();
        Object[] peers = new Object[100];
        for (int p = 0; p < peers.length; p++) {
            peers[p] = new Object();
        }
        for (int n = 0; n < PREFIXES; n++) {
            byte[] a4 = new byte[4];
            byte[] a6 = new byte[16];
            rnd.nextBytes(a4);
            rnd.nextBytes(a6);
            table.insert(a4, 8 + rnd.nextInt(25), peers[rnd.nextInt(peers.length)]);
            table.insert(a6, 16 + rnd.nextInt(113), peers[rnd.nextInt(peers.length)]);
        }
        v4Packets = new byte[ADDRESSES * 4];
        v6Packets = new byte[ADDRESSES * 16];
        rnd.nextBytes(v4Packets);
        rnd.nextBytes(v6Packets);
        window = new ReplayWindow();
        limiter = new RateLimiter(new VirtualClock());
        for (int n = 0; n < ADDRESSES; n++) {
            limiter.allowV4(v4Packets, n * 4);
        }
    }

    @TearDown
    public void tearDown() {
        limiter.close();
    }

    @Benchmark
    public Object allowedIpsLookupV4() {
        i = (i + 1) & (ADDRESSES - 1);
        return table.lookupV4(v4Packets, i * 4);
    }

    @Benchmark
    public Object allowedIpsLookupV6() {
        i = (i + 1) & (ADDRESSES - 1);
        return table.lookupV6(v6Packets, i * 16);
    }

    @Benchmark
    public boolean replayWindowInOrder() {
        return window.validate(counter++);
    }

    @Benchmark
    public boolean rateLimiterKnownSource() {
        i = (i + 1) & (ADDRESSES - 1);
        return limiter.allowV4(v4Packets, i * 4);
    }
}
