package dev.wgdesk.engine.platform;

import dev.wgdesk.engine.config.TunnelName;
import dev.wgdesk.engine.uapi.UapiHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The UAPI listening socket {@code DIR/NAME.sock} (normally {@code /var/run/wireguard}), through
 * which {@code wg} and {@code wg-quick} configure a userspace WireGuard device: the one of
 * {@code wgdesk-engine}, and each tunnel the privileged helper brings up ({@link UnixUapiServer}).
 *
 * <p><b>Creation.</b> The directory is created with mode 0755 if missing. The socket is bound
 * inside a fresh private directory (mode 0700) in the same directory, set to mode 0600, and only
 * then renamed into place, so there is no moment when anyone but its owner (root) can connect.
 * A socket of the same name that accepts connections belongs to a running process (an engine,
 * wireguard-go, another helper) and is an error; a stale one is replaced.
 *
 * <p><b>Serving.</b> Each connection is served by {@link UapiHandler#serve} on its own (platform)
 * thread; at most {@link #MAX_CONNECTIONS} are served at once and further ones are closed at
 * once.
 *
 * <p><b>Watching.</b> When the socket file is removed or replaced by another file, or accepting
 * fails, the {@code onGone} callback runs once: {@code wgdesk-engine} then shuts down, as wireguard-go
 * does (the helper keeps its tunnel up).
 * Where the JDK's watch service only polls (macOS: every 10 seconds, listing the directory),
 * {@link #open(Path, String, Duration)} with a check interval looks at the socket file itself
 * instead, every interval (one {@code lstat}), so {@code wg-quick down} ends the engine soon.
 * {@link #close()} removes the socket file if it is still this socket's.
 */
public final class UapiSocket implements AutoCloseable {
    /** Where wg and wg-quick look for userspace interfaces on Linux. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/var/run/wireguard");
    /** Connections served at the same time. */
    public static final int MAX_CONNECTIONS = 32;

    private static final System.Logger LOG = System.getLogger(UapiSocket.class.getName());

    private final Path path;
    private final Object fileKey;
    private final ServerSocketChannel server;
    private final WatchService watcher; // null: checkInterval
    private final Duration checkInterval;
    private final Semaphore permits = new Semaphore(MAX_CONNECTIONS);
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile Runnable onGone = () -> { };

    /** The socket file exists and a running process accepts connections on it. */
    public static final class SocketInUseException extends IOException {
        public SocketInUseException(String message) {
            super(message);
        }
    }

    private UapiSocket(Path path, Object fileKey, ServerSocketChannel server, WatchService watcher,
            Duration checkInterval) {
        this.path = path;
        this.fileKey = fileKey;
        this.server = server;
        this.watcher = watcher;
        this.checkInterval = checkInterval;
    }

    /** {@code dir/NAME.sock}. */
    public static Path socketPath(Path dir, String interfaceName) {
        return dir.resolve(interfaceName + ".sock");
    }

    /**
     * Creates and binds the socket; it accepts nothing until {@link #start}.
     *
     * @throws SocketInUseException if a running process accepts connections on the socket
     * @throws IOException if the socket cannot be created
     */
    public static UapiSocket open(Path dir, String interfaceName) throws IOException {
        return open(dir, interfaceName, null);
    }

    /**
     * As {@link #open(Path, String)}; with a {@code checkInterval}, the socket file is checked
     * every interval instead of through the JDK's watch service (for macOS, where that polls).
     */
    public static UapiSocket open(Path dir, String interfaceName, Duration checkInterval) throws IOException {
        if (checkInterval != null && (checkInterval.isNegative() || checkInterval.isZero())) {
            throw new IllegalArgumentException("checkInterval must be positive");
        }
        if (!isValidName(interfaceName)) {
            throw new IllegalArgumentException("invalid interface name");
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path target = socketPath(dir, interfaceName);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && isListening(target)) {
            throw new SocketInUseException("unix socket in use: " + target);
        }
        Path privateDir = Files.createTempDirectory(dir, "." + interfaceName + ".",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temp = privateDir.resolve("s");
        ServerSocketChannel server = null;
        WatchService watcher = null;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(temp), MAX_CONNECTIONS);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            if (checkInterval == null) {
                watcher = FileSystems.getDefault().newWatchService();
                dir.register(watcher, StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_CREATE);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            Object key = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new UapiSocket(target, key, server, watcher, checkInterval);
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            closeQuietly(watcher);
            Files.deleteIfExists(temp);
            throw e;
        } finally {
            Files.deleteIfExists(privateDir);
        }
    }

    /**
     * True if {@code name} can name a socket: a valid {@link TunnelName} (what wg-quick accepts:
     * 1 to 15 of {@code [a-zA-Z0-9_=+.-]}, not {@code .} or {@code ..}) that does not start with
     * {@code -}.
     */
    public static boolean isValidName(String name) {
        if (name == null || name.startsWith("-")) {
            return false;
        }
        try {
            TunnelName.of(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True if something accepts connections on the UNIX socket {@code path}. */
    public static boolean isListening(Path path) {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    /**
     * Starts accepting connections, served by {@code handler}, and watching the socket file.
     *
     * @param onGone run once (on some thread) when the socket file disappears or accepting fails
     */
    public void start(UapiHandler handler, Runnable onGone) {
        Objects.requireNonNull(handler, "handler");
        this.onGone = Objects.requireNonNull(onGone, "onGone");
        Thread.ofPlatform().daemon().name("wgdesk-uapi-accept").start(() -> acceptLoop(handler));
        Thread.ofPlatform().daemon().name("wgdesk-uapi-watch").start(this::watchLoop);
    }

    private void acceptLoop(UapiHandler handler) {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.ERROR, "UAPI: accepting a connection failed: {0}", e.getMessage());
                    gone();
                }
                return;
            }
            if (!permits.tryAcquire()) {
                LOG.log(Level.WARNING, "UAPI: more than {0} connections; closing a new one", MAX_CONNECTIONS);
                closeQuietly(c);
                continue;
            }
            connections.add(c);
            if (closed) { // close() may have missed it
                closeQuietly(c);
            }
            // A platform thread that ends with the connection: a virtual one would start the
            // virtual-thread scheduler and poller threads (five), which then stay for good.
            Thread.ofPlatform().daemon().name("wgdesk-uapi-conn").start(() -> {
                try (c) {
                    handler.serve(Channels.newInputStream(c), Channels.newOutputStream(c));
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "UAPI: connection ended: {0}", e.toString());
                } finally {
                    connections.remove(c);
                    permits.release();
                }
            });
        }
    }

    private void watchLoop() {
        if (watcher == null) {
            checkLoop();
            return;
        }
        try {
            while (!closed) {
                WatchKey key = watcher.take();
                boolean check = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW || path.getFileName().equals(e.context())) {
                        check = true;
                    }
                }
                boolean valid = key.reset();
                if ((check || !valid) && !stillOurs()) {
                    if (!closed) {
                        LOG.log(Level.DEBUG, "UAPI socket {0} was removed", path);
                        gone();
                    }
                    return;
                }
                if (!valid) {
                    return; // the directory itself went away: stillOurs() was false above
                }
            }
        } catch (ClosedWatchServiceException e) {
            // closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Checks the socket file every {@link #checkInterval} until it is gone or this socket is closed. */
    private void checkLoop() {
        try {
            while (!closed) {
                Thread.sleep(checkInterval);
                if (!closed && !stillOurs()) {
                    LOG.log(Level.DEBUG, "UAPI socket {0} was removed", path);
                    gone();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True if the socket file is still the one this object created. */
    boolean stillOurs() {
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return fileKey != null && fileKey.equals(key);
        } catch (IOException e) {
            return false;
        }
    }

    private void gone() {
        Runnable r = onGone;
        onGone = () -> { };
        r.run();
    }

    /**
     * Stops accepting, closes every open connection, and removes the socket file if it is still
     * this socket's. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(server);
        closeQuietly(watcher);
        for (SocketChannel c : connections) {
            closeQuietly(c);
        }
        if (stillOurs()) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot remove UAPI socket {0}: {1}", path, e.getMessage());
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing to do
            }
        }
    }
}
