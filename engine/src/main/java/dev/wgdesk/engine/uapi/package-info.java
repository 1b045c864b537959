/**
 * WireGuard's cross-platform userspace API (UAPI): the text protocol that {@code wg} and
 * {@code wg-quick} speak to a userspace implementation over {@code /var/run/wireguard/NAME.sock}
 * (a named pipe on Windows), with wireguard-go's replies byte for byte.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link dev.wgdesk.engine.uapi.UapiTarget}: what the device implements; a
 *       {@link dev.wgdesk.engine.uapi.DeviceState} snapshot for {@code get} and one call per
 *       {@code set} line.</li>
 *   <li>{@link dev.wgdesk.engine.uapi.UapiHandler}: serves connections for one device.</li>
 *   <li>{@link dev.wgdesk.engine.uapi.IpPrefix}, {@link dev.wgdesk.engine.uapi.IpText}: allowed
 *       IPs and endpoints in wireguard-go's text forms.</li>
 *   <li>{@link dev.wgdesk.engine.uapi.UapiException}, {@link dev.wgdesk.engine.uapi.UapiError},
 *       {@link dev.wgdesk.engine.uapi.ErrnoConvention}: typed errors and their errno numbers.</li>
 * </ul>
 *
 * <h2>Wiring</h2>
 * <pre>{@code
 * UapiHandler uapi = new UapiHandler(device);            // device implements UapiTarget
 * // for each accepted connection, on its own thread:
 * try (SocketChannel ch = server.accept()) {             // UNIX-domain, blocking
 *     uapi.serve(Channels.newInputStream(ch), Channels.newOutputStream(ch));
 * }
 * }</pre>
 * {@code serve} returns when the client is done, sent an unknown operation, or the connection
 * failed; it never throws for client input. The socket must be reachable by root (or the owning
 * user) only: {@code get} returns the private key.
 */
package dev.wgdesk.engine.uapi;
