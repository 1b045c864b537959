/**
 * The wg-quick configuration model, shared by the privileged helper (which applies a config) and
 * the UI (which edits one).
 *
 * <ul>
 *   <li>{@link dev.wgdesk.engine.config.TunnelConfig} = {@link dev.wgdesk.engine.config.InterfaceConfig}
 *       + {@link dev.wgdesk.engine.config.PeerConfig}s: immutable, built with builders, parsed
 *       from and written to wg-quick text, and written as {@code wg setconf} text or a UAPI
 *       {@code set} request.</li>
 *   <li>Value types: {@link dev.wgdesk.engine.config.IpAddress}, {@link dev.wgdesk.engine.config.IpPrefix},
 *       {@link dev.wgdesk.engine.config.Endpoint}, {@link dev.wgdesk.engine.config.DnsServer},
 *       {@link dev.wgdesk.engine.config.SearchDomain}, {@link dev.wgdesk.engine.config.RouteTable},
 *       {@link dev.wgdesk.engine.config.TunnelName}.</li>
 *   <li>Problems are data: {@link dev.wgdesk.engine.config.ConfigError} (file, section, key,
 *       reason, line, column, text), collected into a {@link dev.wgdesk.engine.config.ParseResult}
 *       or a {@link dev.wgdesk.engine.config.ConfigException}.</li>
 * </ul>
 * Nothing here does I/O except the {@code Path}/{@code Reader} parse methods and
 * {@link dev.wgdesk.engine.config.EndpointResolver#system()}; nothing logs; no {@code toString}
 * shows a private or preshared key.
 */
package dev.wgdesk.engine.config;
