package dev.wgdesk.app.ipc;

/**
 * A tunnel's life cycle as the helper reports it:
 * <pre>
 *   INACTIVE --activate--&gt; ACTIVATING --ok--&gt; ACTIVE --deactivate--&gt; DEACTIVATING --&gt; INACTIVE
 *                              \--step failed, rolled back--&gt; FAILED --activate--&gt; ACTIVATING
 * </pre>
 * FAILED behaves as INACTIVE (nothing is configured) but keeps the reason in the status.
 */
public enum TunnelState {
    INACTIVE,
    ACTIVATING,
    ACTIVE,
    DEACTIVATING,
    FAILED;

    /** True while the tunnel's interface exists (or is being set up or torn down). */
    public boolean isUp() {
        return this == ACTIVATING || this == ACTIVE || this == DEACTIVATING;
    }
}
