package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.config.ConfigError;
import dev.wgdesk.engine.config.ConfigException;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.plan.ActivationPlanner;
import dev.wgdesk.engine.plan.PlanException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code plan FILE --os OS} as the {@code wgdesk} command does it (ServiceLoader lookup of the
 * planner, file name without {@code .conf} as the tunnel name), for darwin-oracle.sh in this
 * module's tests, where the app module (which depends on this one) is not available. The app's
 * own test runs the script with the real {@code wgdesk} command.
 */
public final class PlanMain {
    private PlanMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4 || !args[0].equals("plan") || !args[2].equals("--os")) {
            System.err.println("usage: PlanMain plan FILE --os OS");
            System.exit(2);
        }
        Path file = Path.of(args[1]);
        String base = file.getFileName().toString();
        String name = base.endsWith(".conf") ? base.substring(0, base.length() - 5) : base;
        try {
            TunnelConfig config = TunnelConfig.parse(file);
            ActivationPlanner p = ActivationPlanner.forOs(args[3]).orElseThrow(
                    () -> new IllegalStateException("no planner for " + args[3]));
            p.plan(name, config).forEach(System.out::println);
        } catch (ConfigException e) {
            e.errors().forEach(err -> System.err.println(err.message()));
            System.exit(1);
        } catch (PlanException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
