package dev.wgdesk.app.ui.config;

import dev.wgdesk.app.ui.config.ConfigText.Kind;
import dev.wgdesk.app.ui.config.ConfigText.Line;
import dev.wgdesk.engine.config.ConfigKey;
import dev.wgdesk.engine.config.ConfigSection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * wg-quick syntax highlighting as plain data: the text cut into consecutive spans, each with the
 * CSS style classes the editor gives it. Problems (errors and lint warnings) are laid over the
 * syntax classes so that the editor can underline them. Pure functions; thread-safe.
 */
public final class Highlighter {
    /** Style class of a section header such as {@code [Peer]}. */
    public static final String SECTION = "wg-section";
    /** Style class of a known key name. */
    public static final String KEY = "wg-key";
    /** Style class of a key name wg-quick does not know. */
    public static final String UNKNOWN_KEY = "wg-unknown-key";
    /** Style class of the {@code =} between key and value. */
    public static final String EQUALS = "wg-equals";
    /** Style class of a value. */
    public static final String VALUE = "wg-value";
    /** Style class of a PrivateKey or PresharedKey value. */
    public static final String SECRET = "wg-secret";
    /** Style class of a comment. */
    public static final String COMMENT = "wg-comment";
    /** Style class of a line that is neither blank, comment, header nor entry. */
    public static final String GARBAGE = "wg-garbage";
    /** Style class laid over text that has an error. */
    public static final String ERROR = "wg-error";
    /** Style class laid over text that has a lint warning. */
    public static final String WARNING = "wg-warning";

    /**
     * A run of characters with the same styles.
     *
     * @param length number of chars (at least 1, except for the single span of an empty text)
     * @param styles the style classes, possibly empty
     */
    public record Span(int length, Set<String> styles) {
        /** Copies the set. */
        public Span {
            styles = Set.copyOf(styles);
        }
    }

    /**
     * A problem's range in the text, to be underlined.
     *
     * @param start first char
     * @param end   just past the last char (a range that would be empty is widened to one char)
     * @param error true for an error, false for a warning (an error wins where they overlap)
     */
    public record Mark(int start, int end, boolean error) {
    }

    private Highlighter() {}

    /** The spans of {@code text}, covering it completely and in order. */
    public static List<Span> spans(ConfigText text, List<Mark> marks) {
        Objects.requireNonNull(marks, "marks");
        String t = text.text();
        int n = t.length();
        if (n == 0) {
            return List.of(new Span(0, Set.of()));
        }
        String[] syntax = new String[n];
        for (Line l : text.lines()) {
            paint(text, l, syntax);
        }
        byte[] overlay = new byte[n];
        for (Mark m : marks) {
            int s = Math.clamp(m.start(), 0, n);
            int e = Math.clamp(m.end(), 0, n);
            if (e <= s) {
                // A problem about something missing: underline one char where it would be.
                s = Math.min(s, n - 1);
                e = s + 1;
            }
            byte v = (byte) (m.error() ? 2 : 1);
            for (int i = s; i < e; i++) {
                overlay[i] = (byte) Math.max(overlay[i], v);
            }
        }
        List<Span> out = new ArrayList<>();
        int runStart = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || !Objects.equals(syntax[i], syntax[runStart]) || overlay[i] != overlay[runStart]) {
                out.add(new Span(i - runStart, styles(syntax[runStart], overlay[runStart])));
                runStart = i;
            }
        }
        return out;
    }

    private static Set<String> styles(String syntax, byte overlay) {
        String o = overlay == 2 ? ERROR : overlay == 1 ? WARNING : null;
        if (syntax == null) {
            return o == null ? Set.of() : Set.of(o);
        }
        return o == null ? Set.of(syntax) : Set.of(syntax, o);
    }

    private static void paint(ConfigText text, Line l, String[] s) {
        if (l.commentStart() >= 0) {
            Arrays.fill(s, l.commentStart(), l.end(), COMMENT);
        }
        switch (l.kind()) {
            case SECTION -> Arrays.fill(s, l.keyStart(), l.keyEnd(),
                    l.section() == ConfigSection.TOP_LEVEL ? GARBAGE : SECTION);
            case ENTRY -> {
                Optional<ConfigKey> key = text.key(l);
                Arrays.fill(s, l.keyStart(), l.keyEnd(), key.isPresent() ? KEY : UNKNOWN_KEY);
                s[l.equalsAt()] = EQUALS;
                boolean secret = key.map(ConfigKey::isSecret).orElse(false);
                Arrays.fill(s, l.valueStart(), l.valueEnd(), secret ? SECRET : VALUE);
            }
            case OTHER -> {
                int end = l.commentStart() >= 0 ? l.commentStart() : l.end();
                int a = l.start();
                while (a < end && Character.isWhitespace(text.text().charAt(a))) {
                    a++;
                }
                Arrays.fill(s, a, end, GARBAGE);
            }
            case BLANK, COMMENT -> { }
        }
    }

    /** Convenience: the kind of line at 1-based {@code line}. */
    static Kind kindOf(ConfigText text, int line) {
        return text.line(line).kind();
    }
}
