package dev.wgdesk.engine.plan;

import dev.wgdesk.engine.config.TunnelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What activating a configuration would do on one operating system, as text, computed without
 * touching the system: the {@code wgdesk plan FILE --os OS} command prints it, and tests check
 * every OS's plan on any machine. Implementations live in the {@code platform-*} modules and are
 * found with {@link ServiceLoader}, like {@link dev.wgdesk.engine.tun.TunProvider}.
 *
 * <p>A plan is a pure function of its arguments: the same name and configuration give the same
 * lines, whatever machine runs it. Where a step depends on the machine's state (its default
 * gateway, its network services, the MTU of its default interface), the line holds a
 * placeholder in angle brackets such as {@code <gateway4>}, explained by a note line.
 *
 * <p>Lines: one step per line, in the order the activation does them. A line starting with
 * {@code "# "} is a note (placeholders, assumptions), not a step. Where the OS's own tool would
 * run a command, the step is that command in that tool's spelling (on macOS wg-quick's
 * {@code ifconfig}/{@code route}/{@code networksetup}, on Linux {@code ip}).
 */
public interface ActivationPlanner {
    /** The OS this planner is for: {@code linux}, {@code macos} or {@code windows}. */
    String os();

    /**
     * The steps.
     *
     * @param tunnelName the tunnel's name (the file name without {@code .conf})
     * @param config     the configuration; read only, not destroyed
     * @throws PlanException if this OS cannot activate the configuration (e.g. a routing table
     *                       it does not support), with a message naming the setting
     */
    List<String> plan(String tunnelName, TunnelConfig config) throws PlanException;

    /** The planner for {@code os} on the class path, if any. */
    static Optional<ActivationPlanner> forOs(String os) {
        for (ActivationPlanner p : ServiceLoader.load(ActivationPlanner.class)) {
            if (p.os().equals(os)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The {@link #os()} names of every planner on the class path. */
    static List<String> available() {
        List<String> out = new ArrayList<>();
        ServiceLoader.load(ActivationPlanner.class).forEach(p -> out.add(p.os()));
        out.sort(null);
        return out;
    }

    /** The running OS as a planner name: {@code linux}, {@code macos}, {@code windows}, else the os.name. */
    static String currentOs() {
        String n = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (n.startsWith("mac") || n.startsWith("darwin")) {
            return "macos";
        }
        if (n.startsWith("windows")) {
            return "windows";
        }
        if (n.startsWith("linux")) {
            return "linux";
        }
        return n;
    }
}
