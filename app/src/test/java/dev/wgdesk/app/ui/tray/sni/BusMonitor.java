package dev.wgdesk.app.ui.tray.sni;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code dbus-monitor} on a test's bus for the messages of one match rule, counting those that
 * carry a given text.
 *
 * <p>Not {@code gdbus monitor}: that prints its "Monitoring signals" header before it even asks
 * who owns the name, and only subscribes (AddMatch) once the owner's answer is back, so a signal
 * sent right after the header could be missed. {@code dbus-monitor} becomes a monitor
 * (BecomeMonitor) before anything else, and the bus then takes its unique name away: once that
 * NameLost is printed, every later message the bus routes is copied to it.
 */
public final class BusMonitor implements AutoCloseable {
    private final Process process;
    private final String needle;
    private final StringBuffer out = new StringBuffer();

    private BusMonitor(Process process, String needle) {
        this.process = process;
        this.needle = needle;
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
        }, "dbus-monitor");
        t.setDaemon(true);
        t.start();
    }

    /** The signal {@code signal} ("interface.Member") sent by {@code sender}. */
    static BusMonitor signals(SessionBus bus, String sender, String signal) throws Exception {
        int dot = signal.lastIndexOf('.');
        String iface = signal.substring(0, dot);
        String member = signal.substring(dot + 1);
        return start(bus, "type='signal',sender='" + sender + "',interface='" + iface + "',member='" + member + "'",
                "interface=" + iface + "; member=" + member);
    }

    /** Calls of the bus daemon's method {@code member} whose (first string) argument is {@code arg}. */
    public static BusMonitor busCalls(SessionBus bus, String member, String arg) throws Exception {
        return start(bus, "type='method_call',destination='org.freedesktop.DBus',member='" + member + "'",
                "string \"" + arg + "\"");
    }

    /**
     * Starts {@code dbus-monitor} with {@code rule} and waits until the bus copies messages to it;
     * fails if it never does.
     */
    private static BusMonitor start(SessionBus bus, String rule, String needle) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("dbus-monitor", "--session", rule).redirectErrorStream(true);
        pb.environment().put("DBUS_SESSION_BUS_ADDRESS", bus.address());
        BusMonitor m = new BusMonitor(pb.start(), needle);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!m.out.toString().contains("member=NameLost")) {
            if (System.nanoTime() - deadline >= 0 || !m.process.isAlive()) {
                m.close();
                throw new AssertionError("dbus-monitor did not become a monitor: " + m.out);
            }
            Thread.sleep(20);
        }
        return m;
    }

    /** Waits (bounded) until the text was seen {@code times} times. */
    public boolean await(int times) throws InterruptedException {
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
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** What dbus-monitor printed so far. */
    public String output() {
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
