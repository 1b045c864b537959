package dev.wgdesk.app.ui.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.config.ConfigText.Kind;
import dev.wgdesk.app.ui.config.Highlighter.Mark;
import dev.wgdesk.app.ui.config.Highlighter.Span;
import dev.wgdesk.engine.config.ConfigKey;
import dev.wgdesk.engine.config.ConfigSection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigTextTest {
    private static final String TEXT = """
            # home
            [Interface]
            PrivateKey = AAAA # secret
            Address=10.0.0.2/32

            [Peer]
            PublicKey = P1
            [Peer]
            PublicKey = P2
            AllowedIPs = 10.0.0.0/24
            garbage here
            """;

    @Test
    void classifiesLinesAndCountsPeers() {
        ConfigText t = ConfigText.of(TEXT);
        List<ConfigText.Line> l = t.lines();
        assertEquals(12, l.size(), "a trailing newline gives an empty last line");
        assertEquals(Kind.COMMENT, l.get(0).kind());
        assertEquals(Kind.SECTION, l.get(1).kind());
        assertEquals(ConfigSection.INTERFACE, l.get(1).section());
        assertEquals(Kind.ENTRY, l.get(2).kind());
        assertEquals("PrivateKey", t.keyName(l.get(2)));
        assertEquals("AAAA", t.value(l.get(2)));
        assertEquals("10.0.0.2/32", t.value(l.get(3)));
        assertEquals(Kind.BLANK, l.get(4).kind());
        assertEquals(0, l.get(6).sectionIndex());
        assertEquals(1, l.get(8).sectionIndex());
        assertEquals(Kind.OTHER, l.get(10).kind());
        assertEquals(10, t.find(1, ConfigKey.ALLOWED_IPS).orElseThrow().number());
        assertEquals(Optional.empty(), t.find(0, ConfigKey.ALLOWED_IPS));
        assertEquals(Optional.of("AAAA"), t.interfaceValue(ConfigKey.PRIVATE_KEY));
    }

    @Test
    void replacesOrInsertsAnInterfaceValue() {
        ConfigText t = ConfigText.of(TEXT);
        String replaced = t.withInterfaceValue(ConfigKey.PRIVATE_KEY, "BBBB");
        assertTrue(replaced.contains("PrivateKey = BBBB # secret\n"), replaced);
        String inserted = t.withInterfaceValue(ConfigKey.LISTEN_PORT, "51820");
        assertTrue(inserted.contains("[Interface]\nListenPort = 51820\nPrivateKey"), inserted);
        assertEquals("[Interface]\nPrivateKey = K\n", ConfigText.of("").withInterfaceValue(ConfigKey.PRIVATE_KEY, "K"));
        assertEquals("[Interface]\r\nPrivateKey = K\r\n\r\n[Peer]\r\n",
                ConfigText.of("[Peer]\r\n").withInterfaceValue(ConfigKey.PRIVATE_KEY, "K"));
    }

    @Test
    void offsetsFromLineAndColumn() {
        ConfigText t = ConfigText.of("ab\r\ncd\nef");
        assertEquals(0, t.offset(1, 1));
        assertEquals(5, t.offset(2, 2));
        assertEquals(9, t.offset(3, 99), "clamped to the end of the line");
    }

    @Test
    void highlightSpansCoverTheTextAndCarryMarks() {
        ConfigText t = ConfigText.of(TEXT);
        int errStart = TEXT.indexOf("10.0.0.2/32");
        List<Span> spans = Highlighter.spans(t, List.of(new Mark(errStart, errStart + 11, true)));
        assertEquals(TEXT.length(), spans.stream().mapToInt(Span::length).sum());
        assertEquals(Set.of(Highlighter.COMMENT), styleAt(spans, 0));
        assertEquals(Set.of(Highlighter.SECTION), styleAt(spans, TEXT.indexOf("[Interface]")));
        assertEquals(Set.of(Highlighter.KEY), styleAt(spans, TEXT.indexOf("PrivateKey")));
        assertEquals(Set.of(Highlighter.SECRET), styleAt(spans, TEXT.indexOf("AAAA")));
        assertEquals(Set.of(Highlighter.COMMENT), styleAt(spans, TEXT.indexOf("# secret")));
        assertEquals(Set.of(Highlighter.VALUE, Highlighter.ERROR), styleAt(spans, errStart + 3));
        assertEquals(Set.of(Highlighter.EQUALS), styleAt(spans, TEXT.indexOf("=10.0")));
        assertEquals(Set.of(Highlighter.GARBAGE), styleAt(spans, TEXT.indexOf("garbage")));
        assertEquals(Set.of(Highlighter.UNKNOWN_KEY), styleAt(Highlighter.spans(ConfigText.of("Foo = 1"), List.of()), 0));
    }

    @Test
    void zeroLengthMarkUnderlinesOneChar() {
        List<Span> spans = Highlighter.spans(ConfigText.of("[Peer]\n"), List.of(new Mark(0, 0, false)));
        assertEquals(Set.of(Highlighter.SECTION, Highlighter.WARNING), styleAt(spans, 0));
        assertEquals(Set.of(Highlighter.SECTION), styleAt(spans, 1));
    }

    private static Set<String> styleAt(List<Span> spans, int offset) {
        int pos = 0;
        for (Span s : spans) {
            if (offset < pos + s.length()) {
                return s.styles();
            }
            pos += s.length();
        }
        throw new AssertionError("offset " + offset + " past the end");
    }
}
