package dev.wgdesk.engine.uapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Address text as Go's net/netip reads and writes it. */
class IpTextTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1.2.3.4, 1.2.3.4",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:db8::1, 2001:db8::1",
        "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        // a single zero group is not compressed
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        // the longest run wins; on a tie, the first
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "FE80::ABCD, fe80::abcd",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "1:0:0:0:0:0:0:0, 1::",
        "0:0:0:0:0:0:0:1, ::1",
        // embedded IPv4: mapped is printed dotted, other forms in hex
        "::ffff:1.2.3.4, ::ffff:1.2.3.4",
        "::FFFF:0102:0304, ::ffff:1.2.3.4",
        "::1.2.3.4, ::102:304",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
    })
    void parsesAndFormatsLikeNetip(String text, String expected) {
        IpText.ParsedAddress parsed = IpText.parseAddress(text);
        assertNull(parsed.zone());
        assertEquals(expected, IpText.formatAddress(parsed.bytes()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "256.1.1.1", "1..2.3", ".1.2.3", "1.2.3.",
        "1.2.3.4 ", " 1.2.3.4", "1.2.3.4%eth0", "1.2.3.-4", "a.b.c.d",
        ":", ":::", "::1::", "1::2::3", ":1::", "1:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::",
        "1:2:3:4:5:6:7::8", "1:2:3:4:5:6:7:8::", "::g", "fe80::1%", "%eth0", "1:2:3:4:5:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4.5", "::01.2.3.4", "[::1]", "example.com",
    })
    void rejectsWhatNetipRejects(String text) {
        assertThrows(AddressFormatException.class, () -> IpText.parseAddress(text));
    }

    @Test
    void keepsTheZoneText() {
        IpText.ParsedAddress parsed = IpText.parseAddress("fe80::1%eth0");
        assertEquals("eth0", parsed.zone());
        assertEquals("fe80::1", IpText.formatAddress(parsed.bytes()));
    }

    @Test
    void parsesIpv4Endpoint() throws Exception {
        InetSocketAddress e = IpText.parseEndpoint("192.168.4.4:51820");
        assertEquals(InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 4, 4}), e.getAddress());
        assertEquals(51820, e.getPort());
        assertEquals("192.168.4.4:51820", IpText.formatEndpoint(e));
    }

    @Test
    void parsesIpv6EndpointWithNumericScope() {
        InetSocketAddress e = IpText.parseEndpoint("[abcd:23::33%2]:51820");
        Inet6Address a = assertInstanceOf(Inet6Address.class, e.getAddress());
        assertEquals(2, a.getScopeId());
        assertEquals("[abcd:23::33%2]:51820", IpText.formatEndpoint(e));
    }

    @Test
    void parsesIpv6EndpointWithInterfaceName() throws Exception {
        NetworkInterface nif = Collections.list(NetworkInterface.getNetworkInterfaces()).getFirst();
        InetSocketAddress e = IpText.parseEndpoint("[fe80::1%" + nif.getName() + "]:1");
        Inet6Address a = assertInstanceOf(Inet6Address.class, e.getAddress());
        assertEquals(nif.getIndex(), a.getScopeId());
        assertEquals("[fe80::1%" + nif.getName() + "]:1", IpText.formatEndpoint(e));
    }

    @Test
    void leadingZerosInPortAreAcceptedAsByStrconv() {
        assertEquals(80, IpText.parseEndpoint("1.2.3.4:0080").getPort());
        assertEquals(0, IpText.parseEndpoint("[::1]:0").getPort());
        assertEquals("[::1]:0", IpText.formatEndpoint(IpText.parseEndpoint("[::1]:0")));
    }

    @Test
    void ipv4MappedEndpointBecomesIpv4() {
        InetSocketAddress e = IpText.parseEndpoint("[::ffff:1.2.3.4]:5");
        assertInstanceOf(Inet4Address.class, e.getAddress());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, e.getAddress().getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "1.2.3.4", "1.2.3.4:", ":80", "[]:80", "[1.2.3.4]:80", "::1:80", "fe80::1:51820", "[::1]80",
        "[::1:80", "::1]:80", "1.2.3.4:65536", "1.2.3.4:+80", "1.2.3.4:-1", "1.2.3.4:8o", "1.2.3.4: 80",
        "example.com:80", "localhost:80", "[fe80::1%]:80", "[fe80::1%nosuchif-wgdesk]:80", "1.2.3.4:80 ",
        "01.2.3.4:80", "[::1]:99999999999999999999",
    })
    void rejectsBadEndpoints(String text) {
        assertThrows(AddressFormatException.class, () -> IpText.parseEndpoint(text));
    }

    @Test
    void formatsUnscopedIpv6EndpointInBrackets() throws Exception {
        InetSocketAddress e = new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:1"), 443);
        assertEquals("[2001:db8::1]:443", IpText.formatEndpoint(e));
    }

    @Test
    void refusesToFormatAnUnresolvedEndpoint() {
        assertThrows(IllegalArgumentException.class,
                () -> IpText.formatEndpoint(InetSocketAddress.createUnresolved("example.com", 1)));
    }

    @Test
    void parsesUnsignedDecimalsLikeParseUint() {
        assertEquals(0, IpText.parseUnsigned("0", 0, 1, 10));
        assertEquals(65535, IpText.parseUnsigned("65535", 0, 5, 0xffff));
        assertEquals(42, IpText.parseUnsigned("00042", 0, 5, 0xffff));
        assertEquals(-1, IpText.parseUnsigned("65536", 0, 5, 0xffff));
        assertEquals(-1, IpText.parseUnsigned("", 0, 0, 0xffff));
        assertEquals(-1, IpText.parseUnsigned("+1", 0, 2, 0xffff));
        assertEquals(-1, IpText.parseUnsigned("1_000", 0, 5, 0xffff));
        assertEquals(-1, IpText.parseUnsigned("99999999999999999999999", 0, 23, 0xffff_ffffL));
    }
}
