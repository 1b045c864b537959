package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Address literals parse like inet_pton and print like RFC 5952. */
class IpAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "10.0.0.1", "192.0.2.33", "::", "::1", "1::",
            "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8", "::192.0.2.1", "1:2:3:4:5:6:1.2.3.4", "0001:0002::000a"})
    void parsesLikeTheJdkForLiterals(String literal) throws Exception {
        byte[] jdk = InetAddress.getByName(literal).getAddress(); // a literal: no name lookup
        assertArrayEquals(jdk, IpAddress.parse(literal).toBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "256.1.1.1", "1.2.3.-4", " 1.2.3.4",
            "1.2.3.4 ", "1..2.3", "1.2.3.4.", "0x1.2.3.4", "1::2::3", ":1::", "1::2:", ":::", "1:2:3:4:5:6:7:8:9",
            "12345::", "::g", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "fe80::1%eth0", "::1.2.3", "1.2.3.4::",
            "1:2:3:4:5:6:7:1.2.3.4", "::ffff:01.2.3.4", "[::1]", "localhost", "١.٢.٣.٤", "::１"})
    void rejectsWhatInetPtonRejects(String text) {
        assertEquals(Optional.empty(), IpAddress.tryParse(text));
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            2001:0db8::0001            | 2001:db8::1
            2001:db8:0:0:0:0:2:1       | 2001:db8::2:1
            2001:db8:0:1:1:1:1:1       | 2001:db8:0:1:1:1:1:1
            2001:0:0:1:0:0:0:1         | 2001:0:0:1::1
            2001:db8:0:0:1:0:0:1       | 2001:db8::1:0:0:1
            2001:DB8::AbCd             | 2001:db8::abcd
            0:0:0:0:0:0:0:0            | ::
            0:0:0:0:0:0:0:1            | ::1
            1:0:0:0:0:0:0:0            | 1::
            0:0:0:0:0:ffff:c000:0201   | ::ffff:192.0.2.1
            ::192.0.2.1                | ::c000:201
            1:0:2:0:3:0:4:0            | 1:0:2:0:3:0:4:0
            """)
    void printsRfc5952(String text, String canonical) {
        assertEquals(canonical, IpAddress.parse(text).toString());
    }

    @Test
    void randomAddressesPrintAndParseBack() throws Exception {
        RandomConfigs gen = new RandomConfigs(7);
        for (int i = 0; i < 2000; i++) {
            IpAddress a = gen.address();
            String text = a.toString();

            assertEquals(a, IpAddress.parse(text), text);
            assertFalse(text.contains(":::"), text);
            assertEquals(text, text.toLowerCase(java.util.Locale.ROOT));
            if (a.isIpv6() && !text.startsWith("::ffff:")) {
                assertArrayEquals(a.toBytes(), InetAddress.getByName(text).getAddress(), text);
            }
        }
    }

    @Test
    void ipv4MappedStaysIpv6() {
        IpAddress a = IpAddress.parse("::ffff:10.1.2.3");

        assertTrue(a.isIpv6());
        assertEquals(128, a.bitLength());
        assertEquals(16, a.toInetAddress().getAddress().length);
    }

    @Test
    void byteConstructorCopiesAndChecksLength() {
        byte[] b = {10, 0, 0, 1};
        IpAddress a = IpAddress.ofBytes(b);
        b[0] = 11;

        assertEquals("10.0.0.1", a.toString());
        assertThrows(IllegalArgumentException.class, () -> IpAddress.ofBytes(new byte[5]));
    }
}
