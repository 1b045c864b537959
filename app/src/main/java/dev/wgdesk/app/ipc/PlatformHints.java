package dev.wgdesk.app.ipc;

import dev.wgdesk.engine.platform.HelperPlatform;
import java.util.Objects;
import java.util.Optional;

/**
 * What a user refused by the helper, or stranded without one, is told to do, in the commands of
 * their own OS: the group that may use the helper, how an administrator adds someone to it, how
 * the service is started. Everything comes from that OS's {@link HelperPlatform} (its
 * {@code UserDirectory} and {@code ServiceRegistration}), found by name among the platforms on the
 * class path, so the CLI's messages ({@link IpcClient}) and the tray app's banner say the same.
 * Without such a platform the Linux commands are given.
 */
public final class PlatformHints {
    /** The platform's name when no platform jar is present. */
    public static final String FALLBACK_OS = "linux";
    private static final String FALLBACK_GROUP = "wgdesk";

    private final String os;
    private final Optional<HelperPlatform> platform;

    private PlatformHints(String os, Optional<HelperPlatform> platform) {
        this.os = os;
        this.platform = platform;
    }

    /**
     * The hints of the OS named {@code os} ({@code linux}, {@code macos}, {@code windows}, as
     * {@link HelperPlatform#os()}); the Linux commands for a name no platform on the class path has.
     */
    public static PlatformHints forOs(String os) {
        Objects.requireNonNull(os, "os");
        Optional<HelperPlatform> p = HelperPlatform.all().stream().filter(x -> x.os().equals(os)).findFirst();
        return new PlatformHints(p.isPresent() ? os : FALLBACK_OS, p);
    }

    /** The hints of the OS this JVM runs on. */
    public static PlatformHints current() {
        Optional<HelperPlatform> p = HelperPlatform.current();
        return new PlatformHints(p.map(HelperPlatform::os).orElse(FALLBACK_OS), p);
    }

    /** The OS these hints are for ({@value #FALLBACK_OS} when no platform was found). */
    public String os() {
        return os;
    }

    /** Whether the OS is Windows: administrators instead of root, signing out instead of logging out. */
    public boolean isWindows() {
        return os.equals("windows");
    }

    /** The group whose members may use the helper ({@code wgdesk}, {@code wgdesk-users}). */
    public String group() {
        return platform.map(HelperPlatform::defaultGroup).orElse(FALLBACK_GROUP);
    }

    /** The command by which an administrator adds {@code user} to {@link #group()}. */
    public String howToAdd(String user) {
        return platform.map(p -> p.userDirectory().howToAdd(user, group()))
                .orElse("usermod -aG " + FALLBACK_GROUP + " " + user);
    }

    /** How to start the helper's service. */
    public String howToStart() {
        return platform.map(p -> p.serviceRegistration().howToStart()).orElse("systemctl start wgdesk-helper");
    }

    /** The helper's service name (systemd unit, launchd label, Windows service). */
    public String serviceName() {
        return platform.map(p -> p.serviceRegistration().serviceName()).orElse("wgdesk-helper");
    }

    /**
     * The command that starts the helper, ready to copy: with {@code sudo} on Linux and macOS; on
     * Windows {@code sc start NAME}, to be run in a command prompt run as administrator.
     */
    public String startCommand() {
        if (isWindows()) {
            return "sc start " + serviceName();
        }
        String c = howToStart();
        return c.startsWith("sudo ") ? c : "sudo " + c;
    }

    /** The shell's name for the current user, for commands to copy ({@code $USER}, {@code %USERNAME%}). */
    public String currentUserVariable() {
        return isWindows() ? "%USERNAME%" : "$USER";
    }
}
