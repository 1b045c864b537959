package dev.wgdesk.app.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws InterruptedException {
        return EngineMain.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void jnaLibrarySearchPathIsEmptyUnlessGiven() {
        String key = EngineMain.JNA_PLATFORM_LIBRARY_PATH;
        String before = System.getProperty(key);
        try {
            System.clearProperty(key);
            EngineMain.skipJnaLibrarySearchPath();
            assertEquals("", System.getProperty(key)); // JNA then runs no ldconfig child process
            System.setProperty(key, "/opt/lib");
            EngineMain.skipJnaLibrarySearchPath();
            assertEquals("/opt/lib", System.getProperty(key));
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void versionExitsZero() throws Exception {
        assertEquals(0, run("--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("wgdesk-engine v"));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    /** The packages ship a native image and the HotSpot engine: --version names which one runs. */
    @Test
    void versionNamesTheRuntimeItRunsOn() throws Exception {
        assertEquals(0, run("--version"));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains(", JVM: " + System.getProperty("java.vm.name") + ".\n"), s);
        assertTrue(!s.contains("native image"), s);
    }

    @Test
    void helpExitsZeroWithUsage() throws Exception {
        assertEquals(0, run("--help"));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith(CommandLine.USAGE + "\n"), s);
        assertTrue(s.contains("LOG_LEVEL"), s);
    }

    @Test
    void usageErrorsExitOneOnStderr() throws Exception {
        assertEquals(1, run("-x"));
        assertEquals(1, run());
        assertEquals(1, run("this-name-is-too-long"));
        String s = err.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("unknown option: -x"), s);
        assertTrue(s.contains(CommandLine.USAGE), s);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void daemonCommandRelaunchesThisJvmInTheForeground() {
        List<String> cmd = Daemon.command("wg9");
        assertTrue(cmd.contains(EngineMain.class.getName()), cmd.toString());
        assertEquals(List.of("--foreground", "wg9"), cmd.subList(cmd.size() - 2, cmd.size()));
        int cp = cmd.indexOf("-cp");
        for (String entry : cmd.get(cp + 1).split(java.io.File.pathSeparator)) {
            assertTrue(entry.startsWith("/"), "class path entries are absolute: " + entry);
        }
        assertEquals(System.getProperty("java.class.path").split(java.io.File.pathSeparator).length,
                cmd.get(cp + 1).split(java.io.File.pathSeparator).length);
        assertTrue(cmd.stream().anyMatch(a -> a.endsWith("/bin/java")), cmd.toString());
    }

    @Test
    void interfaceExistsSeesLoopbackOnly() {
        assertTrue(Daemon.interfaceExists("lo"));
        assertFalse(Daemon.interfaceExists("wgdnone0"));
        assertFalse(Daemon.interfaceExists("l"));
    }
}
