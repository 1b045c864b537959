package dev.wgdesk.app.helper;

import dev.wgdesk.engine.resilience.ResolutionStatus;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.device.DeviceSnapshot;
import dev.wgdesk.engine.platform.TunnelBackend;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link TunnelBackend} that runs another backend inside a network namespace: every call that
 * touches the network ({@code activate}, {@code deactivate}, {@code cleanupStale}) runs on one
 * platform thread that has entered the namespace ({@code setns}). What that thread creates lives
 * in the namespace: the TUN interface, the engine's UDP sockets, the threads the engine starts
 * (a new thread inherits its creator's namespace) and every program it runs ({@code ip},
 * {@code nft}, hooks). So the real helper (IPC, stores, monitor) runs in this JVM while its
 * tunnels change only the test's namespace, never the host's routing.
 */
final class NetnsBackend implements TunnelBackend, AutoCloseable {
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    private final TunnelBackend inner;
    private final ExecutorService thread;

    /** Enters {@code /var/run/netns/NAME} (made with {@code ip netns add}) on a thread of its own. */
    NetnsBackend(String netns, TunnelBackend inner) throws IOException {
        this.inner = inner;
        this.thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("netns-" + netns).unstarted(r));
        call(() -> {
            int fd = LibC.INSTANCE.open("/var/run/netns/" + netns, O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw new IOException("cannot open /var/run/netns/" + netns + ": errno " + Native.getLastError());
            }
            try {
                if (LibC.INSTANCE.setns(fd, CLONE_NEWNET) != 0) {
                    throw new IOException("setns " + netns + ": errno " + Native.getLastError());
                }
            } finally {
                LibC.INSTANCE.close(fd);
            }
            return null;
        });
    }

    private <T> T call(Callable<T> task) throws IOException {
        Future<T> f = thread.submit(task);
        try {
            return f.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IOException(e.getCause());
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private <T> T unchecked(Callable<T> task) {
        try {
            return call(task);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Active activate(String name, TunnelConfig config, boolean allowScripts, Consumer<List<List<String>>> journal,
                           Consumer<String> log) throws ActivationException {
        Active a;
        try {
            a = call(() -> {
                try {
                    return inner.activate(name, config, allowScripts, journal, log);
                } catch (ActivationException e) {
                    throw new Wrapped(e);
                }
            });
        } catch (Wrapped w) {
            throw w.cause;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Active() {
            @Override
            public DeviceSnapshot snapshot() {
                return a.snapshot();
            }

            @Override
            public int mtu() {
                return a.mtu();
            }

            @Override
            public List<String> warnings() {
                return a.warnings();
            }

            @Override
            public boolean isAlive() {
                return a.isAlive();
            }

            @Override
            public List<ResolutionStatus> resolutions() {
                return a.resolutions();
            }

            @Override
            public boolean hasKillSwitch() {
                return a.hasKillSwitch();
            }

            @Override
            public List<String> stopKeepingKillSwitch() {
                return unchecked(a::stopKeepingKillSwitch);
            }

            @Override
            public List<String> deactivate() {
                return unchecked(a::deactivate);
            }
        };
    }

    /** Carries an {@link ActivationException} through the executor. */
    private static final class Wrapped extends RuntimeException {
        final ActivationException cause;

        Wrapped(ActivationException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    /** The inner backend's, its calls made in the namespace (nft and ip rules are per namespace). */
    @Override
    public dev.wgdesk.engine.platform.AppExclusion appExclusion() {
        dev.wgdesk.engine.platform.AppExclusion in = inner.appExclusion();
        return new dev.wgdesk.engine.platform.AppExclusion() {
            @Override
            public String unavailable() {
                return unchecked(in::unavailable);
            }

            @Override
            public String exclude(long pid) throws IOException {
                return call(() -> in.exclude(pid));
            }

            @Override
            public void restore(long pid, String group) throws IOException {
                call(() -> {
                    in.restore(pid, group);
                    return null;
                });
            }

            @Override
            public String groupOf(long pid) throws IOException {
                return in.groupOf(pid);
            }

            @Override
            public boolean isExclusionGroup(String group) {
                return in.isExclusionGroup(group);
            }

            @Override
            public List<Long> members() throws IOException {
                return in.members();
            }

            @Override
            public List<String> start() {
                return unchecked(in::start);
            }

            @Override
            public void close() {
                unchecked(() -> {
                    in.close();
                    return null;
                });
            }
        };
    }

    @Override
    public java.util.Set<String> journalPrograms() {
        return inner.journalPrograms();
    }

    @Override
    public List<String> cleanupStale(String name, List<List<String>> undo) {
        return unchecked(() -> inner.cleanupStale(name, undo));
    }

    @Override
    public void close() {
        thread.shutdownNow();
        if (inner instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: the inner backend's monitor threads are daemons
            }
        }
    }
}
