package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunProvider;
import java.io.IOException;

/** Placeholder: macos TUN support (utun) is not implemented yet. */
public final class MacOsTunProvider implements TunProvider {
    @Override
    public boolean isSupported() {
        return false;
    }

    @Override
    public Tun create(String name, int mtu) throws IOException {
        throw new UnsupportedOperationException("macos TUN support is not implemented yet");
    }
}
