package dev.wgdesk.platform.linux;

/**
 * TCP throughput between two namespaces joined by two TUNs and a Java relay (a VPN's data path
 * without the crypto), with and without TUN offload. Not a test; needs root:
 * {@code java --enable-native-access=ALL-UNNAMED -cp ... dev.wgdesk.platform.linux.TunRelayBenchmark [MiB]}.
 */
public final class TunRelayBenchmark {
    private TunRelayBenchmark() {}

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        for (int round = 0; round < 2; round++) {
            for (boolean offload : new boolean[] {false, true}) {
                try (TunRelayTest.Relay relay = TunRelayTest.Relay.start(offload, offload ? 64 : 1)) {
                    var warm = TunRelayTest.transfer(relay, "10.213.0.2", 4 << 20);
                    long cpu = relay.cpuNanos();
                    var r = TunRelayTest.transfer(relay, "10.213.0.2", mib << 20);
                    double cpuPerMb = (relay.cpuNanos() - cpu) / 1e3 / (mib * 1.048576);
                    System.out.printf("offload %-5s %5.0f MB/s (warm-up %4.0f MB/s), relay threads %,6.0f us CPU per MB, %d super-packets%n",
                            offload, r.mbPerSecond(), warm.mbPerSecond(), cpuPerMb, relay.a.superPackets());
                }
            }
        }
    }
}
