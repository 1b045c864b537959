package dev.wgdesk.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.helper.FakeBackend;
import dev.wgdesk.app.helper.Helper;
import dev.wgdesk.app.helper.HelperLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wgdesk exclude}'s arguments, its refusal on macOS and Windows, and a backend without
 * exclusion (the fake's, like macOS and Windows helpers), against a real helper. Moving real
 * processes is {@code ExcludeNetnsTest}'s.
 */
@Timeout(60)
class ExcludeCliTest {
    @TempDir
    Path dir;
    private Helper helper;
    private Path socket;
    private String out;
    private String err;

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("h.sock");
        helper = Helper.start(new Helper.Options(socket, dir.resolve("state"), dir.resolve("none.conf"), 8),
                new FakeBackend(), p -> Optional.empty(), new HelperLog(null));
    }

    @AfterEach
    void stop() {
        helper.close();
    }

    private int run(String os, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        List<String> argv = new ArrayList<>(List.of("--socket", socket.toString()));
        argv.addAll(List.of(args));
        int code = new Main(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8), os)
                .run(argv);
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void macOsAndWindowsSayItIsNotImplementedYet() {
        assertEquals(Main.EXIT_FAILED, run("macos", "exclude", "--", "true"));
        assertEquals("wgdesk exclude: running an app outside the tunnel is not implemented yet on macOS\n", err);
        assertEquals(Main.EXIT_FAILED, run("windows", "exclude", "--list"));
        assertTrue(err.contains("not implemented yet on Windows"), err);
    }

    @Test
    void badArgumentsNameTheOption() {
        assertEquals(Main.EXIT_USAGE, run("linux", "exclude", "--pid", "abc"));
        assertTrue(err.startsWith("wgdesk: --pid: \"abc\" is not a process id"), err);
        assertEquals(Main.EXIT_USAGE, run("linux", "exclude", "--remove", "1"));
        assertTrue(err.startsWith("wgdesk: --remove: \"1\" is not a process id"), err);
        assertEquals(Main.EXIT_USAGE, run("linux", "exclude", "--pid"));
        assertTrue(err.startsWith("wgdesk: --pid needs one process id"), err);
        assertEquals(Main.EXIT_USAGE, run("linux", "exclude"));
        assertEquals(Main.EXIT_USAGE, run("linux", "exclude", "--"));
        assertEquals(Main.EXIT_USAGE, run("linux", "exclude", "--bogus"));
        assertTrue(err.startsWith("wgdesk: unknown option --bogus"), err);
    }

    @Test
    void aCommandThatDoesNotExistIsNotRunAndNothingIsMoved() {
        assertEquals(127, run("linux", "exclude", "--", "no-such-command-wgdesk-test"));
        assertEquals("wgdesk exclude: no-such-command-wgdesk-test: command not found\n", err);
    }

    @Test
    void aHelperWithoutExclusionSaysWhy() {
        assertEquals(Main.EXIT_FAILED, run("linux", "exclude", "--pid", Long.toString(ProcessHandle.current().pid())));
        assertTrue(err.contains("cannot run apps outside the tunnel: running an app outside the tunnel is not implemented"
                + " yet on this OS"), err);
        assertEquals(Main.EXIT_FAILED, run("linux", "exclude", "--list"));
        assertTrue(err.contains("not implemented yet on this OS"), err);
    }
}
