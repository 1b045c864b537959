package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.ConfigError.Reason;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The text users read, secrets kept out of it, and collecting every error. */
class ConfigErrorMessageTest {
    private static final String HEAD = "[Interface]\nPrivateKey = " + Fixtures.PRIVATE_1 + "\n";

    @Test
    void messageReadsFileLineColumnKeyTextReason() {
        ParseResult r = TunnelConfig.parseLenient("home.conf", Fixtures.read("errors/invalid-prefix.conf"));

        assertEquals("home.conf:7:14: AllowedIPs: \"10.0.0.0/33\" is not a valid prefix", r.errors().get(0).message());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            invalid-number      | x.conf:3:14: ListenPort: "51820x" is not a valid number
            number-out-of-range | x.conf:3:7: MTU: "70000" is out of range (68 to 9216, the largest packet wgdesk carries)
            invalid-value       | x.conf:4:14: SaveConfig: "yes" is not a valid value (use true or false)
            invalid-endpoint    | x.conf:6:12: Endpoint: "vpn.example.com" is not a valid endpoint (use host:port or [ipv6]:port)
            invalid-dns         | x.conf:3:16: DNS: "10.0.0.256" is neither an IP address nor a valid search domain
            missing-attribute   | x.conf:4:1: PublicKey: is missing from the [Peer] section
            missing-section     | x.conf:1:1: the [Interface] section is missing
            duplicate-attribute | x.conf:4:14: ListenPort: "51821" repeats a key that may appear only once per section
            misplaced-attribute | x.conf:3:1: PublicKey: belongs in [Peer], not in [Interface]
            outside-section     | x.conf:3:1: ListenPort: comes before the first [Interface] or [Peer] section
            syntax-error        | x.conf:6:3: "AllowedIPs 10.0.0.0/8" is neither a section header nor a "Key = value" line
            unknown-attribute   | x.conf:3:1: "Foo" is not a known key in [Interface]
            unknown-section     | x.conf:4:1: "[Peers]" is not a known section (use [Interface] or [Peer])
            peer-is-self        | x.conf:5:13: PublicKey: "tLx2s0Yt7nK0bh/wI4vEP4UomCWplQHGdFcfwAIhS38=" is this interface's own public key
            """)
    void messagesForEachFixture(String fixture, String expected) {
        ParseResult r = TunnelConfig.parseLenient("x.conf", Fixtures.read("errors/" + fixture + ".conf"));

        assertEquals(List.of(expected), r.errors().stream().map(ConfigError::message).toList());
    }

    @Test
    void invalidPrivateKeyIsNeverShown() {
        String almostKey = Fixtures.PRIVATE_1.substring(0, 43); // one character short
        ParseResult r = TunnelConfig.parseLenient("k.conf", "[Interface]\nPrivateKey = " + almostKey + "\n");

        ConfigError e = r.errors().get(0);
        assertEquals(Reason.INVALID_KEY, e.reason());
        assertEquals(ConfigError.HIDDEN, e.text());
        assertEquals(43, e.length(), "the span still covers the value for highlighting");
        assertEquals("k.conf:2:14: PrivateKey: (hidden) is not a valid key (44 base64 characters)", e.message());
    }

    @Test
    void invalidPresharedKeyIsNeverShown() {
        String text = HEAD + "[Peer]\nPublicKey = " + Fixtures.PUBLIC_2 + "\nPresharedKey = "
                + Fixtures.PRESHARED.replace('A', '!') + "\n";

        ConfigException ex = assertThrows(ConfigException.class, () -> TunnelConfig.parse("p.conf", text));

        assertEquals(ConfigKey.PRESHARED_KEY, ex.errors().get(0).key().orElseThrow());
        assertFalse(ex.getMessage().contains(Fixtures.PRESHARED.substring(1, 30)), ex.getMessage());
    }

    @Test
    void duplicatePrivateKeyLineHidesTheSecondKey() {
        String text = HEAD + "PrivateKey = " + Fixtures.PRIVATE_1 + "\n";

        ConfigError e = TunnelConfig.parseLenient("d.conf", text).errors().get(0);

        assertEquals(Reason.DUPLICATE_ATTRIBUTE, e.reason());
        assertFalse(e.message().contains(Fixtures.PRIVATE_1), e.message());
    }

    @Test
    void keyPastedOnAWrongLineIsHidden() {
        // A bare key line has an '=' at its end, so it reads as an unknown key named by the secret.
        String text = HEAD + Fixtures.PRIVATE_1 + "\nAddress = " + Fixtures.PRIVATE_1 + "\n";

        List<ConfigError> errors = TunnelConfig.parseLenient("s.conf", text).errors();

        assertEquals(List.of(Reason.UNKNOWN_ATTRIBUTE, Reason.INVALID_PREFIX),
                errors.stream().map(ConfigError::reason).toList());
        for (ConfigError e : errors) {
            assertFalse(e.message().contains(Fixtures.PRIVATE_1.substring(0, 40)), e.message());
            assertTrue(e.text().contains(ConfigError.HIDDEN), e.text());
        }
    }

    @Test
    void allErrorsAreCollectedInFileOrder() {
        String text = """
                [Interface]
                ListenPort = 99999
                Address = 10.0.0.1/24, 10.0.0.300/24, fd00::/129
                Bogus = 1
                MTU = abc

                [Peer]
                AllowedIPs = 10.0.0.0/8,, 1.2.3.4/40
                Endpoint = [::1]
                PersistentKeepalive = -1

                [Peer]
                PublicKey = %s
                PublicKey = %s
                """.formatted(Fixtures.PUBLIC_2, Fixtures.PUBLIC_3);

        ParseResult r = TunnelConfig.parseLenient("many.conf", text);

        assertEquals(List.of(
                "many.conf:1:1: PrivateKey: is missing from the [Interface] section",
                "many.conf:2:14: ListenPort: \"99999\" is out of range (0 to 65535)",
                "many.conf:3:24: Address: \"10.0.0.300/24\" is not a valid prefix",
                "many.conf:3:39: Address: \"fd00::/129\" is not a valid prefix",
                "many.conf:4:1: \"Bogus\" is not a known key in [Interface]",
                "many.conf:5:7: MTU: \"abc\" is not a valid number",
                "many.conf:7:1: PublicKey: is missing from the [Peer] section",
                "many.conf:8:25: AllowedIPs: \"\" is not a valid prefix",
                "many.conf:8:27: AllowedIPs: \"1.2.3.4/40\" is not a valid prefix",
                "many.conf:9:12: Endpoint: \"[::1]\" is not a valid endpoint (use host:port or [ipv6]:port)",
                "many.conf:10:23: PersistentKeepalive: \"-1\" is not a valid number (use seconds, or off)",
                "many.conf:14:13: PublicKey: \"" + Fixtures.PUBLIC_3
                        + "\" repeats a key that may appear only once per section"),
                r.errors().stream().map(ConfigError::message).toList());
        assertTrue(r.config().isEmpty());
        assertEquals("[Interface]", r.errors().get(0).text(), "a missing key points at its section header");
    }

    @Test
    void exceptionCarriesEveryErrorAndJoinsTheirMessages() {
        String text = "[Interface]\nPrivateKey = " + Fixtures.PRIVATE_1 + "\nMTU = 1\nTable = a b\n";

        ConfigException ex = assertThrows(ConfigException.class, () -> TunnelConfig.parse("e.conf", text));

        assertEquals(2, ex.errors().size());
        assertEquals("""
                e.conf:3:7: MTU: "1" is out of range (68 to 9216, the largest packet wgdesk carries)
                e.conf:4:9: Table: "a b" is not a valid value (use auto, off, a table number or a table name)""",
                ex.getMessage());
    }

    @Test
    void emptyFileReportsTheMissingInterface() {
        ParseResult r = TunnelConfig.parseLenient("empty.conf", "");

        assertEquals(List.of(new ConfigError("empty.conf", ConfigSection.TOP_LEVEL, Optional.empty(),
                Reason.MISSING_SECTION, 1, 1, "", 0)), r.errors());
    }

    @Test
    void linesInsideAnUnknownSectionAreReportedOnce() {
        String text = HEAD + "[Wat]\nFoo = 1\nBar\n[Peer]\nPublicKey = " + Fixtures.PUBLIC_2 + "\nZap = 2\n";

        List<ConfigError> errors = TunnelConfig.parseLenient("u.conf", text).errors();

        assertEquals(List.of(Reason.UNKNOWN_SECTION, Reason.UNKNOWN_ATTRIBUTE),
                errors.stream().map(ConfigError::reason).toList());
        assertEquals(List.of(3, 8), errors.stream().map(ConfigError::line).toList());
    }

    @Test
    void errorRecordRejectsImpossiblePositions() {
        assertThrows(IllegalArgumentException.class, () -> new ConfigError("f", ConfigSection.TOP_LEVEL,
                Optional.empty(), Reason.SYNTAX_ERROR, 0, 1, "x", 1));
        assertThrows(IllegalArgumentException.class, () -> new ConfigError("f", ConfigSection.TOP_LEVEL,
                Optional.empty(), Reason.SYNTAX_ERROR, 1, 0, "x", 1));
    }
}
