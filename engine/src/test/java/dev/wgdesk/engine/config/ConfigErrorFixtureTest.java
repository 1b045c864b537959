package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.config.ConfigError.Reason;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One fixture file per {@link Reason} under {@code config/errors/}, each with exactly one problem;
 * the test checks the reason, key, section, line, column and text of the error it produces.
 */
class ConfigErrorFixtureTest {

    private static String fixtureName(Reason reason) {
        return "errors/" + reason.name().toLowerCase(Locale.ROOT).replace('_', '-') + ".conf";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            INVALID_KEY         | PUBLIC_KEY           | PEER      | 7 | 13 | 03O4Yr8RFy6oK2OJrCmr74DheE49QSedPBZJrSaK5jc
            INVALID_NUMBER      | LISTEN_PORT          | INTERFACE | 3 | 14 | 51820x
            NUMBER_OUT_OF_RANGE | MTU                  | INTERFACE | 3 | 7  | 70000
            INVALID_VALUE       | SAVE_CONFIG          | INTERFACE | 4 | 14 | yes
            INVALID_PREFIX      | ALLOWED_IPS          | PEER      | 7 | 14 | 10.0.0.0/33
            INVALID_ENDPOINT    | ENDPOINT             | PEER      | 6 | 12 | vpn.example.com
            INVALID_DNS         | DNS                  | INTERFACE | 3 | 16 | 10.0.0.256
            INVALID_ROUTING_DOMAIN | DNS               | INTERFACE | 3 | 18 | ~corp..example
            MISSING_ATTRIBUTE   | PUBLIC_KEY           | PEER      | 4 | 1  | [Peer]
            MISSING_SECTION     | -                    | TOP_LEVEL | 1 | 1  | ''
            DUPLICATE_ATTRIBUTE | LISTEN_PORT          | INTERFACE | 4 | 14 | 51821
            DUPLICATE_PEER      | PUBLIC_KEY           | PEER      | 9 | 13 | 03O4Yr8RFy6oK2OJrCmr74DheE49QSedPBZJrSaK5jc=
            PEER_IS_SELF        | PUBLIC_KEY           | PEER      | 5 | 13 | tLx2s0Yt7nK0bh/wI4vEP4UomCWplQHGdFcfwAIhS38=
            MISPLACED_ATTRIBUTE | PUBLIC_KEY           | INTERFACE | 3 | 1  | PublicKey
            OUTSIDE_SECTION     | LISTEN_PORT          | TOP_LEVEL | 3 | 1  | ListenPort
            SYNTAX_ERROR        | -                    | PEER      | 6 | 3  | AllowedIPs 10.0.0.0/8
            UNKNOWN_ATTRIBUTE   | -                    | INTERFACE | 3 | 1  | Foo
            UNKNOWN_SECTION     | -                    | TOP_LEVEL | 4 | 1  | [Peers]
            """)
    void fixtureProducesExactlyThisError(Reason reason, ConfigKey key, ConfigSection section, int line, int column,
                                         String text) {
        String fileName = fixtureName(reason);
        ParseResult result = TunnelConfig.parseLenient(fileName, Fixtures.read(fileName));

        assertEquals(Optional.empty(), result.config());
        assertEquals(List.of(new ConfigError(fileName, section, Optional.ofNullable(key), reason, line, column,
                text, text.length())), result.errors());
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void everyReasonHasAFixture(Reason reason) {
        assertTrue(Fixtures.exists(fixtureName(reason)), "missing fixture " + fixtureName(reason));
    }

    @Test
    void errorPositionsPointAtTheOffendingTextInTheFile() {
        for (Reason reason : Reason.values()) {
            String name = fixtureName(reason);
            String[] lines = Fixtures.read(name).split("\n", -1);
            for (ConfigError e : TunnelConfig.parseLenient(name, Fixtures.read(name)).errors()) {
                String line = lines[e.line() - 1];
                assertEquals(e.text(), line.substring(e.column() - 1, e.column() - 1 + e.length()), e.message());
            }
        }
    }
}
