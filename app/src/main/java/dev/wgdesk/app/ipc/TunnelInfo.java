package dev.wgdesk.app.ipc;

import java.util.Objects;

/**
 * One stored tunnel as {@code list} reports it. Immutable.
 *
 * @param name      the tunnel (and interface) name
 * @param state     its current state
 * @param autostart whether the helper activates it when it starts (at boot)
 */
public record TunnelInfo(String name, TunnelState state, boolean autostart) {
    public TunnelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
