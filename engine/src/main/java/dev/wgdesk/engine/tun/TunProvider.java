package dev.wgdesk.engine.tun;

import java.io.IOException;
import java.util.ServiceLoader;

/**
 * Creates TUN devices on one operating system. Implementations live in the {@code platform-*}
 * modules and are found with {@link ServiceLoader}.
 */
public interface TunProvider {
    /** True if this provider works on the running OS. */
    boolean isSupported();

    /**
     * Creates (or attaches to) a TUN interface.
     *
     * @param name the requested interface name, or {@code null} to let the OS choose
     * @param mtu the MTU to set
     * @throws IOException with a message a user can act on (permission, missing driver, name in use)
     */
    Tun create(String name, int mtu) throws IOException;

    /** The first supported provider on the class path. */
    static TunProvider load() {
        for (TunProvider p : ServiceLoader.load(TunProvider.class)) {
            if (p.isSupported()) {
                return p;
            }
        }
        throw new UnsupportedOperationException(
                "no TUN driver for " + System.getProperty("os.name") + ": platform support is not implemented yet");
    }
}
