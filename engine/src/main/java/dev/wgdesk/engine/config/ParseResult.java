package dev.wgdesk.engine.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TunnelConfig#parseLenient} found: the config when the file had no problems, and
 * every problem otherwise. Instances are immutable. Exactly one of the two is non-empty.
 *
 * @param config     the parsed config, present if and only if {@code errors} is empty
 * @param errors     the problems found, in file order: every one, or the first
 *                   {@link #MAX_ERRORS} when there were more
 * @param errorCount how many problems there were in all (at least {@code errors.size()})
 */
public record ParseResult(Optional<TunnelConfig> config, List<ConfigError> errors, int errorCount) {
    /**
     * Most problems a parse keeps: past them it only counts, so a hostile file (a megabyte of
     * {@code AllowedIPs = ,,,,}) costs a counter, not a million error objects.
     */
    public static final int MAX_ERRORS = 100;

    /** Copies the error list and checks that exactly one of config and errors is present. */
    public ParseResult {
        Objects.requireNonNull(config, "config");
        errors = List.copyOf(errors);
        if (config.isPresent() == !errors.isEmpty()) {
            throw new IllegalArgumentException("a ParseResult holds either a config or errors");
        }
        if (errorCount < errors.size()) {
            throw new IllegalArgumentException("errorCount " + errorCount + " < " + errors.size() + " errors");
        }
    }

    /** A result whose error list is complete. */
    public ParseResult(Optional<TunnelConfig> config, List<ConfigError> errors) {
        this(config, errors, errors.size());
    }

    /** Problems found but not kept in {@link #errors()}. */
    public int omittedErrors() {
        return errorCount - errors.size();
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
