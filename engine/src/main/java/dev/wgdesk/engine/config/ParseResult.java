package dev.wgdesk.engine.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TunnelConfig#parseLenient} found: the config when the file had no problems, and
 * every problem otherwise. Instances are immutable. Exactly one of the two is non-empty.
 *
 * @param config the parsed config, present if and only if {@code errors} is empty
 * @param errors every problem found, in file order
 */
public record ParseResult(Optional<TunnelConfig> config, List<ConfigError> errors) {
    /** Copies the error list and checks that exactly one of config and errors is present. */
    public ParseResult {
        Objects.requireNonNull(config, "config");
        errors = List.copyOf(errors);
        if (config.isPresent() == !errors.isEmpty()) {
            throw new IllegalArgumentException("a ParseResult holds either a config or errors");
        }
    }

    /** True when the file parsed without problems. */
    public boolean isValid() {
        return errors.isEmpty();
    }

    /**
     * The config.
     *
     * @throws ConfigException carrying {@link #errors()} if there were problems
     */
    public TunnelConfig orThrow() throws ConfigException {
        if (config.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config.get();
    }
}
