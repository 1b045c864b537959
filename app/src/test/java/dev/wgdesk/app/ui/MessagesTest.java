package dev.wgdesk.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.i18n.Messages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every message key the UI code names exists in the bundle, and every bundle value is a valid pattern. */
class MessagesTest {
    private static final Pattern KEY_USE = Pattern.compile("(?:Messages\\.get|text|label)\\(\"([a-zA-Z0-9_.]+)\"");

    @Test
    void everyKeyUsedInTheCodeIsInTheBundle() throws IOException {
        Messages.useLocale(Locale.ROOT);
        Path src = Path.of("src/main/java/dev/wgdesk/app/ui");
        List<String> missing = new ArrayList<>();
        int found = 0;
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = KEY_USE.matcher(Files.readString(f));
                while (m.find()) {
                    found++;
                    if (m.group(1).contains(".") && !m.group(1).endsWith(".") && !Messages.has(m.group(1))) {
                        missing.add(f.getFileName() + ": " + m.group(1));
                    }
                }
            }
        }
        assertTrue(found > 50, "the scan found the keys (" + found + ")");
        assertEquals(List.of(), missing);
    }

    @Test
    void everyPatternFormats() {
        Messages.useLocale(Locale.ROOT);
        for (String k : Messages.bundle().keySet()) {
            String s = Messages.get(k, 1, 2, 3);
            assertTrue(!s.isBlank(), k);
        }
    }
}
