package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.ConfigError.Reason;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every wg-quick key, and the leniency wg-quick allows. */
class TunnelConfigParseTest {
    private static final String HEAD = "[Interface]\nPrivateKey = " + Fixtures.PRIVATE_1 + "\n";
    private static final String PEER = "[Peer]\nPublicKey = " + Fixtures.PUBLIC_2 + "\n";

    private static TunnelConfig parse(String text) {
        ParseResult r = TunnelConfig.parseLenient("t.conf", text);
        assertEquals(List.of(), r.errors().stream().map(ConfigError::message).toList());
        return r.config().orElseThrow();
    }

    private static InterfaceConfig iface(String lines) {
        return parse(HEAD + lines).interfaceConfig();
    }

    private static PeerConfig peer(String lines) {
        return parse(HEAD + PEER + lines).peers().get(0);
    }

    private static List<Reason> reasons(String text) {
        return TunnelConfig.parseLenient("t.conf", text).errors().stream().map(ConfigError::reason).toList();
    }

    private static IpPrefix prefix(String s) {
        return IpPrefix.parse(s);
    }

    @Test
    void knownFileHasEveryValue() {
        TunnelConfig c = parse(Fixtures.read("known.conf"));
        InterfaceConfig i = c.interfaceConfig();

        assertEquals(PrivateKey.fromBase64(Fixtures.PRIVATE_1), i.privateKey());
        assertEquals(PublicKey.fromBase64(Fixtures.PUBLIC_1), i.publicKey());
        assertEquals(OptionalInt.of(51820), i.listenPort());
        assertEquals(OptionalLong.of(0x1234), i.fwMark());
        assertEquals(List.of(prefix("10.0.0.2/24"), prefix("fd00::2/64")), i.addresses());
        assertEquals(List.of(DnsServer.parse("10.0.0.1")), i.dnsServers());
        assertEquals(List.of(new SearchDomain("example.com")), i.dnsSearchDomains());
        assertEquals(OptionalInt.of(1420), i.mtu());
        assertEquals(RouteTable.ofNumber(1234), i.table());
        assertEquals(List.of("echo pre-up %i"), i.preUp());
        assertEquals(List.of("iptables -A FORWARD -i %i -j ACCEPT # kept: hooks run to the end of the line"),
                i.postUp());
        assertEquals(List.of("echo pre-down"), i.preDown());
        assertEquals(List.of("iptables -D FORWARD -i %i -j ACCEPT"), i.postDown());
        assertTrue(i.saveConfig());

        PeerConfig p1 = c.peers().get(0);
        assertEquals(PublicKey.fromBase64(Fixtures.PUBLIC_2), p1.publicKey());
        assertEquals(Optional.of(PresharedKey.fromBase64(Fixtures.PRESHARED)), p1.presharedKey());
        assertEquals(List.of(prefix("0.0.0.0/0"), prefix("::/0")), p1.allowedIps());
        assertEquals(Optional.of(Endpoint.of(IpAddress.parse("192.0.2.1"), 51820)), p1.endpoint());
        assertEquals(OptionalInt.of(25), p1.persistentKeepalive());

        PeerConfig p2 = c.peers().get(1);
        assertEquals(PublicKey.fromBase64(Fixtures.PUBLIC_3), p2.publicKey());
        assertEquals(Optional.empty(), p2.presharedKey());
        assertEquals(Optional.of(Endpoint.parse("[2001:db8::1]:51821")), p2.endpoint());
        assertEquals(OptionalInt.empty(), p2.persistentKeepalive());
    }

    @Test
    void minimalFileHasDefaults() {
        InterfaceConfig i = iface("");

        assertEquals(OptionalInt.empty(), i.listenPort());
        assertEquals(OptionalLong.empty(), i.fwMark());
        assertEquals(List.of(), i.addresses());
        assertEquals(OptionalInt.empty(), i.mtu());
        assertEquals(RouteTable.AUTO, i.table());
        assertEquals(false, i.saveConfig());
        assertEquals(List.of(), parse(HEAD).peers());
    }

