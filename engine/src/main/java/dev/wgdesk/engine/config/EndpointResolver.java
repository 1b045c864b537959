package dev.wgdesk.engine.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns an endpoint that names a host into one that holds an IP address. UAPI (the engine's
 * configuration protocol) accepts only IP literals, so host names in {@code Endpoint =} must be
 * resolved before {@link TunnelConfig#toUapiSetString(EndpointResolver)}; a resolver says how.
 */
@FunctionalInterface
public interface EndpointResolver {
    /**
     * Resolves {@code endpoint}, whose {@linkplain Endpoint#kind() kind} is
     * {@link Endpoint.Kind#HOSTNAME}.
     *
     * @return an endpoint with an IP-literal host (any port; normally the same one)
     * @throws UnknownHostException if the name cannot be resolved
     */
    Endpoint resolve(Endpoint endpoint) throws UnknownHostException;

    /**
     * Resolves with the platform resolver ({@link InetAddress#getAllByName}), taking the first
     * address as {@code wg(8)} takes the first {@code getaddrinfo} result. This blocks, possibly
     * for seconds: do not call it on a UI thread.
     */
    static EndpointResolver system() {
        return e -> Endpoint.of(IpAddress.of(InetAddress.getAllByName(e.host())[0]), e.port());
    }
}
