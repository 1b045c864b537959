package dev.wgdesk.engine.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link NmKeyfile#parse} found in a NetworkManager keyfile. Instances are immutable.
 *
 * @param config       the tunnel, present if and only if {@code errors} is empty
 * @param name         the tunnel name: the connection id made a valid name (see
 *                     {@link NmKeyfile#tunnelName})
 * @param connectionId the connection's {@code [connection] id} as written (the file name's stem
 *                     when there is none)
 * @param errors       every problem that prevents the import, in file order
 * @param warnings     every NetworkManager setting that was not imported, and other remarks,
 *                     in file order; a config with warnings is still imported
 */
public record NmImport(Optional<TunnelConfig> config, TunnelName name, String connectionId,
                       List<NmKeyfileProblem> errors, List<NmKeyfileProblem> warnings) {
    /** Copies the lists and checks that exactly one of config and errors is present. */
    public NmImport {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(connectionId, "connectionId");
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        if (config.isPresent() == !errors.isEmpty()) {
            throw new IllegalArgumentException("an NmImport holds either a config or errors");
        }
    }

    /** True when the file can be imported (it may still have warnings). */
    public boolean isValid() {
        return errors.isEmpty();
    }
}