    /* ---------- [Interface] keys ---------- */

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0          | 0
            1          | 1
            0x1        | 1
            0xfFfFfFfF | 4294967295
            4294967295 | 4294967295
            off        | 0
            OFF        | 0
            010        | 10
            """)
    void fwMarkAcceptsDecimalHexAndOff(String text, long expected) {
        assertEquals(expected == 0 ? OptionalLong.empty() : OptionalLong.of(expected),
                iface("FwMark = " + text + "\n").fwMark());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0x100000000 | NUMBER_OUT_OF_RANGE
            4294967296  | NUMBER_OUT_OF_RANGE
            0X10        | INVALID_NUMBER
            0x          | INVALID_NUMBER
            0xg         | INVALID_NUMBER
            -1          | INVALID_NUMBER
            on          | INVALID_NUMBER
            ''          | INVALID_NUMBER
            """)
    void fwMarkRejects(String text, Reason reason) {
        assertEquals(List.of(reason), reasons(HEAD + "FwMark = " + text + "\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536", "1e3", "port", "", "5 1"})
    void listenPortRejects(String text) {
        assertEquals(1, reasons(HEAD + "ListenPort = " + text + "\n").size());
    }

    @Test
    void listenPortZeroMeansRandom() {
        assertEquals(OptionalInt.empty(), iface("ListenPort = 0\n").listenPort());
        assertEquals(OptionalInt.of(65535), iface("ListenPort = 65535\n").listenPort());
    }

    @Test
    void addressesAcceptRepeatedLinesCommasAndSpaces() {
        InterfaceConfig i = iface("""
                Address = 10.0.0.2/24,fd00::2/64
                Address = 10.0.1.2  192.168.7.7/32 ,, 2001:db8::7
                """);

        assertEquals(List.of(prefix("10.0.0.2/24"), prefix("fd00::2/64"), prefix("10.0.1.2/32"),
                prefix("192.168.7.7/32"), prefix("2001:db8::7/128")), i.addresses());
        assertTrue(i.addresses().get(0).hasHostBits(), "Address keeps host bits");
    }

    @Test
    void dnsSortsServersAndSearchDomainsLikeWgQuick() {
        InterfaceConfig i = iface("DNS = 1.1.1.1, corp.example, 2606:4700:4700::1111\nDNS = home.arpa 9.9.9.9\n");

        assertEquals(List.of(DnsServer.parse("1.1.1.1"), DnsServer.parse("2606:4700:4700::1111"),
                DnsServer.parse("9.9.9.9")), i.dnsServers());
        assertEquals(List.of(new SearchDomain("corp.example"), new SearchDomain("home.arpa")), i.dnsSearchDomains());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1", "1.1.1.1.1", "fe80::1%eth0", "-bad.example", "a..b", "ex!ample"})
    void dnsRejectsBadEntries(String entry) {
        List<Reason> r = reasons(HEAD + "DNS = " + entry + "\n");
        assertTrue(!r.isEmpty() && r.stream().allMatch(x -> x == Reason.INVALID_DNS), r.toString());
    }

    @Test
    void emptyListValuesMeanNoEntries() {
        InterfaceConfig i = iface("Address =\nDNS = \nMTU =\nTable =\n");

        assertEquals(List.of(), i.addresses());
        assertEquals(List.of(), i.dnsServers());
        assertEquals(OptionalInt.empty(), i.mtu());
        assertEquals(RouteTable.AUTO, i.table());
        assertEquals(List.of(), peer("AllowedIPs =\n").allowedIps());
    }

    @Test
    void mtuRange() {
        assertEquals(OptionalInt.of(68), iface("MTU = 68\n").mtu());
        assertEquals(OptionalInt.of(9000), iface("MTU = 9000\n").mtu());
        assertEquals(OptionalInt.of(9216), iface("MTU = 9216\n").mtu());
        // Above the largest packet the engine carries (Protocol.MAX_PACKET_SIZE): refused, not truncated later.
        assertEquals(List.of(Reason.NUMBER_OUT_OF_RANGE), reasons(HEAD + "MTU = 9217\n"));
        assertEquals(List.of(Reason.NUMBER_OUT_OF_RANGE), reasons(HEAD + "MTU = 9300\n"));
        assertEquals(List.of(Reason.NUMBER_OUT_OF_RANGE), reasons(HEAD + "MTU = 65535\n"));
        assertEquals(List.of(Reason.NUMBER_OUT_OF_RANGE), reasons(HEAD + "MTU = 67\n"));
        assertEquals(List.of(Reason.NUMBER_OUT_OF_RANGE), reasons(HEAD + "MTU = 0\n"));
        assertEquals(List.of(Reason.INVALID_NUMBER), reasons(HEAD + "MTU = 1420.0\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            auto       | AUTO   |
            Auto       | AUTO   |
            off        | OFF    |
            oFf        | OFF    |
            0          | NUMBER | 0
            51820      | NUMBER | 51820
            4294967295 | NUMBER | 4294967295
            main       | NAME   |
            vpn_2.x-y  | NAME   |
            """)
    void tableForms(String text, RouteTable.Kind kind, Long number) {
        RouteTable t = iface("Table = " + text + "\n").table();

        assertEquals(kind, t.kind());
        assertEquals(Optional.ofNullable(number), t.number());
        if (kind == RouteTable.Kind.NAME) {
            assertEquals(Optional.of(text), t.name());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"4294967296", "a b", "tab/le", "ü"})
    void tableRejects(String text) {
        assertEquals(List.of(Reason.INVALID_VALUE), reasons(HEAD + "Table = " + text + "\n"));
    }

    @Test
    void hooksKeepOrderRepeatsAndEverythingAfterTheEqualsSign() {
        InterfaceConfig i = iface("""
                PostUp = ip rule add fwmark 1 table 2 # one
                PreUp = echo a=b
                PostUp=  printf '%s\\t#\\n' x
                PostUp = ip rule add fwmark 1 table 2 # one
                PreDown =
                PostDown = echo "%i down"
                """);

        assertEquals(List.of("echo a=b"), i.preUp());
        assertEquals(List.of("ip rule add fwmark 1 table 2 # one", "printf '%s\\t#\\n' x",
                "ip rule add fwmark 1 table 2 # one"), i.postUp());
        assertEquals(List.of(""), i.preDown());
        assertEquals(List.of("echo \"%i down\""), i.postDown());
    }

    @Test
    void hookWithControlCharacterIsInvalid() {
        assertEquals(List.of(Reason.INVALID_VALUE), reasons(HEAD + "PostUp = echo \u0007bell\n"));
    }

    @ParameterizedTest
    @CsvSource({"true,true", "false,false", "TRUE,true", "False,false"})
    void saveConfig(String text, boolean expected) {
        assertEquals(expected, iface("SaveConfig = " + text + "\n").saveConfig());
    }

    /* ---------- [Peer] keys ---------- */

    @Test
    void allowedIpsAcceptRepeatedLinesAndKeepHostBits() {
        PeerConfig p = peer("AllowedIPs = 10.0.0.0/8 , 192.168.1.1/24\nAllowedIPs=::/0\n");

        assertEquals(List.of(prefix("10.0.0.0/8"), prefix("192.168.1.1/24"), prefix("::/0")), p.allowedIps());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8,", "10.0.0.0/8 192.168.0.0/16", "+10.0.0.0/8", "10.0.0.0/-1", "::/129",
            "10.0.0.0/8/8", "01.2.3.4/32"})
    void allowedIpsRejectWhatWgRejects(String value) {
        List<Reason> r = reasons(HEAD + PEER + "AllowedIPs = " + value + "\n");
        assertTrue(!r.isEmpty() && r.stream().allMatch(x -> x == Reason.INVALID_PREFIX), r.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.1:51820             | IPV4     | 192.0.2.1       | 51820
            [2001:DB8::1]:1             | IPV6     | 2001:db8::1     | 1
            [fe80::1%eth0]:51820        | IPV6     | fe80::1%eth0    | 51820
            [::ffff:192.0.2.1]:443      | IPV6     | ::ffff:192.0.2.1 | 443
            vpn.example.com:65535       | HOSTNAME | vpn.example.com | 65535
            localhost:51820             | HOSTNAME | localhost       | 51820
            xn--bcher-kva.example.:7    | HOSTNAME | xn--bcher-kva.example. | 7
            """)
    void endpointForms(String text, Endpoint.Kind kind, String host, int port) {
        Endpoint e = peer("Endpoint = " + text + "\n").endpoint().orElseThrow();

        assertEquals(kind, e.kind());
        assertEquals(host, e.host());
        assertEquals(port, e.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "192.0.2.1:", "192.0.2.1:0", "192.0.2.1:65536", "2001:db8::1:51820",
            "[2001:db8::1]51820", "[192.0.2.1]:1", "[2001:db8::1:1", "256.0.0.1:1", "-host.example:1",
            "host_name .example:1", "[fe80::1%]:1", "bücher.example:1", ":51820"})
    void endpointRejects(String text) {
        assertEquals(List.of(Reason.INVALID_ENDPOINT), reasons(HEAD + PEER + "Endpoint = " + text + "\n"));
    }

    @ParameterizedTest
    @CsvSource({"off,0", "OFF,0", "0,0", "25,25", "65535,65535"})
    void persistentKeepalive(String text, int expected) {
        assertEquals(expected == 0 ? OptionalInt.empty() : OptionalInt.of(expected),
                peer("PersistentKeepalive = " + text + "\n").persistentKeepalive());
    }

    @Test
    void persistentKeepaliveRange() {
        assertEquals(List.of(Reason.NUMBER_OUT_OF_RANGE), reasons(HEAD + PEER + "PersistentKeepalive = 65536\n"));
    }

    @Test
    void zeroPresharedKeyMeansNone() {
        assertEquals(Optional.empty(), peer("PresharedKey = " + PresharedKey.none().toBase64() + "\n").presharedKey());
    }

    @Test
    void peerWithOnlyAPublicKeyIsValid() {
        PeerConfig p = peer("");

        assertEquals(List.of(), p.allowedIps());
        assertEquals(Optional.empty(), p.endpoint());
    }

    /* ---------- leniency ---------- */

    @Test
    void lenientSpellingParsesTheSameAsCanonical() {
        String canonical = Fixtures.read("known.wgquick");
        String lenient = "\uFEFF" + """
                  # comment before anything
                [interface]  # trailing comment on a header

                privatekey=%s
                LISTENPORT =51820#no space before the comment
                \tfwmark\t=\t0x1234\t
                Address = 10.0.0.2/24
                address = fd00::2/64
                dns = 10.0.0.1 ,example.com
                Mtu = 1420
                TABLE = 1234
                preup = echo pre-up %%i
                POSTUP = iptables -A FORWARD -i %%i -j ACCEPT # kept: hooks run to the end of the line
                PreDown=echo pre-down
                PostDown = iptables -D FORWARD -i %%i -j ACCEPT   \t
                SaveConfig = TRUE

                # between sections
                [PEER]
                PUBLICKEY = %s
                presharedkey = %s
                AllowedIps = 0.0.0.0/0
                allowedips = ::/0
                ENDPOINT = 192.0.2.1:51820
                persistentKEEPALIVE = 25
                [peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.3/32
                Endpoint = [2001:0db8:0000::0001]:51821""".formatted(Fixtures.PRIVATE_1, Fixtures.PUBLIC_2,
                Fixtures.PRESHARED, Fixtures.PUBLIC_3);
        String crlf = lenient.replace("\n", "\r\n");

        TunnelConfig expected = parse(canonical);
        assertEquals(expected, parse(lenient));
        assertEquals(expected, parse(crlf));
    }

    @Test
    void repeatedInterfaceSectionsAreMerged() {
        TunnelConfig c = parse(HEAD + "Address = 10.0.0.2/32\n" + PEER + "[Interface]\nListenPort = 1\nAddress = ::2\n");

        assertEquals(OptionalInt.of(1), c.interfaceConfig().listenPort());
        assertEquals(List.of(prefix("10.0.0.2/32"), prefix("::2/128")), c.interfaceConfig().addresses());
        assertEquals(1, c.peers().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"List enPort = 1", "ListenPort: 1", "[ Interface ]", "[Peer] x", "[Peer"})
    void whitespaceInsideKeysAndHeadersIsNotIgnored(String line) {
        assertEquals(1, reasons(HEAD + line + "\n").size());
    }

    @Test
    void nonAsciiLookalikeKeyIsUnknown() {
        // U+212A KELVIN SIGN lower-cases to 'k' in Java; wg-quick (LC_ALL=C) does not match it.
        assertEquals(List.of(Reason.UNKNOWN_ATTRIBUTE), reasons(HEAD + PEER + "Public\u212Aey = " + Fixtures.PUBLIC_3 + "\n"));
    }

    @Test
    void readerAndPathParseTheSameAsText(@TempDir Path dir) throws IOException, ConfigException {
        String text = Fixtures.read("known.conf");
        Path file = dir.resolve("home.conf");
        Files.writeString(file, text, StandardCharsets.UTF_8);

        TunnelConfig expected = TunnelConfig.parse("home.conf", text);
        assertEquals(expected, TunnelConfig.parse("home.conf", new StringReader(text)));
        assertEquals(expected, TunnelConfig.parse(file));
    }

    @Test
    void pathParserNamesErrorsByFileNameAndReplacesMalformedUtf8(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.conf");
        byte[] head = HEAD.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 4];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xff;
        bytes[head.length + 1] = '=';
        bytes[head.length + 2] = '1';
        bytes[head.length + 3] = '\n';
        Files.write(file, bytes);

        ParseResult r = TunnelConfig.parseLenient(file);

        assertEquals("bad.conf:3:1: \"\uFFFD\" is not a known key in [Interface]", r.errors().get(0).message());
    }

    @Test
    void oversizedInputIsRefusedBeforeParsing(@TempDir Path dir) throws IOException {
        String huge = "#".repeat(TunnelConfig.MAX_FILE_CHARS + 1);
        Path file = dir.resolve("huge.conf");
        Files.writeString(file, huge);

        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> TunnelConfig.parseLenient(file));
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> TunnelConfig.parseLenient("huge.conf", new StringReader(huge)));
    }
}
