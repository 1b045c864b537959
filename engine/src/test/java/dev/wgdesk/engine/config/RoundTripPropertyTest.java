package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests over many generated configs: parse → serialise → parse gives equal objects, any
 * lenient respelling parses to the same config, and damaged files never crash the parser.
 */
class RoundTripPropertyTest {
    private static final int CONFIGS = 400;

    private static TunnelConfig parseOrFail(String name, String text) {
        ParseResult r = TunnelConfig.parseLenient(name, text);
        if (!r.isValid()) {
            fail(r.errors().stream().map(ConfigError::message).toList() + "\n" + text);
        }
        return r.config().orElseThrow();
    }

    @Test
    void generatedConfigsSurviveWgQuickRoundTrip() {
        RandomConfigs gen = new RandomConfigs(1);
        for (int i = 0; i < CONFIGS; i++) {
            TunnelConfig c = gen.config();
            String text = c.toWgQuickString();

            TunnelConfig back = parseOrFail("gen.conf", text);

            assertEquals(c, back, text);
            assertEquals(c.hashCode(), back.hashCode());
            assertEquals(text, back.toWgQuickString());
        }
    }

    @Test
    void fixturesSurviveRoundTrip() {
        for (String name : List.of("known.conf", "known.wgquick", "known.setconf")) {
            TunnelConfig c = parseOrFail(name, Fixtures.read(name));
            assertEquals(c, parseOrFail(name, c.toWgQuickString()), name);
        }
    }

    @Test
    void lenientRespellingsParseToTheSameConfig() {
        RandomConfigs gen = new RandomConfigs(2);
        for (int i = 0; i < CONFIGS; i++) {
            TunnelConfig c = gen.config();
            String respelled = respell(c.toWgQuickString(), gen.random());

            assertEquals(c, parseOrFail("lenient.conf", respelled), respelled);
        }
    }

    @Test
    void damagedFilesNeverCrashAndErrorsPointIntoTheFile() {
        RandomConfigs gen = new RandomConfigs(3);
        Random rnd = gen.random();
        String alphabet = "[]=#,/:.% \t\r\n0123456789abcdefxABCDEFX+-_\uFEFF\u00e9\u212A";
        int invalid = 0;
        for (int i = 0; i < CONFIGS * 5; i++) {
            StringBuilder sb = new StringBuilder(gen.config().toWgQuickString());
            for (int m = 1 + rnd.nextInt(4); m > 0 && !sb.isEmpty(); m--) {
                int at = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    default -> sb.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
            }
            String text = sb.toString();

            ParseResult r = TunnelConfig.parseLenient("fuzz.conf", text);

            if (r.isValid()) {
                TunnelConfig c = r.config().orElseThrow();
                assertEquals(c, parseOrFail("fuzz.conf", c.toWgQuickString()), text);
                continue;
            }
            invalid++;
            String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
            String[] lines = body.split("\n", -1);
            for (ConfigError e : r.errors()) {
                assertTrue(e.line() <= lines.length, e.message());
                String line = lines[e.line() - 1];
                assertTrue(e.column() - 1 + e.length() <= line.length(), e + " on line: " + line);
                if (!e.text().contains(ConfigError.HIDDEN)) {
                    assertEquals(e.text(), line.substring(e.column() - 1, e.column() - 1 + e.length()), e.message());
                }
            }
        }
        assertTrue(invalid > CONFIGS, "mutations should usually break the file, broke " + invalid);
    }

    /**
     * Rewrites canonical wg-quick text in ways wg-quick accepts: random key and header case,
     * whitespace around '=' and commas, trailing comments, blank and comment lines, list values
     * split over several lines, CRLF, a byte-order mark.
     */
    static String respell(String canonical, Random rnd) {
        StringBuilder out = new StringBuilder();
        if (rnd.nextBoolean()) {
            out.append('\uFEFF');
        }
        String eol = rnd.nextBoolean() ? "\r\n" : "\n";
        for (String line : canonical.split("\n")) {
            if (rnd.nextInt(4) == 0) {
                out.append(rnd.nextBoolean() ? "" : "  # a comment = [Peer], 1.2.3.4").append(eol);
            }
            if (line.isEmpty()) {
                out.append(eol);
                continue;
            }
            if (line.startsWith("[")) {
                out.append(space(rnd)).append(randomCase(line, rnd)).append(space(rnd));
                out.append(rnd.nextBoolean() ? "# header comment" : "").append(eol);
                continue;
            }
            int eq = line.indexOf(" = ");
            String key = eq < 0 ? line.substring(0, line.length() - 2) : line.substring(0, eq);
            String value = eq < 0 ? "" : line.substring(eq + 3);
            boolean hook = key.startsWith("Pre") || key.startsWith("Post");
            boolean list = key.equals("Address") || key.equals("DNS") || key.equals("AllowedIPs");
            List<String> values = List.of(value);
            if (list && value.contains(", ") && rnd.nextBoolean()) {
                values = List.of(value.split(", "));
            }
            for (String v : values) {
                if (list) {
                    v = v.replace(", ", space(rnd) + "," + space(rnd));
                }
                out.append(space(rnd)).append(randomCase(key, rnd)).append(space(rnd)).append('=')
                        .append(space(rnd)).append(v);
                if (!hook) {
                    out.append(space(rnd)).append(rnd.nextBoolean() ? "#trailing" : "");
                }
                out.append(eol);
            }
        }
        return out.toString();
    }

    private static String space(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> "";
            case 1 -> " ";
            case 2 -> "\t";
            default -> "  \t ";
        };
    }

    private static String randomCase(String s, Random rnd) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(rnd.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return sb.toString().toUpperCase(Locale.ROOT).equals(s.toUpperCase(Locale.ROOT)) ? sb.toString() : s;
    }
}
