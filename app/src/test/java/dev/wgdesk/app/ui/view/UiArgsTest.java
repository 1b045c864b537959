package dev.wgdesk.app.ui.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class UiArgsTest {
    @Test
    void aDoubleClickedFileOnWindowsIsAUiStartNotAVerb() {
        // The MSI's association: wgdesk.exe "%1"
        assertTrue(UiArgs.opensFilesOnly(List.of("C:\\Users\\Ann Lee\\Downloads\\office.conf")));
        assertTrue(UiArgs.opensFilesOnly(List.of("/home/a/OFFICE.CONF", "tunnels.zip")));
        assertFalse(UiArgs.opensFilesOnly(List.of()));
        assertFalse(UiArgs.opensFilesOnly(List.of("import", "a.conf")), "a verb stays a verb");
        assertFalse(UiArgs.opensFilesOnly(List.of("list")));
        assertFalse(UiArgs.opensFilesOnly(List.of("--socket", "x.conf")));
        assertFalse(UiArgs.opensFilesOnly(List.of("a.conf", "notes.txt")));
    }

    @Test
    void theFileBecomesAnOpenRequest() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        UiArgs a = UiArgs.parse(List.of("/tmp/dl/office.conf"), new PrintStream(err));
        assertEquals(List.of(Path.of("/tmp/dl/office.conf")), a.open());
        assertFalse(a.hidden());
        assertEquals("", err.toString());
    }
}
