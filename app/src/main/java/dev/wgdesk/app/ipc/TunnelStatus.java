package dev.wgdesk.app.ipc;

import java.util.List;
import java.util.Objects;

/**
 * Runtime status of one tunnel, as {@code status} reports it. Immutable. Never contains key
 * material except public keys.
 *
 * @param name          the tunnel name (also its interface name)
 * @param state         the current state
 * @param autostart     whether it is activated when the helper starts
 * @param publicKey     the interface's public key (base64), or null if not active
 * @param listenPort    the UDP port in use, 0 if not active
 * @param mtu           the interface MTU, 0 if not active
 * @param activeSinceMillis when it became active (epoch ms), 0 if not active
 * @param peers         per-peer state (empty if not active)
 * @param warnings      things that were not applied (e.g. "DNS not applied: ..."; scripts disabled by policy)
 * @param error         why the last activation failed (state FAILED), else null
 * @param hooksNotice   why the configuration's PreUp/PostUp/PreDown/PostDown commands are stored
 *                      but not run although the administrator allows scripts (someone other than
 *                      root wrote it), else null
 * @param onDemand      its on-demand rule and what on-demand last did with it, or null when it has
 *                      no rule
 */
public record TunnelStatus(String name, TunnelState state, boolean autostart, String publicKey, int listenPort,
                           int mtu, long activeSinceMillis, List<PeerStatus> peers, List<String> warnings,
                           String error, String hooksNotice, OnDemandStatus onDemand) {
    public TunnelStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        peers = peers == null ? List.of() : List.copyOf(peers);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A status without on-demand. */
    public TunnelStatus(String name, TunnelState state, boolean autostart, String publicKey, int listenPort,
                        int mtu, long activeSinceMillis, List<PeerStatus> peers, List<String> warnings,
                        String error, String hooksNotice) {
        this(name, state, autostart, publicKey, listenPort, mtu, activeSinceMillis, peers, warnings, error, hooksNotice,
                null);
    }

    /** The same status with {@code value} as its on-demand part. */
    public TunnelStatus withOnDemand(OnDemandStatus value) {
        return new TunnelStatus(name, state, autostart, publicKey, listenPort, mtu, activeSinceMillis, peers, warnings,
                error, hooksNotice, value);
    }

    /** A status without a hooks notice. */
    public TunnelStatus(String name, TunnelState state, boolean autostart, String publicKey, int listenPort,
                        int mtu, long activeSinceMillis, List<PeerStatus> peers, List<String> warnings, String error) {
        this(name, state, autostart, publicKey, listenPort, mtu, activeSinceMillis, peers, warnings, error, null);
    }

    /** A status for a tunnel that is not up. */
    public static TunnelStatus inactive(String name, TunnelState state, boolean autostart, String error) {
        return inactive(name, state, autostart, error, null);
    }

    /** A status for a tunnel that is not up, with a hooks notice (or null). */
    public static TunnelStatus inactive(String name, TunnelState state, boolean autostart, String error, String hooksNotice) {
        return new TunnelStatus(name, state, autostart, null, 0, 0, 0, List.of(), List.of(), error, hooksNotice);
    }
}
