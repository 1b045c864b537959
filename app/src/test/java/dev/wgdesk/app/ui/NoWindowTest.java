package dev.wgdesk.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.cli.Main;
import dev.wgdesk.engine.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When JavaFX cannot open a window the app says in one line what is missing and exits with
 * {@link NoWindow#EXIT_STATUS}. The two real cases run the app ({@code wgdesk ui --demo}) in a
 * child JVM: one without DISPLAY, one where GTK 3 cannot be loaded. For the latter the child's
 * LD_LIBRARY_PATH starts with a directory holding an empty file named libgtk-3.so.0: the dynamic
 * loader takes it for the library JavaFX's glass needs, fails on it ("file too short") and gives up,
 * so JavaFX throws its "Unable to load glass GTK library" exactly as on a machine without the
 * package. No root, no mount, and nothing outside the child is affected.
 */
class NoWindowTest {
    @TempDir
    Path tmp;

    private static final String DEBIAN = "PRETTY_NAME=\"Debian GNU/Linux 13\"\nID=debian\n";

    @Test
    void gtkMissingNamesThePackage() {
        var e = new UnsupportedOperationException("Unable to load glass GTK library.");
        assertEquals(Optional.of("wgdesk: cannot open a window: the GTK 3 library is missing (install it: sudo apt"
                + " install libgtk-3-0); the command line works without it: wgdesk --help"),
                NoWindow.explain(e, ":0", DEBIAN));
        assertTrue(NoWindow.explain(e, ":0", "ID=fedora\n").orElseThrow().contains("sudo dnf install gtk3"));
        assertTrue(NoWindow.explain(e, ":0", "ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n")
                .orElseThrow().contains("sudo zypper install libgtk-3-0"));
        assertTrue(NoWindow.explain(e, ":0", "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n").orElseThrow()
                .contains("sudo apt install libgtk-3-0"));
        assertTrue(NoWindow.explain(e, ":0", "").orElseThrow().contains("libgtk-3.so.0"));
    }

    @Test
    void noDisplaySaysWhetherItIsUnsetOrUnreachable() {
        var e = new UnsupportedOperationException("Unable to open DISPLAY");
        assertTrue(NoWindow.explain(e, null, DEBIAN).orElseThrow().contains("no graphical display (DISPLAY is not set)"));
        assertTrue(NoWindow.explain(e, ":42", DEBIAN).orElseThrow().contains("cannot connect to the display DISPLAY=:42"));
    }

    @Test
    void theAppsOwnFailuresAreNotDisguised() {
        // An exception from the app's start method: a bug, which keeps its stack trace.
        var bug = new RuntimeException("Exception in Application start method", new NullPointerException("x"));
        assertEquals(Optional.empty(), NoWindow.explain(bug, ":0", DEBIAN));
        assertEquals(Optional.empty(), NoWindow.explain(new UnsupportedOperationException("not yet"), ":0", DEBIAN));
        // wrapped toolkit failures are found in the cause chain
        var wrapped = new RuntimeException("launch", new UnsupportedOperationException("Unable to load glass GTK library."));
        assertTrue(NoWindow.explain(wrapped, ":0", DEBIAN).isPresent());
    }

    @Test
    void withoutADisplayTheAppPrintsOneLineAndExits() throws Exception {
        Run r = runApp(List.of(), Map.of());
        assertEquals(NoWindow.EXIT_STATUS, r.status, r.toString());
        assertEquals(List.of("wgdesk: cannot open a window: no graphical display (DISPLAY is not set); start it from a"
                + " desktop session (on Wayland with XWayland), or use the command line: wgdesk --help"), r.errLines(), r.toString());
        assertEquals("", r.out, r.toString());
    }

    @Test
    void withoutGtkTheAppPrintsOneLineAndExits() throws Exception {
        Requirements.require(System.getProperty("os.name").equals("Linux"), "GTK is the toolkit on Linux only");
        // A decoy libgtk-3.so.0 (an empty file) first on the loader's path: loading JavaFX's glass
        // library, which needs libgtk-3.so.0, fails as it does on a machine without the package.
        Path decoy = Files.createDirectories(tmp.resolve("decoy"));
        Files.write(decoy.resolve("libgtk-3.so.0"), new byte[0]);
        // JavaFX connects to the display before it loads GTK, so this needs a real one (CI: xvfb-run).
        Requirements.require(!display().isBlank(), "no DISPLAY: JavaFX reports the missing display before GTK;"
                + " run under a display (.ci/run uses xvfb-run)");
        Run r = runApp(List.of(), Map.of("DISPLAY", display(), "LD_LIBRARY_PATH", decoy.toString()));
        assertEquals(NoWindow.EXIT_STATUS, r.status, r.toString());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), r.toString());
        assertTrue(lines.get(0).startsWith("wgdesk: cannot open a window: the GTK 3 library is missing (install it: "),
                r.toString());
        assertEquals("", r.out, r.toString());
    }

    private static String display() {
        String d = System.getenv("DISPLAY");
        return d == null ? "" : d;
    }

    private record Run(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + status + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** Runs {@code wgdesk ui --demo --no-tray} in a child JVM behind {@code prefix}, DISPLAY removed unless given. */
    private Run runApp(List<String> prefix, Map<String, String> extraEnv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "ui", "--demo", "--no-tray"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        // its own single-instance socket directory, so no running demo app receives the request
        Path runtime = Files.createDirectories(tmp.resolve("run"));
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        extraEnv.forEach((k, v) -> {
            if (!v.isEmpty()) {
                env.put(k, v);
            }
        });
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the app neither opened a window nor exited within 120 s: "
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
