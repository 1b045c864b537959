/**
 * Network configuration for tunnels on Linux: {@link dev.wgdesk.platform.linux.net.LinuxTunnel}
 * brings a wg-quick configuration up with the engine in-process (TUN, device, addresses, MTU,
 * routes, full-tunnel policy routing and packet filter rules, DNS, hooks) and down again in reverse order;
 * {@link dev.wgdesk.platform.linux.net.NetPlan} computes the {@code ip} commands,
 * {@link dev.wgdesk.platform.linux.net.Dns} the DNS ones, {@link dev.wgdesk.platform.linux.net.Firewall}
 * the nftables/iptables ones, and
 * {@link dev.wgdesk.platform.linux.net.Command} runs them with checked exit codes.
 */
package dev.wgdesk.platform.linux.net;
