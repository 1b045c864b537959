package dev.wgdesk.app.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineLogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void restore() throws Exception {
        LogManager.getLogManager().readConfiguration();
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void formatMatchesWireguardGo() {
        LocalDateTime t = LocalDateTime.of(2026, 1, 2, 3, 4, 5);
        assertEquals("DEBUG: (wg0) 2026/01/02 03:04:05 Interface up", EngineLog.format("wg0", Level.INFO, t, "Interface up"));
        assertEquals("DEBUG: (wg0) 2026/01/02 03:04:05 x", EngineLog.format("wg0", Level.FINE, t, "x"));
        assertEquals("ERROR: (wg0) 2026/01/02 03:04:05 x", EngineLog.format("wg0", Level.SEVERE, t, "x"));
        assertEquals("ERROR: (wg0) 2026/01/02 03:04:05 x", EngineLog.format("wg0", Level.WARNING, t, "x"));
    }

    @Test
    void controlCharactersCannotForgeLines() {
        String line = EngineLog.format("wg0", Level.INFO, LocalDateTime.now(), "a\nERROR: (wg0) fake\u0007");
        assertTrue(line.endsWith("a\\nERROR: (wg0) fake\\x07"), line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void verboseShowsEngineDebugWithPlainNumbers() {
        EngineLog.install("wg7", LogLevel.VERBOSE, out);
        System.getLogger("wgdesk.device.wg7").log(System.Logger.Level.INFO, "up on UDP port {0}", 51820);
        System.getLogger("dev.wgdesk.engine.uapi.UapiHandler").log(System.Logger.Level.DEBUG, "uapi {0}", "detail");
        String s = output();
        assertTrue(s.matches("(?s)DEBUG: \\(wg7\\) \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d up on UDP port 51820\n.*"), s);
        assertTrue(s.contains(" uapi detail\n"), s);
    }

    @Test
    void verboseHidesOtherLibrariesDebugButNotTheirErrors() {
        EngineLog.install("wg7", LogLevel.VERBOSE, out);
        System.getLogger("com.sun.jna.Native").log(System.Logger.Level.DEBUG, "library noise");
        System.getLogger("com.sun.jna.Native").log(System.Logger.Level.ERROR, "library failure");
        String s = output();
        assertTrue(!s.contains("library noise"), s);
        assertTrue(s.contains("ERROR: (wg7) ") && s.contains("library failure"), s);
    }

    @Test
    void errorLevelShowsErrorsOnly() {
        EngineLog.install("wg7", LogLevel.ERROR, out);
        System.Logger log = System.getLogger("wgdesk.device.wg7");
        log.log(System.Logger.Level.DEBUG, "debug message");
        log.log(System.Logger.Level.INFO, "info message");
        log.log(System.Logger.Level.ERROR, "failed: {0}", "reason");
        String s = output();
        assertEquals(1, s.lines().count(), s);
        assertTrue(s.startsWith("ERROR: (wg7) ") && s.endsWith(" failed: reason\n"), s);
    }

    @Test
    void silentShowsNothingAndLevelCanChange() {
        EngineLog.install("wg7", LogLevel.SILENT, out);
        System.getLogger("wgdesk.device.wg7").log(System.Logger.Level.ERROR, "hidden");
        assertEquals("", output());
        EngineLog.setLevel(LogLevel.ERROR);
        System.getLogger("wgdesk.device.wg7").log(System.Logger.Level.ERROR, "shown");
        assertTrue(output().contains("shown"));
        EngineLog.setLevel(LogLevel.SILENT);
        System.getLogger("wgdesk.device.wg7").log(System.Logger.Level.ERROR, "hidden again");
        assertTrue(!output().contains("hidden again"));
    }

    @Test
    void linesNameTheRealInterfaceOnceKnown() {
        EngineLog.install("utun", LogLevel.ERROR, out); // macOS: asked for utun, the kernel picks
        System.getLogger("wgdesk.engine").log(System.Logger.Level.ERROR, "before");
        EngineLog.setInterfaceName("utun7");
        System.getLogger("wgdesk.engine").log(System.Logger.Level.ERROR, "after");
        List<String> lines = output().lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("ERROR: (utun) ") && lines.get(0).endsWith(" before"), lines.get(0));
        assertTrue(lines.get(1).startsWith("ERROR: (utun7) ") && lines.get(1).endsWith(" after"), lines.get(1));
    }

    @Test
    void levelsFromEnvironmentAsWireguardGo() {
        assertEquals(LogLevel.ERROR, LogLevel.fromEnvironment(null));
        assertEquals(LogLevel.ERROR, LogLevel.fromEnvironment(""));
        assertEquals(LogLevel.ERROR, LogLevel.fromEnvironment("error"));
        assertEquals(LogLevel.ERROR, LogLevel.fromEnvironment("VERBOSE"));
        assertEquals(LogLevel.VERBOSE, LogLevel.fromEnvironment("verbose"));
        assertEquals(LogLevel.VERBOSE, LogLevel.fromEnvironment("debug"));
        assertEquals(LogLevel.SILENT, LogLevel.fromEnvironment("silent"));
    }
}
