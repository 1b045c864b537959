package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes the NetworkManager keyfile reader ({@link NmKeyfile#parse(String, CharSequence)}) with
 * arbitrary text (the input bytes as UTF-8). Nothing may throw. A file that imports must export
 * ({@link NmKeyfile#write}) to a keyfile that imports again, to the same config unless the export
 * listed what NetworkManager cannot hold (its warnings: search domains without an address, say),
 * and exporting that again gives the same text. A file that does not import must say why, every problem pointing at a line of
 * the file. No problem, error or warning, may show a private or preshared key that the file holds.
 *
 * <p>Seeds: {@code NmKeyfileFuzzTestInputs/} next to this class (the keyfiles NetworkManager wrote
 * that {@code NmKeyfileTest} uses, plus a few broken ones), replayed in {@code mvn verify};
 * {@code .ci/fuzz SECONDS NmKeyfile} fuzzes it.
 */
class NmKeyfileFuzzTest {
    private static final Pattern SECRET_LINE =
            Pattern.compile("(?m)^\\s*(?:private-key|preshared-key)\\s*=\\s*([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)\\s*$");
    private static final UUID UUID_FIXED = UUID.fromString("00000000-0000-4000-8000-000000000001");

    @FuzzTest
    void keyfilesImportOrSayWhy(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        NmImport r = NmKeyfile.parse("fuzz.nmconnection", text);
        long lines = text.lines().count() + 1;
        List<NmKeyfileProblem> all = new ArrayList<>(r.errors());
        all.addAll(r.warnings());
        List<String> secrets = new ArrayList<>();
        Matcher m = SECRET_LINE.matcher(text);
        while (m.find()) {
            secrets.add(m.group(1));
        }
        for (NmKeyfileProblem p : all) {
            String message = p.message();
            assertTrue(p.line() <= lines, () -> "problem past the last line: " + message);
            for (String s : secrets) {
                assertFalse(message.contains(s), () -> "a key from the file shows in: " + message);
            }
        }
        if (!r.isValid()) {
            assertFalse(r.errors().isEmpty(), "invalid without an error");
            assertTrue(r.errors().stream().allMatch(NmKeyfileProblem::isError), "a warning among the errors");
            return;
        }
        assertTrue(r.warnings().stream().noneMatch(NmKeyfileProblem::isError), "an error among the warnings");
        TunnelConfig c = r.config().orElseThrow();
        NmExport out = NmKeyfile.write(r.name(), c, UUID_FIXED);
        NmImport again = NmKeyfile.parse("export.nmconnection", out.text());
        assertTrue(again.isValid(), () -> "the export does not import: " + again.errors() + "\n" + out.text());
        TunnelConfig c2 = again.config().orElseThrow();
        if (out.warnings().isEmpty()) {
            assertEquals(c, c2, () -> "the round trip changed the config:\n" + out.text());
        }
        assertEquals(r.name(), again.name());
        assertEquals(out.text(), NmKeyfile.write(again.name(), c2, UUID_FIXED).text(), "exporting is not a fixed point");
    }
}
