package dev.wgdesk.engine.device;

import java.util.Objects;

/**
 * What is known about resolving a peer's endpoint host name, as whoever resolves it (the helper)
 * recorded it with {@link Device#recordEndpointResolved} and
 * {@link Device#recordEndpointResolutionFailed}. The engine itself never resolves names; this
 * only feeds {@link Diagnosis}.
 *
 * @param host                   the host name of the endpoint
 * @param lastOkEpochMillis      when it last resolved (wall clock, epoch ms), 0 if never
 * @param lastFailureEpochMillis when it last failed to resolve, 0 if never
 * @param error                  the resolver's error if the latest attempt failed, null if it succeeded
 */
public record EndpointResolution(String host, long lastOkEpochMillis, long lastFailureEpochMillis, String error) {
    public EndpointResolution {
        Objects.requireNonNull(host, "host");
    }

    /** True if the latest attempt failed. */
    public boolean failing() {
        return error != null;
    }
}
