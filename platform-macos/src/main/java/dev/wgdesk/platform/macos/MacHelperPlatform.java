package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.IpcTransport;
import dev.wgdesk.engine.platform.ServiceRegistration;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UnixSocketTransport;
import dev.wgdesk.engine.platform.UserDirectory;
import java.nio.file.Path;

/**
 * macOS's half of the helper, found through {@code META-INF/services}: tunnels on utun
 * ({@link MacTunnelBackend}), group look-ups through Directory Services ({@link MacUserDirectory}),
 * a launchd LaunchDaemon ({@link MacServiceRegistration}), the shared UNIX socket transport
 * ({@link MacSocketTransport}).
 *
 * <p>Paths:
 * <ul>
 *   <li>state: {@code /Library/Application Support/wgdesk}, root only (0700; the .pkg's
 *       postinstall and {@link MacServiceRegistration#install} make it so);
 *   <li>policy: {@code /etc/wgdesk/helper.conf}, as on Linux: an administrator's file in the
 *       place administrators edit system files on macOS too ({@code /etc} is
 *       {@code /private/etc}), kept apart from the helper's own state so that removing the state
 *       never removes the policy, and the same path in every document;
 *   <li>socket: {@code /var/run/wgdesk/helper.sock}.
 * </ul>
 * Making this object and asking {@link #isCurrent()} loads no native code: every part loads
 * libSystem on first use, so the helper's platform list can be built on any OS. Never run on a
 * Mac yet.
 */
public final class MacHelperPlatform implements HelperPlatform {
    /** The helper's state directory. */
    public static final Path STATE_DIRECTORY = Path.of("/Library/Application Support/wgdesk");
    /** The administrator's policy file. */
    public static final Path POLICY_FILE = Path.of("/etc/wgdesk/helper.conf");
    /** The helper's UNIX socket. */
    public static final Path SOCKET = Path.of("/var/run/wgdesk/helper.sock");

    private final String osName;

    /** The platform ServiceLoader makes. */
    public MacHelperPlatform() {
        this(System.getProperty("os.name", ""));
    }

    MacHelperPlatform(String osName) {
        this.osName = osName;
    }

    @Override
    public String os() {
        return "macos";
    }

    /** The JDK calls macOS "Mac OS X" on every release, 11 to 26 included. */
    @Override
    public boolean isCurrent() {
        return osName.startsWith("Mac OS X");
    }

    @Override
    public Path stateDirectory() {
        return STATE_DIRECTORY;
    }

    @Override
    public Path policyFile() {
        return POLICY_FILE;
    }

    @Override
    public String defaultGroup() {
        return "wgdesk";
    }

    @Override
    public TunnelBackend tunnelBackend() {
        return new MacTunnelBackend();
    }

    /**
     * The shared UNIX socket transport ({@code getpeereid} behind the JDK's {@code SO_PEERCRED}),
     * its directory made 0755 first ({@link MacSocketTransport}: launchd has no
     * {@code RuntimeDirectory}).
     */
    @Override
    public IpcTransport ipcTransport() {
        return new MacSocketTransport(new UnixSocketTransport(SOCKET));
    }

    @Override
    public UserDirectory userDirectory() {
        return new MacUserDirectory();
    }

    @Override
    public ServiceRegistration serviceRegistration() {
        return new MacServiceRegistration();
    }
}
