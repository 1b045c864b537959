package dev.wgdesk.engine.uapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Prefixes as Go's netip.ParsePrefix reads them and the allowed-IPs trie prints them. */
class IpPrefixTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "192.168.4.4/32, 192.168.4.4/32",
        "10.1.2.3/8, 10.0.0.0/8",
        "10.255.255.255/9, 10.128.0.0/9",
        "1.2.3.4/0, 0.0.0.0/0",
        "0.0.0.0/0, 0.0.0.0/0",
        "::/0, ::/0",
        "fd00::1/64, fd00::/64",
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/35, 2001:db8:e000::/35",
        "FD00:0:0:0:0:0:0:1/128, fd00::1/128",
        "::ffff:10.1.2.3/104, ::ffff:10.0.0.0/104",
        "::ffff:0.0.0.0/96, ::ffff:0.0.0.0/96",
    })
    void parsesAndPrintsCanonically(String text, String expected) {
        IpPrefix p = IpPrefix.parse(text);
        assertEquals(expected, p.toString());
        assertEquals(p, IpPrefix.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1.2.3.4", "1.2.3.4/", "1.2.3.4/33", "::/129", "1.2.3.4/08", "1.2.3.4/00", "1.2.3.4/-1", "1.2.3.4/+8",
        "1.2.3.4/ 8", "1.2.3.4/8 ", "fe80::1%eth0/64", "/8", "1.2.3/8", "01.2.3.4/8", "1.2.3.4/8/8",
        "1.2.3.4/99999999999999999999", "", "-1.2.3.4/32",
    })
    void rejectsWhatParsePrefixRejects(String text) {
        assertThrows(AddressFormatException.class, () -> IpPrefix.parse(text));
    }

    @Test
    void keepsTheFamilyOfMappedAddresses() {
        IpPrefix p = IpPrefix.parse("::ffff:1.2.3.4/128");
        assertFalse(p.isIpv4());
        assertEquals(16, p.address().length);
        assertTrue(IpPrefix.parse("1.2.3.4/32").isIpv4());
        assertNotEquals(IpPrefix.parse("1.2.3.4/32"), p);
    }

    @Test
    void masksWhenBuiltFromBytesAndCopies() throws Exception {
        byte[] raw = {10, 1, 2, 3};
        IpPrefix p = IpPrefix.of(raw, 16);
        raw[0] = 99;
        assertArrayEquals(new byte[] {10, 1, 0, 0}, p.address());
        byte[] out = p.address();
        out[0] = 7;
        assertArrayEquals(new byte[] {10, 1, 0, 0}, p.address());
        assertEquals(InetAddress.getByName("10.1.0.0"), p.inetAddress());
        assertEquals(p, IpPrefix.of(InetAddress.getByName("10.1.255.255"), 16));
        assertEquals(p.hashCode(), IpPrefix.parse("10.1.0.0/16").hashCode());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.of(new byte[5], 1));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.of(new byte[4], 33));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.of(new byte[16], -1));
    }
}
