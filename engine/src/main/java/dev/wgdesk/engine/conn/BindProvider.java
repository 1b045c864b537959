package dev.wgdesk.engine.conn;

import java.util.ServiceLoader;

/** Creates {@link Bind}s; platform modules may supply a better one (SO_MARK, batching). */
public interface BindProvider {
    boolean isSupported();

    /** Higher wins when several providers are supported. The portable one has priority 0. */
    int priority();

    Bind create();

    static Bind createBest() {
        BindProvider best = null;
        for (BindProvider p : ServiceLoader.load(BindProvider.class)) {
            if (p.isSupported() && (best == null || p.priority() > best.priority())) {
                best = p;
            }
        }
        return best == null ? new DatagramChannelBind() : best.create();
    }
}
