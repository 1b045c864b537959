package dev.wgdesk.app.ui.tray.sni;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private D-Bus session bus for a test: the system's {@code dbus-daemon} on a socket in a
 * temporary directory, stopped (by pid) on close.
 */
public final class SessionBus implements AutoCloseable {
    private final Process daemon;
    private final String address;

    private SessionBus(Process daemon, String address) {
        this.daemon = daemon;
        this.address = address;
    }

    /** True when {@code dbus-daemon} is installed. */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/dbus-daemon"));
    }

    /** Starts a bus listening in {@code dir}. */
    public static SessionBus start(Path dir) throws IOException {
        Process p = new ProcessBuilder("/usr/bin/dbus-daemon", "--session", "--nofork", "--nopidfile",
                "--address=unix:path=" + dir.resolve("bus"), "--print-address=1")
                .redirectError(dir.resolve("dbus-daemon.log").toFile()).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("unix:")) {
            p.destroyForcibly();
            throw new IOException("dbus-daemon printed no address: " + line);
        }
        return new SessionBus(p, line.trim());
    }

    /** The bus address, for {@code DBUS_SESSION_BUS_ADDRESS}. */
    public String address() {
        return address;
    }

    /**
     * Runs {@code gdbus} (GLib's D-Bus client, the library GNOME Shell's AppIndicator extension
     * uses) against this bus and returns its standard output; fails on a non-zero exit.
     */
    public String gdbus(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("gdbus");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DBUS_SESSION_BUS_ADDRESS", address);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("gdbus " + args[0] + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException("gdbus " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
            daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
