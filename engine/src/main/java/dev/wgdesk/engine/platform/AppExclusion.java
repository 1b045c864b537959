package dev.wgdesk.engine.platform;

import java.io.IOException;
import java.util.List;

/**
 * "Run an app outside the tunnel": processes the helper moved into an OS-level group whose
 * packets bypass every full tunnel (Linux: a cgroup v2 group matched by nftables, routed by the
 * main table). The helper checks who may move which process; this interface only does the OS
 * work. Implementations are thread-safe.
 *
 * <p>Lifetime: {@link #start()} once when the helper starts (removes what a crashed helper left,
 * and sets up again when the group still holds processes), the rules installed by the first
 * {@link #exclude}, {@link #close()} when the helper stops. The backend keeps the rules working
 * as tunnels come and go.
 */
public interface AppExclusion {
    /** Why exclusion does not work here (e.g. "not implemented yet on macOS"), or null when it does. */
    String unavailable();

    /**
     * Moves process {@code pid} (all its threads; not its existing children) into the group,
     * setting up the rules first if needed.
     *
     * @return the group it was in before, in the OS's spelling (for {@link #restore})
     * @throws IOException if it cannot be moved (no such process, the rules cannot be installed)
     */
    String exclude(long pid) throws IOException;

    /** Moves {@code pid} back into {@code group} (as {@link #exclude} returned it). */
    void restore(long pid, String group) throws IOException;

    /** The group process {@code pid} is in now, in the spelling {@link #exclude} returns. */
    String groupOf(long pid) throws IOException;

    /** True if {@code group} (from {@link #groupOf}) is the exclusion group. */
    boolean isExclusionGroup(String group);

    /** The processes in the group now. */
    List<Long> members() throws IOException;

    /** Clean-up after a crash and set-up for processes still in the group; returns what was done. */
    List<String> start();

    /** Removes the rules (processes still in the group stay there, for the next start). */
    void close();

    /** What {@link #unavailable()} says for an OS without it. */
    static AppExclusion unsupported(String reason) {
        return new AppExclusion() {
            @Override
            public String unavailable() {
                return reason;
            }

            @Override
            public String exclude(long pid) throws IOException {
                throw new IOException(reason);
            }

            @Override
            public void restore(long pid, String group) throws IOException {
                throw new IOException(reason);
            }

            @Override
            public String groupOf(long pid) throws IOException {
                throw new IOException(reason);
            }

            @Override
            public boolean isExclusionGroup(String group) {
                return false;
            }

            @Override
            public List<Long> members() {
                return List.of();
            }

            @Override
            public List<String> start() {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
    }
}
