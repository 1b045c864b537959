package dev.wgdesk.engine.device;

import dev.wgdesk.engine.routing.AllowedIps;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-packet table work of the data path as the number of peers grows (issue 13: it should
 * stay flat from 10 to 10,000 peers). On demand only ({@code engine/bench.sh
 * 'RoutingBenchmark'}, or {@code bench/footprint.sh}), never in {@code verify}.
 * <ul>
 *   <li>{@code sendRoute}: the TUN reader's cryptokey routing of an IPv4 packet, the longest-prefix
 *       match of its destination ({@link AllowedIps#lookupV4(byte[], int)});</li>
 *   <li>{@code sendRouteV6}: the same for an IPv6 destination;</li>
 *   <li>{@code receiveLookup}: the UDP receiver's work per transport message before decryption and
 *       after it: the receiver-index lookup ({@link IndexTable#lookup}) and the inner-source check
 *       (the longest-prefix match of the decrypted packet's source must be the sending peer).</li>
 * </ul>
 * Every peer owns one {@code /32} (IPv4, spread over 10.0.0.0/8) and one {@code /128} (IPv6), and
 * peer 0 also owns {@code 0.0.0.0/0}, as a hub's table might look. The looked-up addresses cycle
 * through 4096 packets addressed to random peers, so the caches see a realistic spread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {
    private static final int PACKETS = 4096; // power of two

    @State(Scope.Thread)
    public static class Table {
        @Param({"10", "1000", "10000"})
        public int peers;

        final AllowedIps<Object> allowedIps = new AllowedIps<>();
        final IndexTable indexTable = new IndexTable();
        final Object[] owners = new Object[PACKETS];
        final int[] indices = new int[PACKETS];
        /** IPv4 headers (20 bytes: source at 12, destination at 16), then IPv6 ones (40 bytes). */
        final byte[][] v4 = new byte[PACKETS][];
        final byte[][] v6 = new byte[PACKETS][];
        int next;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(13);
            Object[] peer = new Object[peers];
            int[] index = new int[peers];
            for (int i = 0; i < peers; i++) {
                peer[i] = new Object();
                allowedIps.insert(v4Address(i), 32, peer[i]);
                allowedIps.insert(v6Address(i), 128, peer[i]);
                index[i] = indexTable.newHandshakeIndex(null);
            }
            allowedIps.insert(new byte[4], 0, peer[0]);
            for (int k = 0; k < PACKETS; k++) {
                int i = random.nextInt(peers);
                owners[k] = peer[i];
                indices[k] = index[i];
                v4[k] = new byte[20];
                System.arraycopy(v4Address(i), 0, v4[k], 12, 4); // a packet from peer i
                System.arraycopy(v4Address(i), 0, v4[k], 16, 4); // and one to it
                v6[k] = new byte[40];
                System.arraycopy(v6Address(i), 0, v6[k], 24, 16);
            }
        }

        static byte[] v4Address(int i) {
            int a = 0x0A000000 | (i * 2654435 & 0x00FFFFFF) | 1; // 10.x.y.z, odd, spread
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }

        static byte[] v6Address(int i) {
            byte[] a = new byte[16];
            a[0] = (byte) 0xfd;
            a[12] = (byte) (i >>> 24);
            a[13] = (byte) (i >>> 16);
            a[14] = (byte) (i >>> 8);
            a[15] = (byte) i;
            return a;
        }

        int next() {
            return next = (next + 1) & (PACKETS - 1);
        }
    }

    @Benchmark
    public Object sendRoute(Table t) {
        return t.allowedIps.lookupV4(t.v4[t.next()], 16);
    }

    @Benchmark
    public Object sendRouteV6(Table t) {
        return t.allowedIps.lookupV6(t.v6[t.next()], 24);
    }

    @Benchmark
    public boolean receiveLookup(Table t) {
        int k = t.next();
        IndexTable.Entry e = t.indexTable.lookup(t.indices[k]);
        return e != null && t.allowedIps.lookupV4(t.v4[k], 12) == t.owners[k];
    }
}
