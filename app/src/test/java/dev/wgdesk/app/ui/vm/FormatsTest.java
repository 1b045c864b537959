package dev.wgdesk.app.ui.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgdesk.app.ui.i18n.Messages;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FormatsTest {
    @BeforeAll
    static void english() {
        Messages.useLocale(Locale.ROOT);
    }

    @Test
    void relativeTimes() {
        long now = 1_000_000_000L;
        assertEquals("12 seconds ago", Formats.ago(now - 12_000, now));
        assertEquals("1 second ago", Formats.ago(now - 1_500, now));
        assertEquals("Just now", Formats.ago(now - 300, now));
        assertEquals("1 minute, 5 seconds ago", Formats.ago(now - 65_000, now));
        assertEquals("2 hours ago", Formats.ago(now - 7_200_000, now));
        assertEquals("1 day, 1 hour ago", Formats.ago(now - 90_000_000, now));
        assertEquals("Never", Formats.ago(0, now));
        assertEquals("0 seconds", Formats.duration(0));
    }

    @Test
    void byteCounts() {
        assertEquals("0 B", Formats.bytes(0));
        assertEquals("1023 B", Formats.bytes(1023));
        assertEquals("1.00 KiB", Formats.bytes(1024));
        assertEquals("1.21 MiB", Formats.bytes(1_268_777));
        assertEquals("2.00 GiB", Formats.bytes(2L << 30));
    }
}
