package dev.wgdesk.platform.windows;

import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunProvider;
import java.io.IOException;

/** Placeholder: windows TUN support (Wintun) is not implemented yet. */
public final class WindowsTunProvider implements TunProvider {
    @Override
    public boolean isSupported() {
        return false;
    }

    @Override
    public Tun create(String name, int mtu) throws IOException {
        throw new UnsupportedOperationException("windows TUN support is not implemented yet");
    }
}
