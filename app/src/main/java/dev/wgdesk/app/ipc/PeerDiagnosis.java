package dev.wgdesk.app.ipc;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What is wrong with one peer, if anything, as the engine observed it (docs/diagnostics.md).
 * Immutable.
 *
 * @param code     {@code ok}, {@code waiting}, {@code no-reply}, {@code bad-response},
 *                 {@code one-way}, {@code unreachable}, {@code dns-failed} or {@code no-endpoint}
 *                 (a client treats a code it does not know as a problem and shows the message)
 * @param message  for users: what is wrong and what to check
 * @param counters the observations behind it, by name: numbers, booleans, or text (errors, names)
 */
public record PeerDiagnosis(String code, String message, Map<String, Object> counters) {
    /** The codes that say nothing is wrong. */
    public static final String OK = "ok";
    public static final String WAITING = "waiting";

    public PeerDiagnosis {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        counters = counters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    /** True unless the code is {@code ok} or {@code waiting}. Not part of the JSON. */
    @JsonIgnore
    public boolean isProblem() {
        return !code.equals(OK) && !code.equals(WAITING);
    }
}
