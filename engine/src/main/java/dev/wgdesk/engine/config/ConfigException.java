package dev.wgdesk.engine.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A wg-quick file could not be parsed. Carries every problem found, in file order; the message
 * is their {@linkplain ConfigError#message() messages}, one per line, and never contains a
 * secret.
 */
public final class ConfigException extends Exception {
    private final transient List<ConfigError> errors;

    /**
     * An exception carrying {@code errors}.
     *
     * @param errors at least one error
     * @throws IllegalArgumentException if {@code errors} is empty
     */
    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::message).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** Every problem found, in file order (never empty). */
    public List<ConfigError> errors() {
        return errors;
    }
}
