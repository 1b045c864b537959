package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real command runner (POSIX programs, so it runs here as on a Mac), and crash cleanup. */
class ProcessRunnerTest {
    @Test
    void outputExitCodeAndTimeLimit() throws IOException {
        ProcessRunner r = new ProcessRunner(5);
        MacTunnel.Result ok = r.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(3, ok.exitCode());
        assertEquals("out\n", ok.stdout());
        assertEquals("err\n", ok.stderr());
        assertEquals("x y\n", r.run(List.of("echo", "x y")).stdout(), "no shell: one argument stays one");
        IOException e = assertThrows(IOException.class, () -> new ProcessRunner(1).run(List.of("sleep", "30")));
        assertTrue(e.getMessage().contains("sleep 30 did not finish within 1 s"), e.getMessage());
    }

    @Test
    void cleanupStaleRunsTheJournalAndIgnoresFailures() {
        List<String> done = MacTunnel.cleanupStale(List.of(List.of("true"), List.of("false"), List.of("echo", "dns")),
                new ProcessRunner(5));
        assertEquals(List.of("true", "echo dns"), done);
    }
}
