package dev.wgdesk.platform.linux;

import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.IpcTransport;
import dev.wgdesk.engine.platform.ServiceRegistration;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.engine.platform.UnixSocketTransport;
import dev.wgdesk.engine.platform.UserDirectory;
import dev.wgdesk.platform.linux.helper.LinuxTunnelBackend;
import dev.wgdesk.platform.linux.helper.LinuxUserDirectory;
import dev.wgdesk.platform.linux.helper.SystemdServiceRegistration;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The helper on Linux: tunnels through {@link LinuxTunnelBackend} ({@code ip}, nft, the engine
 * over {@code /dev/net/tun}), the UNIX socket {@code /run/wgdesk/helper.sock}, NSS look-ups and
 * the systemd unit. Creating it and {@link #isCurrent()} load no native code.
 */
public final class LinuxHelperPlatform implements HelperPlatform {
    /** The helper's socket. */
    public static final Path SOCKET = Path.of("/run/wgdesk/helper.sock");

    @Override
    public String os() {
        return "linux";
    }

    @Override
    public boolean isCurrent() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }

    @Override
    public Path stateDirectory() {
        return Path.of("/var/lib/wgdesk");
    }

    @Override
    public Path policyFile() {
        return Path.of("/etc/wgdesk/helper.conf");
    }

    @Override
    public String defaultGroup() {
        return "wgdesk";
    }

    @Override
    public TunnelBackend tunnelBackend() {
        return new LinuxTunnelBackend();
    }

    @Override
    public IpcTransport ipcTransport() {
        return new UnixSocketTransport(SOCKET);
    }

    @Override
    public UserDirectory userDirectory() {
        return new LinuxUserDirectory();
    }

    @Override
    public ServiceRegistration serviceRegistration() {
        return new SystemdServiceRegistration();
    }

    /** {@code execvp(3)} through {@link Exec}. */
    @Override
    public java.io.IOException execReplacing(java.util.List<String> argv) {
        return Exec.execvp(argv);
    }
}
