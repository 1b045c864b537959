package dev.wgdesk.platform.windows.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgdesk.platform.windows.net.DefaultRoute.Candidate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultRouteTest {
    static final long TUNNEL = 0x47_0000_0100_0000L;

    @Test
    void picksTheLowestRoutePlusInterfaceMetricOutsideTheTunnel() {
        List<Candidate> routes = List.of(
                new Candidate(TUNNEL, 40, 0, 0),          // the tunnel's own 0.0.0.0/0: never
                new Candidate(0x6_0000_0000_0001L, 12, 0, 35),  // Wi-Fi: 35
                new Candidate(0x6_0000_0000_0002L, 7, 0, 25),   // Ethernet: 25
                new Candidate(0x6_0000_0000_0003L, 9, 5, 20));  // also 25: the earlier row wins
        assertEquals(Optional.of(7), DefaultRoute.choose(routes, TUNNEL));
        assertEquals(Optional.empty(), DefaultRoute.choose(List.of(new Candidate(TUNNEL, 40, 0, 0)), TUNNEL));
        assertEquals(Optional.of(12), DefaultRoute.choose(List.of(new Candidate(1, 12, -1, 0), new Candidate(2, 13, -1, 1)), TUNNEL),
                "metrics are unsigned: no overflow to a negative sum");
    }

    @Test
    void theIpv4OptionIsInNetworkOrderAndTheIpv6OneInHostOrder() {
        int v = DefaultRoute.ipv4OptionValue(7);
        byte[] asPassed = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(); // a DWORD on x86
        assertEquals(7, ByteBuffer.wrap(asPassed).order(ByteOrder.BIG_ENDIAN).getInt());
        assertEquals(7, DefaultRoute.ipv6OptionValue(7));
    }
}
