package dev.wgdesk.engine.platform;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * One operating system's half of the privileged helper, found with {@link ServiceLoader}: each
 * {@code platform-*} jar registers one in {@code META-INF/services}, and the helper uses the one
 * whose {@link #isCurrent()} is true. All three jars load on any OS (tests build and check them on
 * Linux); only the current one may touch native code.
 */
public interface HelperPlatform {
    /** {@code linux}, {@code macos} or {@code windows}, as {@link dev.wgdesk.engine.plan.ActivationPlanner#os()}. */
    String os();

    /** True when this is the OS the JVM runs on. Must not load native code. */
    boolean isCurrent();

    /** Where the helper keeps its state (configs, owners, journal): root/SYSTEM only. */
    Path stateDirectory();

    /** The administrator's policy file ({@code /etc/wgdesk/helper.conf}, {@code %ProgramData%\wgdesk\helper.conf}). */
    Path policyFile();

    /** The group whose members may use the helper by default ({@code wgdesk}, {@code wgdesk-users}). */
    String defaultGroup();

    /** Brings tunnels up and down on this OS. */
    TunnelBackend tunnelBackend();

    /** The IPC endpoint and client identity. */
    IpcTransport ipcTransport();

    /** User and group look-ups. */
    UserDirectory userDirectory();

    /** Service registration and the service's run loop. */
    ServiceRegistration serviceRegistration();

    /**
     * Protects a file holding secrets at rest (a stored configuration): DPAPI (the service account's scope) on
     * Windows; elsewhere the identity (the file is 0600 in a root-only directory).
     */
    default SecretStore secretStore() {
        return SecretStore.PLAIN;
    }

    /**
     * Replaces this process with the program {@code argv} (looked up in {@code PATH}), keeping
     * its pid, terminal, environment and OS groups: what {@code wgdesk exclude -- CMD} becomes
     * once its own pid runs outside the tunnels. Returns only when that failed, with the reason;
     * by default (macOS, Windows) it is not implemented.
     */
    default java.io.IOException execReplacing(List<String> argv) {
        return new java.io.IOException("replacing the process is not implemented on " + os());
    }

    /** Every platform on the class path. */
    static List<HelperPlatform> all() {
        return ServiceLoader.load(HelperPlatform.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The platform of the running OS, if its jar is on the class path. */
    static Optional<HelperPlatform> current() {
        return all().stream().filter(HelperPlatform::isCurrent).findFirst();
    }
}
