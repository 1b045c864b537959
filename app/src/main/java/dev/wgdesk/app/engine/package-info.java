/**
 * {@code wgdesk-engine}: the pure-Java WireGuard engine as a command-line daemon that replaces
 * {@code wireguard-go} for {@code wg} and {@code wg-quick}. {@link dev.wgdesk.app.engine.EngineMain}
 * parses the command line, {@link dev.wgdesk.app.engine.Engine} runs one interface,
 * {@link dev.wgdesk.engine.platform.UapiSocket} serves its configuration socket, and
 * {@code Daemon} implements daemon mode by re-launching the JVM.
 */
package dev.wgdesk.app.engine;
