package dev.wgdesk.platform.macos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link MacTunnel.Runner} for real: the program is started directly (no shell), standard input
 * closed, both outputs read to at most 1 MiB each, and the process (with its descendants) killed
 * after the time limit, which is reported as an error naming the command.
 */
public final class ProcessRunner implements MacTunnel.Runner {
    private static final int MAX_OUTPUT = 1 << 20;
    private final long timeoutSeconds;

    /** With a time limit per command. */
    public ProcessRunner(long timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public MacTunnel.Result run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread errReader = Thread.ofPlatform().daemon().start(() -> drain(p.getErrorStream(), err));
        Thread outReader = Thread.ofPlatform().daemon().start(() -> drain(p.getInputStream(), out));
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " did not finish within " + timeoutSeconds + " s");
            }
            outReader.join(1000); // a descendant may hold the pipes open: do not wait for it
            errReader.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", argv), e);
        }
        synchronized (out) {
            synchronized (err) {
                return new MacTunnel.Result(p.exitValue(), out.toString(StandardCharsets.UTF_8),
                        err.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream to) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (to) {
                    if (to.size() < MAX_OUTPUT) {
                        to.write(buf, 0, Math.min(n, MAX_OUTPUT - to.size()));
                    }
                }
            }
        } catch (IOException e) {
            // the process went away: what was read is kept
        }
    }
}
