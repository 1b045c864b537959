package dev.wgdesk.app.engine;

import dev.wgdesk.engine.platform.UapiSocket;
import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.BindProvider;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import dev.wgdesk.engine.tun.TunProvider;
import dev.wgdesk.engine.uapi.UapiHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One running engine: a TUN interface, the WireGuard {@link Device} on it, and its UAPI socket.
 *
 * <p>{@link #start} creates the interface, brings the device up on the best available UDP bind,
 * and opens the UAPI socket, in that order (as wireguard-go). The engine asks to stop
 * ({@link #awaitStop()} returns) when the interface is deleted, reading from it fails, the UAPI
 * socket file is removed, or {@link #requestStop} is called (signals). {@link #close()} removes
 * the socket and closes the device, which zeroes its keys and deletes the interface.
 *
 * <p><b>macOS.</b> The kernel names the interface: asked for {@code utun}, it picks the next free
 * {@code utunN}. The engine learns the real name from the created {@link Tun}, names the UAPI
 * socket after it ({@code utunN.sock}, where {@code wg} looks for it), and, when it was asked for
 * {@code utun} and given a name file (wg-quick's {@code WG_TUN_NAME_FILE}), writes the real name
 * and a line end to that file before the device comes up, as wireguard-go does. The file is
 * written atomically (a temporary file in the same directory, fsync, rename), so wg-quick never
 * reads half a name. {@link #close()} also removes the name file if it is still the one this
 * engine wrote (a later engine's file, written meanwhile, is left alone); wireguard-go leaves it
 * to wg-quick's {@code del_if}, which removes it as well.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    /**
     * How often the engine looks for its UAPI socket file on macOS, where the JDK's watch service
     * would notice its removal only after up to 10 seconds (it polls).
     */
    static final Duration MACOS_SOCKET_CHECK = Duration.ofMillis(500);

    private final String requestedName;
    private volatile String name;
    private final CompletableFuture<String> stopReason = new CompletableFuture<>();
    private final Object lifecycle = new Object();
    private Device device;
    private UapiSocket uapi;
    private Path nameFile;
    private Object nameFileKey;
    private boolean closed;

    private Engine(String requestedName) {
        this.requestedName = requestedName;
        this.name = requestedName;
    }

    /** Thrown when the engine cannot start; the message says what failed, for the log. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Creates the interface {@code name}, brings the device up and listens on
     * {@code socketDirectory/NAME.sock}. On failure everything created so far is closed again.
     */
    public static Engine start(String name, Path socketDirectory) throws StartupException {
        return start(name, socketDirectory, HostOs.current(), null, null);
    }

    /**
     * Asks {@code tuns} (null: the {@link TunProvider} found for this OS) for the interface
     * {@code requestedName}, brings the device up and listens on {@code socketDirectory/REAL.sock},
     * REAL being the name of the interface created. On macOS, with {@code requestedName} {@code utun}
     * and a {@code tunNameFile}, writes REAL to that file first. On failure everything created so far
     * is closed and removed again.
     *
     * @throws IllegalArgumentException if {@code requestedName} is not valid on {@code os}
     */
    static Engine start(String requestedName, Path socketDirectory, HostOs os, Path tunNameFile, TunProvider tuns)
            throws StartupException {
        Objects.requireNonNull(socketDirectory, "socketDirectory");
        Objects.requireNonNull(os, "os");
        String problem = InterfaceName.problem(requestedName, os);
        if (problem != null) {
            throw new IllegalArgumentException("invalid interface name: " + problem);
        }
        Engine engine = new Engine(requestedName);
        engine.startParts(socketDirectory, os, tunNameFile, tuns);
        return engine;
    }

    private void startParts(Path socketDirectory, HostOs os, Path tunNameFile, TunProvider tuns)
            throws StartupException {
        Tun tun;
        try {
            tun = (tuns != null ? tuns : TunProvider.load()).create(requestedName, Protocol.DEFAULT_MTU);
        } catch (IOException | RuntimeException e) {
            throw new StartupException("Failed to create TUN device: " + e.getMessage(), e);
        }
        String real = tun.name();
        String realProblem = realNameProblem(real, os);
        if (realProblem != null) {
            closeQuietly(tun);
            throw new StartupException("Failed to create TUN device: the interface created is named \""
                    + real + "\", " + realProblem, null);
        }
        name = real;
        if (os == HostOs.MACOS && requestedName.equals(InterfaceName.UTUN) && tunNameFile != null) {
            try {
                writeNameFile(tunNameFile, real);
            } catch (IOException | RuntimeException e) {
                closeQuietly(tun);
                throw new StartupException("Failed to write the interface name to WG_TUN_NAME_FILE "
                        + tunNameFile + ": " + e.getMessage(), e);
            }
        }
        try {
            startDevice(tun, socketDirectory, os == HostOs.MACOS ? MACOS_SOCKET_CHECK : null);
        } catch (StartupException e) {
            removeNameFile();
            throw e;
        }
    }

    /**
     * Why {@code real}, the name of the interface the provider created, cannot be used, or null:
     * it names the UAPI socket, so it must be a valid name; on macOS it must be a {@code utunN}.
     */
    private String realNameProblem(String real, HostOs os) {
        if (real == null || !InterfaceName.isValid(real)) {
            return "which cannot name a UAPI socket";
        }
        if (os == HostOs.MACOS) {
            if (!InterfaceName.isUtunWithUnit(real)) {
                return "not utunN";
            }
            if (!requestedName.equals(InterfaceName.UTUN) && !sameUnit(requestedName, real)) {
                return "not the " + requestedName + " asked for";
            }
        } else if (!real.equals(requestedName)) {
            return "not the " + requestedName + " asked for";
        }
        return null;
    }

    /** True if the two {@code utunN} names have the same N ({@code utun07} is {@code utun7}). */
    private static boolean sameUnit(String a, String b) {
        int n = InterfaceName.UTUN.length();
        return Long.parseLong(a.substring(n)) == Long.parseLong(b.substring(n));
    }

    /**
     * Writes {@code real} and a line end to {@code file} atomically: a temporary file (mode 0400,
     * as wireguard-go's) in the same directory, written and forced to disk, then renamed over
     * {@code file}; then the directory is forced too (where the OS allows it).
     */
    private void writeNameFile(Path file, String real) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap((real + "\n").getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    c.write(b);
                }
                c.force(true);
            }
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--------"));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot sync directory {0}: {1}", dir, e.getMessage());
        }
        Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        synchronized (lifecycle) {
            nameFile = file;
            nameFileKey = key;
        }
        LOG.log(Level.DEBUG, "Wrote interface name {0} to {1}", real, file);
    }

    /** Removes the name file this engine wrote, unless another file has replaced it since. */
    private void removeNameFile() {
        Path file;
        Object key;
        synchronized (lifecycle) {
            file = nameFile;
            key = nameFileKey;
            nameFile = null;
        }
        if (file == null) {
            return;
        }
        try {
            Object now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (key != null && key.equals(now)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // already gone, or not ours to remove
        }
    }

    private void startDevice(Tun tun, Path socketDirectory, Duration socketCheckInterval) throws StartupException {
        WatchedTun watched = new WatchedTun(tun,
                e -> requestStop("Failed to read packet from TUN device: " + e.getMessage()));
        watched.onEvent(e -> {
            if (e instanceof TunEvent.Removed) {
                requestStop("interface " + name + " was removed");
            }
        });
        Device d;
        try {
            d = new Device(watched, BindProvider.createBest(), Clock.system());
        } catch (RuntimeException e) {
            closeQuietly(watched);
            throw new StartupException("Failed to create device: " + e, e);
        }
        // A device that fails (a data-path loop that cannot go on) closes itself: stop with its reason.
        d.onClosed(() -> {
            String reason = d.failureReason();
            if (reason != null) {
                requestStop(reason);
            }
        });
        try {
            d.up();
        } catch (IOException | RuntimeException e) {
            d.close();
            throw new StartupException("Failed to bring up device: " + e.getMessage(), e);
        }
        UapiSocket u;
        try {
            u = UapiSocket.open(socketDirectory, name, socketCheckInterval);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw new StartupException("Failed to listen on uapi socket: " + e.getMessage(), e);
        }
        synchronized (lifecycle) {
            device = d;
            uapi = u;
        }
        u.start(new UapiHandler(new DeviceUapiTarget(d)), () -> requestStop("UAPI socket " + u.path() + " is gone"));
        LOG.log(Level.DEBUG, "UAPI listener started");
        LOG.log(Level.DEBUG, "Device started");
    }

    /** The interface name: the one the OS created (on macOS the {@code utunN} the kernel picked). */
    public String name() {
        return name;
    }

    /** The interface name given to {@link #start}, e.g. {@code utun} on macOS. */
    public String requestedName() {
        return requestedName;
    }

    /** The device, for inspection. */
    public Device device() {
        synchronized (lifecycle) {
            return device;
        }
    }

    /** Asks the engine to stop; the first reason wins. Any thread. */
    public void requestStop(String reason) {
        stopReason.complete(reason);
    }

    /** True once a stop was requested. */
    public boolean stopRequested() {
        return stopReason.isDone();
    }

    /** Blocks until a stop is requested and returns the reason. */
    public String awaitStop() throws InterruptedException {
        try {
            return stopReason.get();
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        }
    }

    /**
     * Removes the UAPI socket, closes the device and removes the name file it wrote (if still
     * its own). Idempotent; any thread.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            stopReason.complete("closed");
            if (uapi != null) {
                uapi.close();
            }
            if (device != null) {
                device.close();
            }
        }
        removeNameFile();
    }

    private static void closeQuietly(Tun tun) {
        try {
            tun.close();
        } catch (IOException e) {
            // already failing
        }
    }
}
