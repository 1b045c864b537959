package dev.wgdesk.app.ui.tray.sni;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** {@code gdbus monitor} on one sender, counting lines that carry a given signal. */
final class SignalMonitor implements AutoCloseable {
    private final Process process;
    private final String signal;
    private final StringBuffer out = new StringBuffer();

    private SignalMonitor(Process process, String signal) {
        this.process = process;
        this.signal = signal;
        Thread t = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "gdbus-monitor");
        t.setDaemon(true);
        t.start();
    }

    /** Starts monitoring {@code dest} and waits until gdbus is listening. */
    static SignalMonitor start(SessionBus bus, String dest, String signal) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("gdbus", "monitor", "--session", "--dest", dest).redirectErrorStream(true);
        pb.environment().put("DBUS_SESSION_BUS_ADDRESS", bus.address());
        SignalMonitor m = new SignalMonitor(pb.start(), signal);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!m.out.toString().contains("Monitoring signals") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return m;
    }

    /** Waits (bounded) until the signal was seen {@code times} times. */
    boolean await(int times) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (count() >= times) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private int count() {
        String s = out.toString();
        int n = 0;
        for (int i = s.indexOf(signal); i >= 0; i = s.indexOf(signal, i + 1)) {
            n++;
        }
        return n;
    }

    String output() {
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
