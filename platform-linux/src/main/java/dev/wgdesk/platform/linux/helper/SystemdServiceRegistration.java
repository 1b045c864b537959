package dev.wgdesk.platform.linux.helper;

import dev.wgdesk.engine.platform.ServiceRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The helper as the systemd unit {@code wgdesk-helper.service}
 * ({@code installers/src/linux/systemd}). The distribution package installs, enables and removes
 * the unit, so {@link #install} and {@link #uninstall} refuse. The unit is {@code Type=simple}:
 * {@link #run} starts the body and returns once SIGTERM (systemd's stop) or SIGINT has stopped it,
 * through a JVM shutdown hook; there is no readiness notification to send.
 */
public final class SystemdServiceRegistration implements ServiceRegistration {
    /** The unit's name. */
    public static final String UNIT = "wgdesk-helper.service";
    /** Where units may be installed, in systemd's order of precedence. */
    static final List<Path> UNIT_DIRECTORIES = List.of(Path.of("/etc/systemd/system"),
            Path.of("/usr/local/lib/systemd/system"), Path.of("/usr/lib/systemd/system"), Path.of("/lib/systemd/system"));

    private final List<Path> unitDirectories;

    public SystemdServiceRegistration() {
        this(UNIT_DIRECTORIES);
    }

    SystemdServiceRegistration(List<Path> unitDirectories) {
        this.unitDirectories = List.copyOf(unitDirectories);
    }

    @Override
    public String howToStart() {
        return "systemctl start wgdesk-helper";
    }

    @Override
    public String serviceName() {
        return UNIT;
    }

    @Override
    public void install(Path executable) {
        throw new UnsupportedOperationException("on Linux the wgdesk package installs and enables " + UNIT
                + " (installers/src/linux/systemd); install the package instead");
    }

    @Override
    public void uninstall() {
        throw new UnsupportedOperationException("on Linux removing the wgdesk package stops and removes " + UNIT
                + "; remove the package instead");
    }

    @Override
    public boolean isInstalled() {
        return unitDirectories.stream().anyMatch(d -> Files.exists(d.resolve(UNIT)));
    }

    @Override
    public void run(Body body) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        body.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                body.stop();
            } finally {
                stopped.countDown();
            }
        }, "wgdesk-shutdown"));
        stopped.await();
    }
}
