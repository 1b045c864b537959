package dev.wgdesk.engine.conn;

import java.io.IOException;

/**
 * A send to an endpoint with a sticky source failed because that source can no longer be used:
 * the address was removed from the host, the kernel refuses it for the route
 * ({@code EINVAL}, {@code EADDRNOTAVAIL}), or the route to the peer no longer leaves through the
 * interface the source was seen on. The caller should forget the source and send again without
 * it (the kernel and wireguard-go do the same).
 *
 * <p>Datagrams of the batch that went out before the failure have their buffer's position at
 * its limit; the refused one and those after it are untouched.
 */
public final class StaleSourceException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient UdpEndpoint endpoint;

    /**
     * @param endpoint the endpoint whose source was refused
     * @param reason what the operating system said
     */
    public StaleSourceException(UdpEndpoint endpoint, String reason) {
        super("source address " + (endpoint.source() == null ? "?" : endpoint.source().getHostAddress())
                + " can no longer reach " + endpoint.remote() + ": " + reason);
        this.endpoint = endpoint;
    }

    /** No stack trace: this is an expected condition, handled by the caller, not a bug. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** The endpoint whose source was refused. */
    public UdpEndpoint endpoint() {
        return endpoint;
    }
}
