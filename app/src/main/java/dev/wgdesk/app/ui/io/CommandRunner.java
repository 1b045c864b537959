package dev.wgdesk.app.ui.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short system command ({@code reg.exe}, {@code launchctl}) and returns its exit code and
 * output. An interface so that tests on Linux can check the exact argument vectors and answer
 * like the real tool.
 */
@FunctionalInterface
public interface CommandRunner {
    /**
     * What a command did.
     *
     * @param exitCode its exit status
     * @param output   standard output and standard error, together
     */
    record Result(int exitCode, String output) {}

    /**
     * Runs {@code argv} (program first) to its end.
     *
     * @throws IOException if it cannot be started or does not finish within a few seconds
     */
    Result run(List<String> argv) throws IOException;

    /** Runs real processes; on Windows the arguments are encoded for the program's C runtime. */
    static CommandRunner processes() {
        boolean windows = DesktopOs.current() == DesktopOs.WINDOWS;
        return argv -> {
            List<String> cmd = new ArrayList<>(argv.size());
            for (int i = 0; i < argv.size(); i++) {
                cmd.add(windows && i > 0 ? WindowsArgs.forProcessBuilder(argv.get(i)) : argv.get(i));
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(1 << 20);
            }
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(argv.getFirst() + " did not finish within 10 s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException(argv.getFirst() + " interrupted", e);
            }
            String cs = System.getProperty("native.encoding");
            return new Result(p.exitValue(), new String(out, cs == null ? Charset.defaultCharset() : Charset.forName(cs)));
        };
    }
}
