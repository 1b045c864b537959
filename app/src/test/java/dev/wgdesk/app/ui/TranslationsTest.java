package dev.wgdesk.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.i18n.Messages;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Format;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every translation ({@code messages_*.properties}) has exactly the keys of the English bundle, every
 * value uses the same arguments in the same kinds of format (a number where English has a number, a
 * choice where English has a choice), and it is really translated; and the app picks the right one.
 */
class TranslationsTest {
    private static final Path DIR = Path.of("src/main/resources/dev/wgdesk/app/ui");
    /** Texts that are the same in German: names, numbers and punctuation only. */
    private static final Set<String> SAME_IN_GERMAN = Set.of("app.title", "app.name", "time.separator", "error.tunnel",
            "tray.tooltip", "detail.mtu", "detail.status", "detail.peer", "diagnosis.peer", "import.failure", "editor.name",
            "log.column.tunnel", "tray.tunnels", "main.tab.tunnels", "main.list.accessible",
            "system.source.wgQuick", "system.source.nm");

    private final Locale savedDefault = Locale.getDefault();

    @AfterEach
    void restore() {
        Locale.setDefault(savedDefault);
        Messages.useLocale(Locale.ROOT);
    }

    private static Map<String, String> read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> m = new TreeMap<>();
        p.forEach((k, v) -> m.put((String) k, (String) v));
        return m;
    }

    private static List<Path> translations() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(f -> f.getFileName().toString().matches("messages_[a-zA-Z_]+\\.properties")).sorted().toList();
        }
    }

    @Test
    void thereIsAGermanTranslation() throws IOException {
        assertTrue(translations().contains(DIR.resolve("messages_de.properties")), translations().toString());
    }

    @Test
    void everyTranslationHasEveryKeyAndNoOther() throws IOException {
        Map<String, String> english = read(DIR.resolve("messages.properties"));
        assertTrue(english.size() > 100, "read the English bundle: " + english.size());
        for (Path t : translations()) {
            Map<String, String> other = read(t);
            Set<String> missing = new TreeSet<>(english.keySet());
            missing.removeAll(other.keySet());
            Set<String> extra = new TreeSet<>(other.keySet());
            extra.removeAll(english.keySet());
            assertEquals(Set.of(), missing, t + " lacks these keys");
            assertEquals(Set.of(), extra, t + " has keys the English bundle does not");
            for (var e : other.entrySet()) {
                assertFalse(e.getValue().isBlank(), t + ": " + e.getKey() + " is empty");
            }
        }
    }

    @Test
    void everyPlaceholderMatches() throws IOException {
        Map<String, String> english = read(DIR.resolve("messages.properties"));
        for (Path t : translations()) {
            Map<String, String> other = read(t);
            List<String> wrong = new ArrayList<>();
            for (var e : english.entrySet()) {
                String key = e.getKey();
                String theirs = other.get(key);
                if (theirs == null) {
                    continue; // reported by the test above
                }
                String why = compare(e.getValue(), theirs);
                if (why != null) {
                    wrong.add(key + ": " + why + "\n  en: " + e.getValue() + "\n  " + t.getFileName() + ": " + theirs);
                }
            }
            assertEquals(List.of(), wrong, t.getFileName() + ": placeholders differ");
        }
    }

    /** Null when both patterns take the same arguments with the same kinds of format, else why not. */
    static String compare(String english, String translated) {
        MessageFormat en;
        MessageFormat tr;
        try {
            en = new MessageFormat(english, Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "the English pattern is invalid: " + e.getMessage();
        }
        try {
            tr = new MessageFormat(translated, Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "the pattern is invalid: " + e.getMessage();
        }
        Format[] a = en.getFormatsByArgumentIndex();
        Format[] b = tr.getFormatsByArgumentIndex();
        if (a.length != b.length) {
            return "takes " + b.length + " arguments, English " + a.length;
        }
        for (int i = 0; i < a.length; i++) {
            String ka = a[i] == null ? "text" : a[i].getClass().getSimpleName();
            String kb = b[i] == null ? "text" : b[i].getClass().getSimpleName();
            if (!ka.equals(kb)) {
                return "argument {" + i + "} is formatted as " + kb + ", in English as " + ka;
            }
        }
        // every argument English uses (top level or inside a choice) is used too
        if (!indices(english).equals(indices(translated))) {
            return "uses arguments " + indices(translated) + ", English " + indices(english);
        }
        // and the result with sample arguments must not keep a brace (a mistyped placeholder)
        Object[] args = {2, 3, 4, 5};
        String formatted = tr.format(args);
        if (formatted.contains("{") != en.format(args).contains("{")) {
            return "formats to text with a brace: " + formatted;
        }
        return null;
    }

    private static final Pattern ARG = Pattern.compile("\\{(\\d+)");

    private static Set<Integer> indices(String pattern) {
        Set<Integer> s = new TreeSet<>();
        Matcher m = ARG.matcher(pattern.replaceAll("'[^']*'", ""));
        while (m.find()) {
            s.add(Integer.parseInt(m.group(1)));
        }
        return s;
    }

    @Test
    void theCheckCatchesMistakes() {
        assertEquals(null, compare("Imported {0} of {1}", "{0} von {1} importiert"));
        assertTrue(compare("Imported {0} of {1}", "{0} importiert") != null, "a lost argument");
        assertTrue(compare("{0,choice,0#none|1#one}", "{0}") != null, "a choice become text");
        assertTrue(compare("{0} x", "{1} x") != null, "the wrong argument");
        assertTrue(compare("Don''t {0}", "Nicht {0") != null, "an unbalanced brace");
    }

    @Test
    void germanIsReallyTranslated() throws IOException {
        Map<String, String> english = read(DIR.resolve("messages.properties"));
        Map<String, String> german = read(DIR.resolve("messages_de.properties"));
        Set<String> same = new TreeSet<>();
        english.forEach((k, v) -> {
            if (v.equals(german.get(k))) {
                same.add(k);
            }
        });
        same.removeAll(SAME_IN_GERMAN);
        assertEquals(Set.of(), same, "left in English");
    }

    @Test
    void theAppFollowsTheLocale() {
        Messages.useLocale(Locale.GERMANY);
        assertEquals("Aktiv", Messages.get("state.ACTIVE"));
        assertEquals("vor 5 Minuten", Messages.get("time.ago", Messages.get("time.minutes", 5)));
        assertEquals("3 von 4 Tunneln importiert", Messages.get("import.summary", 3, 4));
        Messages.useLocale(Locale.ENGLISH);
        assertEquals("Active", Messages.get("state.ACTIVE"));
        Messages.useLocale(Locale.FRENCH); // no translation: English
        assertEquals("Active", Messages.get("state.ACTIVE"));
    }

    @Test
    void englishOnAGermanDesktopIsEnglish() {
        // ResourceBundle's usual fallback would give the default locale's (German) bundle for "en".
        Locale.setDefault(Locale.GERMANY);
        Messages.useLocale(Locale.ENGLISH);
        assertEquals("Active", Messages.get("state.ACTIVE"));
        Messages.useLocale(Locale.GERMANY);
        assertEquals("Aktiv", Messages.get("state.ACTIVE"));
    }

    @Test
    void optionThenVariableThenOs() {
        assertEquals(Locale.forLanguageTag("de"), Messages.choose("de", "en", Locale.US));
        assertEquals(Locale.forLanguageTag("de-AT"), Messages.choose(null, "de_AT.UTF-8", Locale.US));
        assertEquals(Locale.ENGLISH, Messages.choose(null, "C", Locale.GERMANY));
        assertEquals(Locale.ENGLISH, Messages.choose("POSIX", null, Locale.GERMANY));
        assertEquals(Locale.GERMANY, Messages.choose(null, "", Locale.GERMANY));
        assertEquals(Locale.GERMANY, Messages.choose(" ", null, Locale.GERMANY));
    }
}
