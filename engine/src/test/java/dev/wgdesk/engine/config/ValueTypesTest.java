package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** IpPrefix, Endpoint, RouteTable, DnsServer and SearchDomain. */
class ValueTypesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.2/24      | 10.0.0.2/24   | true  | 10.0.0.0/24
            10.0.0.0/24      | 10.0.0.0/24   | false | 10.0.0.0/24
            10.0.0.2         | 10.0.0.2/32   | false | 10.0.0.2/32
            1.2.3.4/0        | 1.2.3.4/0     | true  | 0.0.0.0/0
            fd00::2/64       | fd00::2/64    | true  | fd00::/64
            2001:db8::/032   | 2001:db8::/32 | false | 2001:db8::/32
            fd00::ff/121     | fd00::ff/121  | true  | fd00::80/121
            ::               | ::/128        | false | ::/128
            """)
    void prefixParsesKeepsHostBitsAndMasks(String text, String printed, boolean hostBits, String masked) {
        IpPrefix p = IpPrefix.parse(text);

        assertEquals(printed, p.toString());
        assertEquals(hostBits, p.hasHostBits());
        assertEquals(masked, p.masked().toString());
        assertFalse(p.masked().hasHostBits());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/1/2", "/8", "10.0.0.0/0008",
            "10.0.0.0/ 8", "10.0.0.0/+8"})
    void prefixRejects(String text) {
        assertEquals(Optional.empty(), IpPrefix.tryParse(text));
    }

    @Test
    void prefixContains() {
        IpPrefix p = IpPrefix.parse("10.1.2.3/16");

        assertTrue(p.contains(IpAddress.parse("10.1.255.255")));
        assertFalse(p.contains(IpAddress.parse("10.2.0.0")));
        assertFalse(p.contains(IpAddress.parse("::ffff:10.1.0.1")), "other family");
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.of(IpAddress.parse("::"), 129));
    }

    @Test
    void prefixEqualityIsAsWritten() {
        assertNotEquals(IpPrefix.parse("10.0.0.2/24"), IpPrefix.parse("10.0.0.0/24"));
        assertEquals(IpPrefix.parse("10.0.0.2"), IpPrefix.parse("10.0.0.2/32"));
        assertEquals(IpPrefix.parse("10.0.0.2").hashCode(), IpPrefix.parse("10.0.0.2/32").hashCode());
    }

    @Test
    void endpointFactoriesValidate() {
        assertEquals("[2001:db8::1]:1", Endpoint.of(IpAddress.parse("2001:db8::1"), 1).toString());
        assertEquals("host.example:2", Endpoint.of("host.example", 2).toString());
        assertEquals("[fe80::1%wg0]:3", Endpoint.of("fe80::1%wg0", 3).toString());
        assertEquals(Optional.of("wg0"), Endpoint.of("fe80::1%wg0", 3).zone());
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("host.example", 0));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("host.example", 65536));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("bad host", 1));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("[::1]", 1));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("nope"));
    }

    @Test
    void endpointKindAndResolution() {
        assertFalse(Endpoint.parse("a.example:1").isResolved());
        assertEquals(Optional.empty(), Endpoint.parse("a.example:1").address());
        assertTrue(Endpoint.parse("1.2.3.4:1").isResolved());
        assertEquals(Optional.of(IpAddress.parse("1.2.3.4")), Endpoint.parse("1.2.3.4:1").address());
        assertEquals(Endpoint.parse("[2001:DB8::0:1]:5"), Endpoint.parse("[2001:db8::1]:5"));
    }

    @Test
    void hostNameLimits() {
        String label63 = "a".repeat(63);
        assertTrue(HostNames.isValid(label63 + ".example"));
        assertFalse(HostNames.isValid("a".repeat(64) + ".example"));
        String name253 = (label63 + ".").repeat(3) + "a".repeat(61);
        assertEquals(253, name253.length());
        assertTrue(HostNames.isValid(name253));
        assertTrue(HostNames.isValid(name253 + "."));
        assertFalse(HostNames.isValid(name253 + "a"));
        assertFalse(HostNames.isValid("1.2.3.4"), "all numeric is an address, not a name");
        assertFalse(HostNames.isValid("."));
        assertFalse(HostNames.isValid("a-.example"));
        assertTrue(HostNames.isValid("_srv.example"));
    }

    @Test
    void routeTableFactories() {
        assertSame(RouteTable.AUTO, RouteTable.parse(""));
        assertEquals(RouteTable.ofNumber(7), RouteTable.parse("007"));
        assertEquals("7", RouteTable.parse("007").toString());
        assertEquals(RouteTable.ofName("main"), RouteTable.parse("main"));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.ofName("off"));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.ofName("123"));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.ofNumber(-1));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.ofNumber(RouteTable.MAX_NUMBER + 1));
    }

    @Test
    void dnsTypes() {
        assertEquals("2606:4700::1111", DnsServer.parse("2606:4700:0::1111").toString());
        assertThrows(IllegalArgumentException.class, () -> DnsServer.parse("one.one"));
        assertThrows(IllegalArgumentException.class, () -> new SearchDomain("not a domain"));
        assertEquals(Optional.empty(), SearchDomain.tryParse("x..y"));
        assertTrue(DnsServer.looksLikeServer("1.2.3"));
        assertTrue(DnsServer.looksLikeServer("fe80::1"));
        assertFalse(DnsServer.looksLikeServer("a1.example"));
    }
}
