package dev.wgdesk.platform.linux;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made for one test ({@code ip netns add}), with a thread that has entered
 * it ({@code setns}): sockets and TUN devices created through {@link #call} live in the
 * namespace, so test traffic never touches the host's interfaces. {@link #close()} deletes the
 * namespace, which also removes every link left in it.
 */
final class Netns implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;

    static {
        Native.register(Netns.class, Platform.C_LIBRARY_NAME);
    }

    private static native int setns(int fd, int nstype);

    private final String name;
    private final ExecutorService thread;

    private Netns(String name) {
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("netns-" + name).unstarted(r));
    }

    static Netns create(String name) throws IOException {
        Host.run(false, "ip", "netns", "del", name); // a leftover from a killed run
        Host.run("ip", "netns", "add", name);
        Netns ns = new Netns(name);
        try {
            ns.call(() -> {
                int fd = LibC.open("/var/run/netns/" + name, 0x80000 /* O_RDONLY|O_CLOEXEC */);
                if (fd < 0) {
                    throw Errno.exception("open netns " + name, LibC.errno());
                }
                try {
                    if (setns(fd, CLONE_NEWNET) != 0) {
                        throw Errno.exception("setns " + name, LibC.errno());
                    }
                } finally {
                    LibC.close(fd);
                }
                return null;
            });
            ns.ip("link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    String name() {
        return name;
    }

    /** Runs {@code task} on the thread inside the namespace. */
    <T> T call(Callable<T> task) throws IOException {
        Future<T> f = thread.submit(task);
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** {@code ip -n <ns> args...}. */
    String ip(String... args) throws IOException {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = name;
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Host.run(cmd);
    }

    @Override
    public void close() throws IOException {
        thread.shutdownNow();
        Host.run(false, "ip", "netns", "del", name);
    }
}
