package dev.wgdesk.engine.device;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes a device's send path with packets from its TUN (see {@link FuzzedDevices}): raw bytes
 * and IPv4/IPv6 packets with fuzzed headers and lengths from 0 to past the engine's largest
 * packet ({@link Device#MAX_PACKET_SIZE}), addressed to the live peer b, to a peer with no
 * endpoint (staged), or anywhere. After each input the live pair must still carry packets both
 * ways, no device thread may have died and no error may have been logged; every packet b
 * delivered must be one of those injected into a's TUN, cut to its IP length, with a source
 * address a owns at b.
 *
 * <p>Seeds: {@code SendPathFuzzTestInputs/} next to this class, run in {@code mvn verify}.
 */
class SendPathFuzzTest {
    private static final byte[][] DST4 = {FuzzedDevices.B4, FuzzedDevices.C4};
    private static final byte[][] DST6 = {FuzzedDevices.B6, FuzzedDevices.C6};

    @FuzzTest
    void packetsFromTheTun(FuzzedDataProvider data) throws Exception {
        FuzzedDevices w = FuzzedDevices.get();
        List<byte[]> injected = new ArrayList<>();
        int n = data.consumeInt(1, 8);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            byte[] p = InnerPackets.make(data, Device.MAX_PACKET_SIZE + 200, FuzzedDevices.A4, FuzzedDevices.A6, DST4, DST6);
            injected.add(p);
            w.tunA.inject(p);
        }
        w.assertAlive(delivered -> fromA(delivered) && injected.stream().anyMatch(p -> InnerPackets.isIpPrefix(delivered, p)));
    }

    private static boolean fromA(byte[] p) {
        if (p.length >= 20 && (p[0] & 0xf0) == 0x40) {
            return java.util.Arrays.equals(p, 12, 16, FuzzedDevices.A4, 0, 4);
        }
        return p.length >= 40 && (p[0] & 0xf0) == 0x60 && java.util.Arrays.equals(p, 8, 24, FuzzedDevices.A6, 0, 16);
    }
}
