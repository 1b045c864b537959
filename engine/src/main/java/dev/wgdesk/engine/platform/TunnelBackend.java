package dev.wgdesk.engine.platform;

import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.resilience.ResolutionStatus;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the helper needs from the operating system to run a tunnel: bring one up (TUN, engine
 * device, addresses, routes, DNS, hooks), and clean up after a crash. The Linux implementation is
 * {@code LinuxTunnelBackend} in platform-linux; tests use a fake.
 */
public interface TunnelBackend {
    /** A running tunnel. */
    interface Active {
        /**
         * A snapshot of the engine device. The caller destroys the keys in it
         * ({@code privateKey}, each peer's {@code presharedKey}).
         */
        DeviceSnapshot snapshot();

        /** The interface MTU. */
        int mtu();

        /** What was not applied, e.g. DNS or hooks disabled by policy. */
        List<String> warnings();

        /** False once the interface has gone away (deleted from outside, or the device failed). */
        boolean isAlive();

        /** Once not alive: why the device failed (the engine's reason), or null if it was not a failure. */
        default String failureReason() {
            return null;
        }

        /**
         * What is known about the host names of the peers' endpoints (when each last resolved,
         * and the latest failure), in configuration order; empty when no endpoint is a name or
         * the backend does not re-resolve.
         */
        default List<ResolutionStatus> resolutions() {
            return List.of();
        }

        /**
         * Undoes activation in reverse order: PreDown hooks, routes, rules, DNS, addresses,
         * device and interface, PostDown hooks. Never throws; returns what could not be undone.
         */
        List<String> deactivate();

        /**
         * True if this tunnel has a kill switch in place ("Block untunneled traffic") that must
         * keep blocking when the tunnel dies, until {@link #deactivate()}.
         */
        default boolean hasKillSwitch() {
            return false;
        }

        /**
         * For a tunnel that died: undoes everything but the kill switch, which {@link #deactivate()}
         * removes later. Never throws; returns what could not be undone. Without a kill switch
         * (the default), {@link #deactivate()}.
         */
        default List<String> stopKeepingKillSwitch() {
            return deactivate();
        }
    }

    /** Activation failed at one step; what had been done was undone. */
    final class ActivationException extends Exception {
        private final String step;

        public ActivationException(String step, String message, Throwable cause) {
            super("step \"" + step + "\" failed: " + message, cause);
            this.step = step;
        }

        /** The step that failed, e.g. {@code routes}. */
        public String step() {
            return step;
        }
    }

    /**
     * Brings a tunnel up.
     *
     * @param name         the tunnel name, used as the interface name
     * @param config       its configuration (the backend does not destroy it)
     * @param allowScripts whether PreUp/PostUp/PreDown/PostDown run
     * @param journal      called, before anything changes, with the commands that would undo
     *                     what the activation changes outside the interface (rules, DNS); the
     *                     caller persists them for {@link #cleanupStale} after a crash
     * @param log          receives progress lines
     * @throws ActivationException after rolling back, naming the failed step
     */
    Active activate(String name, TunnelConfig config, boolean allowScripts, Consumer<List<List<String>>> journal,
                    Consumer<String> log) throws ActivationException;

    /**
     * The programs (by bare name, the first word of a command) that {@link #activate}'s journal
     * may name. After a crash the helper passes {@link #cleanupStale} only journaled commands
     * naming one of them, and logs the others as refused: the journal is a file, and a file is not
     * trusted to name arbitrary programs run as root.
     */
    java.util.Set<String> journalPrograms();

    /**
     * Removes what a crashed helper left of a tunnel: its interface, if it still exists, and
     * whatever the journaled commands undo. Failures are expected (things may already be gone)
     * and only returned, not thrown.
     *
     * @return one line per thing that was actually cleaned up
     */
    List<String> cleanupStale(String name, List<List<String>> undo);

    /**
     * Running apps outside the tunnels ({@link AppExclusion}); by default not implemented, saying
     * so (macOS, Windows, fakes).
     */
    default AppExclusion appExclusion() {
        return AppExclusion.unsupported("running an app outside the tunnel is not implemented yet on this OS");
    }
}
