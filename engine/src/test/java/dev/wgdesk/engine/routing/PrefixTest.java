package dev.wgdesk.engine.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.routing.PrefixFormatException.Reason;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrefixTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.1/32 | 10.0.0.1/32",
        "10.0.0.1/24 | 10.0.0.0/24",
        "'  10.9.8.7/8 ' | 10.0.0.0/8",
        "0.0.0.0/0 | 0.0.0.0/0",
        "255.255.255.255/31 | 255.255.255.254/31",
        "192.95.5.65/27 | 192.95.5.64/27",
        "fd00::/64 | fd00::/64",
        "FD00:0:0:0:0:0:0:1/128 | fd00::1/128",
        "::/0 | ::/0",
        "::1/128 | ::1/128",
        "1::/16 | 1::/16",
        "0fd0::/16 | fd0::/16",
        "2607:5300:6000:6b00:0:0:c05f:543/128 | 2607:5300:6000:6b00::c05f:543/128",
        "2607:5300:6d8a:6bf8:dab1:f1df:c05f:1523/83 | 2607:5300:6d8a:6bf8:dab1:e000::/83",
        "2607:5300:6d8a:6bf8:dab1:f1df:c05f:1523/21 | 2607:5000::/21",
        "2001:db8:0:0:1:0:0:1/128 | 2001:db8::1:0:0:1/128",
        "1:0:0:2:0:0:0:3/128 | 1:0:0:2::3/128",
        "2001:db8:0:1:1:1:1:1/128 | 2001:db8:0:1:1:1:1:1/128",
        "1:2:3:4:5:6:7::/128 | 1:2:3:4:5:6:7:0/128",
        "::2:3:4:5:6:7:8/128 | 0:2:3:4:5:6:7:8/128",
        "::ffff:10.0.0.1/128 | ::ffff:10.0.0.1/128",
        "::ffff:a00:1/128 | ::ffff:10.0.0.1/128",
        "1:2:3:4:5:6:1.2.3.4/128 | 1:2:3:4:5:6:102:304/128",
        "::1.2.3.4/128 | ::102:304/128",
        "2404:6800:4004:0800:dead:beef:dead:beef/64 | 2404:6800:4004:800::/64",
    })
    void parsesAndPrintsCanonically(String text, String canonical) {
        Prefix p = Prefix.parse(text);
        assertEquals(canonical, p.toString());
        assertEquals(p, Prefix.parse(canonical), "canonical text parses back to the same prefix");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "'' | EMPTY",
        "'   ' | EMPTY",
        "/8 | EMPTY",
        "10.0.0.1 | MISSING_LENGTH",
        "fd00:: | MISSING_LENGTH",
        "10.0.0.1/ | BAD_LENGTH",
        "10.0.0.1/33 | BAD_LENGTH",
        "::/129 | BAD_LENGTH",
        "10.0.0.1/-1 | BAD_LENGTH",
        "10.0.0.1/+1 | BAD_LENGTH",
        "10.0.0.1/08 | BAD_LENGTH",
        "10.0.0.1/ 8 | BAD_LENGTH",
        "10.0.0.1/1a | BAD_LENGTH",
        "10.0.0.1/8/8 | BAD_LENGTH",
        "10.0.0.1/99999999999 | BAD_LENGTH",
        "fe80::1%eth0/64 | ZONE_NOT_ALLOWED",
        "10.0.0/8 | BAD_ADDRESS",
        "10/8 | BAD_ADDRESS",
        "10.0.0.256/8 | BAD_ADDRESS",
        "10.0.0.01/8 | BAD_ADDRESS",
        "1.2.3.4.5/8 | BAD_ADDRESS",
        "10..0.1/8 | BAD_ADDRESS",
        ".10.0.1/8 | BAD_ADDRESS",
        "10.0.0.1./8 | BAD_ADDRESS",
        "0x0a.0.0.1/8 | BAD_ADDRESS",
        "example.com/8 | BAD_ADDRESS",
        "localhost/32 | BAD_ADDRESS",
        "1:::2/64 | BAD_ADDRESS",
        "1::2::3/64 | BAD_ADDRESS",
        "1:2:3:4:5:6:7:8:9/128 | BAD_ADDRESS",
        "1:2:3:4:5:6:7/128 | BAD_ADDRESS",
        "1:2:3:4:5:6:7:8::/128 | BAD_ADDRESS",
        "::1:2:3:4:5:6:7:8/128 | BAD_ADDRESS",
        "12345::/16 | BAD_ADDRESS",
        "g::/16 | BAD_ADDRESS",
        ":1::/16 | BAD_ADDRESS",
        "1:/16 | BAD_ADDRESS",
        "1::2:/16 | BAD_ADDRESS",
        "::1.2.3/96 | BAD_ADDRESS",
        "1.2.3.4::/96 | BAD_ADDRESS",
        "::1.2.3.4:5/128 | BAD_ADDRESS",
        "1:2:3:4:5:6:7:1.2.3.4/128 | BAD_ADDRESS",
        "\uff11::/16 | BAD_ADDRESS",
        "[::1]/128 | BAD_ADDRESS",
    })
    void rejectsBadTextWithAReason(String text, Reason reason) {
        PrefixFormatException ex = assertThrows(PrefixFormatException.class, () -> Prefix.parse(text));
        assertEquals(reason, ex.reason(), ex.getMessage());
        if (!text.isBlank()) {
            assertTrue(ex.getMessage().contains(text.strip()), "message names the text: " + ex.getMessage());
        }
    }

    @Test
    void constructorValidatesCopiesAndMasks() {
        byte[] raw = {10, 1, 2, 3};
        Prefix p = new Prefix(raw, 16);
        raw[0] = 99;
        assertArrayEquals(new byte[] {10, 1, 0, 0}, p.address(), "copied and masked");
        p.address()[0] = 42;
        assertEquals("10.1.0.0/16", p.toString(), "accessor returns a copy");
        assertEquals(Reason.BAD_ADDRESS_LENGTH,
                assertThrows(PrefixFormatException.class, () -> new Prefix(new byte[15], 8)).reason());
        assertEquals(Reason.BAD_LENGTH,
                assertThrows(PrefixFormatException.class, () -> new Prefix(new byte[4], 33)).reason());
        assertEquals(Reason.BAD_LENGTH,
                assertThrows(PrefixFormatException.class, () -> new Prefix(new byte[16], 129)).reason());
        assertThrows(NullPointerException.class, () -> new Prefix(null, 0));
    }

    @Test
    void equalityIsByMaskedValue() {
        assertEquals(Prefix.parse("10.0.0.1/24"), Prefix.parse("10.0.0.200/24"));
        assertEquals(Prefix.parse("10.0.0.1/24").hashCode(), Prefix.parse("10.0.0.200/24").hashCode());
        assertNotEquals(Prefix.parse("10.0.0.0/24"), Prefix.parse("10.0.0.0/25"));
        assertNotEquals(Prefix.parse("0.0.0.0/0"), Prefix.parse("::/0"), "families differ");
        assertNotEquals(Prefix.parse("::ffff:10.0.0.0/120"), Prefix.parse("10.0.0.0/24"));
    }

    @Test
    void familyContainsAndConversions() throws Exception {
        Prefix v4 = Prefix.parse("192.168.4.0/24");
        assertTrue(v4.isIpv4());
        assertFalse(v4.isIpv6());
        assertTrue(v4.contains(InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 4, 77})));
        assertFalse(v4.contains(InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 5, 77})));
        assertFalse(v4.contains(new byte[16]), "other family");
        assertEquals(InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 4, 0}), v4.network());
        Prefix v6 = Prefix.parse("fd00:1::/32");
        assertTrue(v6.isIpv6());
        assertTrue(v6.contains(Inet6Address.ofLiteral("fd00:1:ffff::1")));
        assertFalse(v6.contains(Inet6Address.ofLiteral("fd00:2::1")));
        assertEquals(Prefix.parse("10.1.0.0/16"), Prefix.of(InetAddress.ofLiteral("10.1.2.3"), 16));
        assertEquals("fd00::7/128", Prefix.host(InetAddress.ofLiteral("fd00::7")).toString());
        assertEquals("10.0.0.7/32", Prefix.host(InetAddress.ofLiteral("10.0.0.7")).toString());
        assertTrue(Prefix.parse("0.0.0.0/0").contains(Inet4Address.ofLiteral("203.0.113.9")));
    }

    @Test
    void randomAddressesRoundTripAndAgreeWithTheJdk() throws Exception {
        long seed = 0x5eed_2024L;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            boolean v6 = (i & 1) == 1;
            byte[] a = new byte[v6 ? 16 : 4];
            rnd.nextBytes(a);
            if (v6 && rnd.nextInt(3) == 0) { // plenty of zero runs to exercise '::'
                int from = 2 * rnd.nextInt(8);
                int to = Math.min(16, from + 2 * rnd.nextInt(1, 8));
                java.util.Arrays.fill(a, from, to, (byte) 0);
            }
            int cidr = v6 ? 128 : 32;
            Prefix p = new Prefix(a, cidr);
            String text = p.toString();
            String context = "seed " + seed + " case " + i + ": " + text;
            assertEquals(p, Prefix.parse(text), context);
            String host = text.substring(0, text.indexOf('/'));
            assertArrayEquals(a, InetAddress.ofLiteral(host).getAddress().length == a.length
                    ? InetAddress.ofLiteral(host).getAddress() : mapped(InetAddress.ofLiteral(host)), context);
            // The JDK's own (uncompressed) text parses to the same bytes.
            InetAddress ia = InetAddress.getByAddress(a);
            if (ia.getAddress().length == a.length) { // not an IPv4-mapped address
                String jdk = ia.getHostAddress();
                assertEquals(p, Prefix.parse(jdk + "/" + cidr), context + " vs JDK " + jdk);
            }
            assertFalse(text.contains(":::"), context);
            assertEquals(text.toLowerCase(java.util.Locale.ROOT), text, context);
        }
    }

    /** The JDK turns ::ffff:a.b.c.d literals into IPv4 addresses; map them back for comparison. */
    private static byte[] mapped(InetAddress v4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress(), 0, out, 12, 4);
        return out;
    }
}
