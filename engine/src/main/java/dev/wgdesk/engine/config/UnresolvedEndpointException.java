package dev.wgdesk.engine.config;

import dev.wgdesk.engine.crypto.PublicKey;

/**
 * A peer's endpoint is a host name that was not (or could not be) resolved to an IP address, so
 * the config cannot be written in UAPI form. Resolve it first, or pass an
 * {@link EndpointResolver}.
 */
public final class UnresolvedEndpointException extends Exception {
    private final Endpoint endpoint;
    private final PublicKey peer;

    /**
     * @param endpoint the endpoint that has no IP address
     * @param peer     the public key of the peer it belongs to
     * @param cause    why resolution failed, or null if none was attempted
     */
    public UnresolvedEndpointException(Endpoint endpoint, PublicKey peer, Throwable cause) {
        super("Endpoint " + endpoint + " of peer " + peer + (cause == null
                ? " is a host name and must be resolved to an IP address first"
                : " could not be resolved: " + cause.getMessage()), cause);
        this.endpoint = endpoint;
        this.peer = peer;
    }

    /** The endpoint that has no IP address. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** The public key of the peer the endpoint belongs to. */
    public PublicKey peer() {
        return peer;
    }
}
