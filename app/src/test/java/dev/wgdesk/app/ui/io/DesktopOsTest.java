package dev.wgdesk.app.ui.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DesktopOsTest {
    @ParameterizedTest
    @CsvSource(textBlock = """
            Mac OS X,     MACOS
            Darwin,       MACOS
            Windows 11,   WINDOWS
            Windows Server 2022, WINDOWS
            Linux,        FREEDESKTOP
            FreeBSD,      FREEDESKTOP
            '',           FREEDESKTOP
            """)
    void familyFromOsName(String osName, DesktopOs expected) {
        assertEquals(expected, DesktopOs.of(osName));
    }
}
