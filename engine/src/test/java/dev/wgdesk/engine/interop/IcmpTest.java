package dev.wgdesk.engine.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The packet builder the interop tests rely on (runs without root). */
class IcmpTest {
    private static final InetAddress A4 = InetAddress.ofLiteral("10.213.0.1");
    private static final InetAddress B4 = InetAddress.ofLiteral("10.213.0.2");
    private static final InetAddress A6 = InetAddress.ofLiteral("fdd7:6764:6901::1");
    private static final InetAddress B6 = InetAddress.ofLiteral("fdd7:6764:6901::2");

    @Test
    void rfc1071Example() {
        byte[] data = HexFormat.of().parseHex("0001f203f4f5f6f7");
        assertEquals(0x220d, Icmp.checksum(data, 0, data.length, 0));
    }

    @Test
    void knownIpv4HeaderChecksum() {
        // A widely used worked example of the IPv4 header checksum.
        byte[] h = HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7");
        assertEquals(0xb861, Icmp.checksum(h, 0, h.length, 0));
    }

    @Test
    void echoRoundTripsAndChecksumsVerify() {
        for (boolean v6 : new boolean[] {false, true}) {
            byte[] payload = {1, 2, 3, 4, 5}; // odd length exercises the padding byte
            byte[] p = Icmp.request(v6 ? A6 : A4, v6 ? B6 : B4, 0xbeef, 7, payload);
            Icmp.Echo e = Icmp.parse(p);
            assertTrue(e.isRequest() && e.checksumsOk(), e.toString());
            assertEquals(0xbeef, e.id());
            assertEquals(7, e.seq());
            assertArrayEquals(payload, e.payload());
            Icmp.Echo r = Icmp.parse(Icmp.replyTo(e));
            assertTrue(r.isReply() && r.checksumsOk(), r.toString());
            assertEquals(e.src(), r.dst());
            assertEquals(e.dst(), r.src());

            byte[] corrupt = p.clone();
            corrupt[corrupt.length - 1] ^= 0x40;
            assertFalse(Icmp.parse(corrupt).icmpChecksumOk());
            if (v6) {
                corrupt = p.clone();
                corrupt[39] ^= 1; // destination address: covered only through the pseudo-header
                assertFalse(Icmp.parse(corrupt).icmpChecksumOk());
            } else {
                corrupt = p.clone();
                corrupt[8] ^= 1; // TTL: covered by the header checksum only
                Icmp.Echo c = Icmp.parse(corrupt);
                assertFalse(c.ipChecksumOk());
                assertTrue(c.icmpChecksumOk());
            }
        }
    }

    @Test
    void otherPacketsAreNotEchoes() {
        byte[] udp = Icmp.request(A4, B4, 1, 1, new byte[8]);
        udp[9] = 17;
        assertNull(Icmp.parse(udp));
        assertNull(Icmp.parse(new byte[] {0x45}));
    }
}
