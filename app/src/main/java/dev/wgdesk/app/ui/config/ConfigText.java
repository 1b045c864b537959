package dev.wgdesk.app.ui.config;

import dev.wgdesk.engine.config.ConfigKey;
import dev.wgdesk.engine.config.ConfigSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A line-by-line view of wg-quick text as the user typed it, valid or not: where each line's
 * section header, key, value and comment are. The editor uses it to highlight, to find the line a
 * lint warning concerns, and to change one value without touching the rest of the text
 * (comments, order and spacing are kept).
 *
 * <p>This is not a parser: {@link dev.wgdesk.engine.config.TunnelConfig#parseLenient} decides
 * what is valid. Immutable and thread-safe.
 */
public final class ConfigText {

    /** What a line is. */
    public enum Kind {
        /** Empty or only whitespace. */
        BLANK,
        /** Only a comment ({@code #} after optional whitespace). */
        COMMENT,
        /** A {@code [Section]} header (known or not). */
        SECTION,
        /** {@code Key = value}, optionally followed by a comment. */
        ENTRY,
        /** Anything else. */
        OTHER
    }

    /**
     * One line. Offsets are into the whole text; an absent part has start = end = -1.
     *
     * @param number       1-based line number
     * @param start        offset of the line's first char
     * @param end          offset just past the line's last char (before the line break)
     * @param kind         what the line is
     * @param section      the section the line is in (for a header: the section it opens)
     * @param sectionIndex 0-based index of this [Peer] among the peers, -1 outside peers
     * @param keyStart     start of the key name (ENTRY) or of the header text (SECTION)
     * @param keyEnd       end of the key name or header
     * @param equalsAt     offset of '=' (ENTRY), else -1
     * @param valueStart   start of the trimmed value (ENTRY), else -1
     * @param valueEnd     end of the trimmed value (ENTRY), else -1
     * @param commentStart offset of the comment marker, or -1
     */
    public record Line(int number, int start, int end, Kind kind, ConfigSection section, int sectionIndex,
                       int keyStart, int keyEnd, int equalsAt, int valueStart, int valueEnd, int commentStart) {
    }

    private final String text;
    private final List<Line> lines;

    private ConfigText(String text, List<Line> lines) {
        this.text = text;
        this.lines = List.copyOf(lines);
    }

    /** Splits {@code text} into lines ({@code \n}, {@code \r\n} or {@code \r} end a line). */
    public static ConfigText of(String text) {
        Objects.requireNonNull(text, "text");
        List<Line> out = new ArrayList<>();
        ConfigSection section = ConfigSection.TOP_LEVEL;
        int peer = -1;
        int pos = 0;
        int number = 1;
        int n = text.length();
        while (pos <= n) {
            int end = pos;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            Line line = classify(text, number, pos, end, section, peer);
            if (line.kind() == Kind.SECTION) {
                section = line.section();
                if (section == ConfigSection.PEER) {
                    peer = line.sectionIndex();
                }
            }
            out.add(line);
            if (end >= n) {
                break;
            }
            pos = end + (text.charAt(end) == '\r' && end + 1 < n && text.charAt(end + 1) == '\n' ? 2 : 1);
            number++;
        }
        return new ConfigText(text, out);
    }

    private static Line classify(String t, int number, int start, int end, ConfigSection section, int peer) {
        int a = start;
        while (a < end && Character.isWhitespace(t.charAt(a))) {
            a++;
        }
        int comment = -1;
        for (int i = a; i < end; i++) {
            char c = t.charAt(i);
            if (c == '#') {
                comment = i;
                break;
            }
        }
        int contentEnd = comment < 0 ? end : comment;
        while (contentEnd > a && Character.isWhitespace(t.charAt(contentEnd - 1))) {
            contentEnd--;
        }
        if (a == end) {
            return new Line(number, start, end, Kind.BLANK, section, peerIndex(section, peer), -1, -1, -1, -1, -1, -1);
        }
        if (a == comment) {
            return new Line(number, start, end, Kind.COMMENT, section, peerIndex(section, peer), -1, -1, -1, -1, -1, comment);
        }
        if (t.charAt(a) == '[') {
            String header = t.substring(a, contentEnd).toLowerCase(Locale.ROOT);
            ConfigSection s = switch (header) {
                case "[interface]" -> ConfigSection.INTERFACE;
                case "[peer]" -> ConfigSection.PEER;
                default -> ConfigSection.TOP_LEVEL;
            };
            int idx = s == ConfigSection.PEER ? peer + 1 : -1;
            return new Line(number, start, end, Kind.SECTION, s, idx, a, contentEnd, -1, -1, -1, comment);
        }
        int eq = t.indexOf('=', a);
        if (eq < 0 || eq >= contentEnd) {
            return new Line(number, start, end, Kind.OTHER, section, peerIndex(section, peer), -1, -1, -1, -1, -1, comment);
        }
        int keyEnd = eq;
        while (keyEnd > a && Character.isWhitespace(t.charAt(keyEnd - 1))) {
            keyEnd--;
        }
        int vs = eq + 1;
        while (vs < contentEnd && Character.isWhitespace(t.charAt(vs))) {
            vs++;
        }
        return new Line(number, start, end, Kind.ENTRY, section, peerIndex(section, peer), a, keyEnd, eq, vs,
                contentEnd, comment);
    }

    private static int peerIndex(ConfigSection section, int peer) {
        return section == ConfigSection.PEER ? peer : -1;
    }

    /** The text this view was made of. */
    public String text() {
        return text;
    }

    /** Every line, in order; a text ending in a line break has an empty last line. */
    public List<Line> lines() {
        return lines;
    }

    /** The key name of an ENTRY line as written. */
    public String keyName(Line line) {
        return line.kind() == Kind.ENTRY ? text.substring(line.keyStart(), line.keyEnd()) : "";
    }

    /** The trimmed value of an ENTRY line. */
    public String value(Line line) {
        return line.kind() == Kind.ENTRY ? text.substring(line.valueStart(), line.valueEnd()) : "";
    }

    /** The known key of an ENTRY line, if its name is one. */
    public Optional<ConfigKey> key(Line line) {
        return line.kind() == Kind.ENTRY ? ConfigKey.lookup(keyName(line)) : Optional.empty();
    }

    /**
     * The first line setting {@code key} in the given section: {@code peerIndex} -1 means the
     * [Interface] section, otherwise the 0-based peer.
     */
    public Optional<Line> find(int peerIndex, ConfigKey key) {
        ConfigSection want = peerIndex < 0 ? ConfigSection.INTERFACE : ConfigSection.PEER;
        for (Line l : lines) {
            if (l.kind() == Kind.ENTRY && l.section() == want && l.sectionIndex() == peerIndex
                    && key(l).filter(key::equals).isPresent()) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** The header line of the [Interface] section ({@code peerIndex} -1) or of a peer. */
    public Optional<Line> header(int peerIndex) {
        ConfigSection want = peerIndex < 0 ? ConfigSection.INTERFACE : ConfigSection.PEER;
        for (Line l : lines) {
            if (l.kind() == Kind.SECTION && l.section() == want && l.sectionIndex() == peerIndex) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** The value of the first {@code key} line in [Interface], as written. */
    public Optional<String> interfaceValue(ConfigKey key) {
        return find(-1, key).map(this::value);
    }

    /**
     * The text with the [Interface] value of {@code key} set to {@code value}: the first such line
     * has its value replaced (its comment is kept); without one, a line is added right after the
     * [Interface] header; without a header, {@code [Interface]} and the line are put first.
     */
    public String withInterfaceValue(ConfigKey key, String value) {
        Optional<Line> existing = find(-1, key);
        if (existing.isPresent()) {
            Line l = existing.get();
            return text.substring(0, l.valueStart()) + value + text.substring(l.valueEnd());
        }
        String entry = key.spelling() + " = " + value;
        Optional<Line> header = header(-1);
        if (header.isPresent()) {
            int at = header.get().end();
            return text.substring(0, at) + lineBreak() + entry + text.substring(at);
        }
        return "[Interface]" + lineBreak() + entry + lineBreak() + (text.isEmpty() ? "" : lineBreak() + text);
    }

    /** The line break the text uses ({@code \n} when it has none). */
    public String lineBreak() {
        int i = text.indexOf('\n');
        return i > 0 && text.charAt(i - 1) == '\r' ? "\r\n" : "\n";
    }

    /** The line with 1-based {@code number}. */
    public Line line(int number) {
        return lines.get(number - 1);
    }

    /** Offset in the text of 1-based {@code line} and {@code column}, clamped to the line. */
    public int offset(int line, int column) {
        if (lines.isEmpty()) {
            return 0;
        }
        Line l = lines.get(Math.clamp(line - 1, 0, lines.size() - 1));
        return Math.clamp((long) l.start() + column - 1, l.start(), l.end());
    }
}
