package dev.wgdesk.platform.linux.helper;

import dev.wgdesk.engine.config.EndpointResolver;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.platform.TunnelBackend;
import dev.wgdesk.platform.linux.net.Command;
import dev.wgdesk.platform.linux.net.LinuxTunnel;
import java.util.List;
import java.util.function.Consumer;

/** {@link TunnelBackend} on Linux: {@link LinuxTunnel} from {@code platform-linux}. */
public final class LinuxTunnelBackend implements TunnelBackend {
    /** The programs a crash journal may name: what {@code LinuxTunnel} journals (rules, DNS). */
    static final java.util.Set<String> JOURNAL_PROGRAMS =
            java.util.Set.of("ip", "nft", "iptables", "ip6tables", "resolvectl", "resolvconf");
    private final Command.Runner runner;

    /** The backend of the helper: programs run on this system. */
    public LinuxTunnelBackend() {
        this(Command.SYSTEM);
    }

    /**
     * A backend running {@code ip}, {@code nft}, resolvers and hooks through {@code runner}: the
     * seam through which tests make one activation step fail.
     */
    public LinuxTunnelBackend(Command.Runner runner) {
        this.runner = java.util.Objects.requireNonNull(runner, "runner");
    }

    @Override
    public Active activate(String name, TunnelConfig config, boolean allowScripts, Consumer<List<List<String>>> journal,
                           Consumer<String> log) throws TunnelBackend.ActivationException {
        LinuxTunnel t;
        try {
            t = LinuxTunnel.activate(name, config,
                    new LinuxTunnel.Options(allowScripts, EndpointResolver.system(), journal, log, runner));
        } catch (dev.wgdesk.platform.linux.net.ActivationException e) {
            throw new TunnelBackend.ActivationException(e.step(), e.getMessage(), e);
        }
        return new Active() {
            @Override
            public DeviceSnapshot snapshot() {
                return t.snapshot();
            }

            @Override
            public int mtu() {
                return t.mtu();
            }

            @Override
            public List<String> warnings() {
                return t.warnings();
            }

            @Override
            public boolean isAlive() {
                return t.isAlive();
            }

            @Override
            public String failureReason() {
                return t.failureReason();
            }

            @Override
            public List<String> deactivate() {
                return t.deactivate();
            }
        };
    }

    @Override
    public java.util.Set<String> journalPrograms() {
        return JOURNAL_PROGRAMS;
    }

    @Override
    public List<String> cleanupStale(String name, List<List<String>> undo) {
        return LinuxTunnel.cleanupStale(name, undo, runner);
    }
}
