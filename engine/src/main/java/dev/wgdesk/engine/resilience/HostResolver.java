package dev.wgdesk.engine.resilience;

import dev.wgdesk.engine.config.Endpoint;
import dev.wgdesk.engine.config.EndpointResolver;
import dev.wgdesk.engine.config.IpAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Looks up the addresses of a host name: the seam through which the helper resolves endpoint
 * names, at activation and again later ({@link EndpointWatcher}), and through which tests give it
 * names of their own.
 */
@FunctionalInterface
public interface HostResolver {
    /**
     * All addresses of {@code host}, in the order the system prefers them; never empty. May
     * block for seconds.
     *
     * @throws UnknownHostException if the name does not resolve (or the resolver failed)
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /**
     * The system's resolver ({@link InetAddress#getAllByName}: {@code /etc/hosts}, DNS, whatever
     * NSS is set up for). The JVM keeps answers for 30 s ({@code networkaddress.cache.ttl}) unless
     * the process turns that off, as the helper does (the system resolver still caches).
     */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }

    /** An {@link EndpointResolver} for activation, taking the first address as {@code wg(8)} does. */
    default EndpointResolver endpointResolver() {
        return e -> {
            List<InetAddress> all = resolve(e.host());
            if (all.isEmpty()) {
                throw new UnknownHostException(e.host() + ": no address");
            }
            return Endpoint.of(IpAddress.of(all.getFirst()), e.port());
        };
    }
}
