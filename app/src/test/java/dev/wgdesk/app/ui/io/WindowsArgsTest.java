package dev.wgdesk.app.ui.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WindowsArgsTest {
    /**
     * The command line the JDK builds in its default ("legacy") mode: an argument with a space or
     * tab wrapped in quotes, nothing else changed.
     */
    private static String legacyJoin(List<String> args) {
        StringBuilder b = new StringBuilder();
        for (String a : args) {
            b.append(b.isEmpty() ? "" : " ");
            b.append(a.contains(" ") || a.contains("\t") ? "\"" + a + "\"" : a);
        }
        return b.toString();
    }

    /** The Microsoft C runtime's splitting of a command line (the rules documented for argv). */
    private static List<String> crtSplit(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                int n = 0;
                while (i < line.length() && line.charAt(i) == '\\') {
                    n++;
                    i++;
                }
                if (i < line.length() && line.charAt(i) == '"') {
                    cur.append("\\".repeat(n / 2));
                    if (n % 2 == 1) {
                        cur.append('"');
                    } else {
                        quoted = !quoted;
                    }
                } else {
                    cur.append("\\".repeat(n));
                    i--;
                }
                any = true;
            } else if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if ((c == ' ' || c == '\t') && !quoted) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"C:\\Program Files\\wgdesk\\wgdesk.exe\" tray", "plain", "a\"b", "C:\\dir\\\"x\" y",
            "\"C:\\x\\\\\" tray"})
    void anArgumentEscapedForTheLegacyJoinArrivesUnchanged(String value) {
        List<String> argv = List.of("add", "HKCU\\Run", "/d", value, "/f");
        List<String> sent = argv.stream().map(WindowsArgs::escapeQuotes).toList();
        assertEquals(argv, crtSplit(legacyJoin(sent)));
    }
}
