package dev.wgdesk.app.cli;

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

/**
 * The CLI against a real helper in this JVM (fake tunnel backend, state in a test's directory):
 * {@link #run} runs {@code wgdesk ARGS} on the helper's socket as a user would and keeps what it
 * printed.
 */
final class CliHarness implements AutoCloseable {
    /** What one {@code wgdesk} run ended with and printed. */
    record Result(int code, String out, String err) {}

    private final Path socket;
    private final Helper helper;

    private CliHarness(Path socket, Helper helper) {
        this.socket = socket;
        this.helper = helper;
    }

    /** Starts a helper with its socket and state in {@code dir}. */
    static CliHarness start(Path dir) throws IOException {
        Path socket = dir.resolve("h.sock");
        Helper helper = Helper.start(new Helper.Options(socket, dir.resolve("state"), dir.resolve("none.conf"), 8),
                new FakeBackend(), p -> Optional.empty(), new HelperLog(null));
        return new CliHarness(socket, helper);
    }

    /** The helper's socket. */
    Path socket() {
        return socket;
    }

    /** Runs {@code wgdesk --socket SOCKET ARGS}. */
    Result run(String... args) {
        return run(socket, args);
    }

    /** Runs {@code wgdesk --socket SOCKET ARGS} against any helper's socket (one in a namespace too). */
    static Result run(Path socket, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        List<String> argv = new ArrayList<>(List.of("--socket", socket.toString()));
        argv.addAll(List.of(args));
        int code = new Main(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8))
                .run(argv);
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Stops the helper. */
    @Override
    public void close() {
        helper.close();
    }
}
