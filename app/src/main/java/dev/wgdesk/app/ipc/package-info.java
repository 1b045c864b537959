/**
 * The protocol between the privileged helper and its clients (the CLI and the tray app):
 * versioned, newline-delimited JSON over a UNIX domain socket, specified in {@code docs/ipc.md}.
 *
 * <ul>
 *   <li>{@link dev.wgdesk.app.ipc.IpcClient}: the client library, with blocking and
 *       {@code CompletableFuture} forms of every request and pushed events.</li>
 *   <li>{@link dev.wgdesk.app.ipc.IpcServer}: the helper's end; authorises peers by
 *       {@code SO_PEERCRED}, bounds request size and client count, and never lets a bad request
 *       stop it.</li>
 *   <li>Messages: {@link dev.wgdesk.app.ipc.TunnelInfo}, {@link dev.wgdesk.app.ipc.TunnelStatus},
 *       {@link dev.wgdesk.app.ipc.PeerStatus}, {@link dev.wgdesk.app.ipc.LogEntry},
 *       {@link dev.wgdesk.app.ipc.IpcEvent}; failures are {@link dev.wgdesk.app.ipc.IpcException}s
 *       with an {@link dev.wgdesk.app.ipc.ErrorCode}.</li>
 * </ul>
 */
package dev.wgdesk.app.ipc;
