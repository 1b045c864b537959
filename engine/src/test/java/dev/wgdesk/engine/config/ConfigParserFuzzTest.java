package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the wg-quick parser ({@link TunnelConfig#parseLenient}) with arbitrary text (the input
 * bytes as UTF-8). Whatever
 * parses must round-trip: {@link ConfigWriter} writes it, the text parses again to an equal
 * config, and writing that gives the same text. Whatever does not parse must say why with errors
 * that point into the file (line, column and span inside the line). Nothing may throw.
 *
 * <p>Seeds: {@code ConfigParserFuzzTestInputs/} next to this class (real-world configs and the
 * error fixtures), run in {@code mvn verify}.
 */
class ConfigParserFuzzTest {
    @FuzzTest
    void parsedConfigsRoundTrip(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ParseResult r = TunnelConfig.parseLenient("fuzz.conf", text);
        if (r.isValid()) {
            TunnelConfig c = r.config().orElseThrow();
            String written = ConfigWriter.wgQuick(c);
            ParseResult again = TunnelConfig.parseLenient("fuzz.conf", written);
            assertTrue(again.isValid(), () -> "what the writer wrote does not parse: " + again.errors() + "\n" + written);
            TunnelConfig c2 = again.config().orElseThrow();
            assertEquals(c, c2, () -> "round trip changed the config:\n" + written);
            assertEquals(c.hashCode(), c2.hashCode());
            assertEquals(written, ConfigWriter.wgQuick(c2), "writing is not a fixed point");
            // The other two forms must not fail on anything the parser accepted.
            ConfigWriter.wgSetconf(c);
            try {
                c.toUapiSetString();
            } catch (UnresolvedEndpointException expected) {
                // a host-name endpoint: UAPI needs addresses
            }
            c.toString();
        } else {
            assertFalse(r.errors().isEmpty(), "invalid without an error");
            String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
            String[] lines = body.split("\n", -1);
            for (ConfigError e : r.errors()) {
                e.message();
                assertTrue(e.line() <= lines.length, () -> "error past the last line: " + e);
                String line = lines[e.line() - 1];
                assertTrue(e.column() - 1 + e.length() <= line.length(), () -> e + " outside its line: " + line);
                if (!e.text().contains(ConfigError.HIDDEN)) {
                    assertEquals(e.text(), line.substring(e.column() - 1, e.column() - 1 + e.length()), e::message);
                }
            }
        }
    }
}
