package dev.wgdesk.app.ui.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.helper.FakeBackend;
import dev.wgdesk.app.helper.Helper;
import dev.wgdesk.app.helper.HelperLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window's "Launch an app outside the tunnel…": the launcher's command line, and a launch the
 * helper refuses (here a helper whose backend has no exclusion, like macOS and Windows) reported
 * with the launcher's message. The launch that works is {@code ExcludeNetnsTest}'s (the same CLI).
 */
@Timeout(60)
class ExcludedLaunchTest {
    @TempDir
    Path dir;

    private static String classPath() {
        String p = System.getProperty("surefire.test.class.path");
        return p != null && !p.isBlank() ? p : System.getProperty("java.class.path");
    }

    @Test
    void theLauncherIsTheCliBecomingAShell() {
        assertEquals(List.of("/j/bin/java", "--enable-native-access=ALL-UNNAMED", "-cp", "a.jar:b.jar",
                "dev.wgdesk.app.cli.Main", "--socket", "/run/wgdesk/helper.sock", "exclude", "--", "sh", "-c",
                "firefox --new-instance"),
                ExcludedLaunch.command("/j/bin/java", "a.jar:b.jar", "/run/wgdesk/helper.sock", "firefox --new-instance"));
    }

    @Test
    void aRefusedLaunchReportsTheLaunchersMessage() throws Exception {
        Path socket = dir.resolve("h.sock");
        try (Helper helper = Helper.start(new Helper.Options(socket, dir.resolve("state"), dir.resolve("none.conf"), 8),
                new FakeBackend(), p -> Optional.empty(), new HelperLog(null))) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path marker = dir.resolve("ran");
            String failure = ExcludedLaunch.launch(ExcludedLaunch.command(java, classPath(), socket.toString(),
                    "touch " + marker), Duration.ofSeconds(30));
            assertTrue(failure != null && failure.contains("cannot run apps outside the tunnel")
                    && failure.contains("not implemented yet on this OS"), String.valueOf(failure));
            assertTrue(!Files.exists(marker), "the command did not run inside the tunnel instead");
        }
    }

    @Test
    void aLaunchThatRunsIsLeftAlone() throws Exception {
        // no helper needed to check the waiting: a command that is still running after the window
        assertNull(ExcludedLaunch.launch(List.of("sleep", "5"), Duration.ofMillis(300)));
        assertNull(ExcludedLaunch.launch(List.of("true"), Duration.ofSeconds(5)));
        assertEquals("exit status 3", ExcludedLaunch.launch(List.of("sh", "-c", "exit 3"), Duration.ofSeconds(5)));
    }
}
