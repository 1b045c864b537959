/**
 * What the privileged helper needs from the operating system, as interfaces the {@code platform-*}
 * modules implement and the helper finds with {@link java.util.ServiceLoader} through
 * {@link dev.wgdesk.engine.platform.HelperPlatform}: running a tunnel
 * ({@link dev.wgdesk.engine.platform.TunnelBackend}), the IPC transport and the identity of a
 * connected client ({@link dev.wgdesk.engine.platform.IpcTransport},
 * {@link dev.wgdesk.engine.platform.ClientIdentity}), user and group look-ups
 * ({@link dev.wgdesk.engine.platform.UserDirectory}) and service registration
 * ({@link dev.wgdesk.engine.platform.ServiceRegistration}). The helper itself ({@code app/helper})
 * never imports a platform module: an ArchUnit rule keeps it so.
 */
package dev.wgdesk.engine.platform;
